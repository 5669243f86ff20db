/** When npm start must rebuild: dist/ is missing, or a source of the bundle changed after it was built. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What the bundle is built from (rollup reads src/ and contracts/, the manifest, its config and the deps). */
export const BUNDLE_SOURCES = ['src', 'contracts', 'appsscript.json', 'rollup.config.js', 'package.json'];

/** Newest modification time under `path` (a file or a folder); 0 when it does not exist. */
export function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/** dist/ is stale when either built file is missing or older than the newest source. */
export function distIsStale(root: string): boolean {
  const built = Math.min(newest(join(root, 'dist/Code.js')), newest(join(root, 'dist/appsscript.json')));
  const sources = Math.max(...BUNDLE_SOURCES.map((p) => newest(join(root, p))));
  return built === 0 || built < sources;
}
