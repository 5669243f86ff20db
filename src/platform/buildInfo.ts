/**
 * Facts the build compiles into the bundle (rollup.config.js replaces the marker below). Unbundled, as in unit
 * tests, the marker stays and nothing is known: no manifest governs that code.
 */
const BUILT_URL_FETCH_WHITELIST = '__CONFERENCE_SYNC_URL_FETCH_WHITELIST__';

/** The manifest's urlFetchWhitelist as built, or undefined when this code was not built into a bundle. */
export function builtUrlFetchWhitelist(): string[] | undefined {
  if (BUILT_URL_FETCH_WHITELIST.startsWith('__')) return undefined;
  return JSON.parse(BUILT_URL_FETCH_WHITELIST) as string[];
}
