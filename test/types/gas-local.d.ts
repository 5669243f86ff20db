// Type declarations for gas-local, which ships none.
declare module 'gas-local' {
  export function require(
    folderPath: string,
    globalObject?: Record<string, unknown>,
    options?: { filter?: (filePath: string) => boolean },
  ): Record<string, any>;
  export const globalMockDefault: Record<string, unknown>;
}
