/**
 * Builds the add-on (CommonJS, like the rest of the project's config files): src/index.ts → dist/Code.js (one plain, readable Apps Script file) and the manifest
 * appsscript.json → dist/appsscript.json with its urlFetchWhitelist generated from configuration.
 *
 * - format 'es' keeps the entry's exports as top-level `function name() {}`; gasStripExports then removes the
 *   trailing `export { … };` and fails the build on an aliased export or on any import/export/require left,
 *   because Apps Script would reject or silently mis-run them (shared/reference/toolchain.md §2).
 * - noEmitOnError: a type error fails the build instead of being a warning.
 * - urlFetchWhitelist: from the environment variable CONFERENCE_API_BASE_URL at build time (the production
 *   conference API base URL), validated as Google requires (https, full host, non-empty path) and normalised to
 *   end with `/`; without it, the documented placeholder https://conference.example.com/.
 */
const { readFileSync } = require('node:fs');
const typescript = require('@rollup/plugin-typescript');

const WHITELIST_PLACEHOLDER = 'https://conference.example.com/';
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost'];

function gasStripExports() {
  return {
    name: 'gas-strip-exports',
    renderChunk(code) {
      const out = code.replace(/^export\s*\{([^}]*)\};?[ \t]*$/gm, (_m, list) => {
        for (const spec of list
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)) {
          const [local, exported = local] = spec.split(/\s+as\s+/);
          if (local !== exported) {
            this.error(
              `entry export "${exported}" is an alias of "${local}"; export the function under its own name`,
            );
          }
        }
        return '';
      });
      if (/^\s*(import|export)\b/m.test(out) || /\brequire\s*\(/.test(out)) {
        this.error('import/export/require left in the Apps Script bundle; Apps Script has no modules');
      }
      return { code: `${out.trimEnd()}\n`, map: null };
    },
  };
}

/**
 * The whitelist entry for a base URL, or null for a loopback http URL (a local run: Apps Script can never reach
 * it, so the placeholder stays). Throws with the reason for anything Google would reject.
 */
function whitelistEntry(raw) {
  let url;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error(`CONFERENCE_API_BASE_URL is not a URL: "${raw}"`);
  }
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname)) return null;
  if (url.protocol !== 'https:')
    throw new Error(`CONFERENCE_API_BASE_URL must use https:// for the urlFetchWhitelist: "${raw}"`);
  if (url.username || url.password)
    throw new Error(`CONFERENCE_API_BASE_URL must not contain credentials: "${raw}"`);
  if (url.search || url.hash)
    throw new Error(`CONFERENCE_API_BASE_URL must not have a query or fragment: "${raw}"`);
  if (!url.hostname.includes('.') || url.hostname.includes('*')) {
    throw new Error(`CONFERENCE_API_BASE_URL needs a full host name: "${raw}"`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '') {
    // The README asks for the API's base with a path (https://conf.example.com/api): an allowlist entry of the
    // bare host would let the add-on fetch anything on that host, not just the conference API.
    throw new Error(`CONFERENCE_API_BASE_URL needs a path after the host, e.g. ${url.origin}/api: "${raw}"`);
  }
  return `${url.origin}${path}/`;
}

/** Marker in src/platform/buildInfo.ts that the build replaces with the allowlist it writes into the manifest. */
const WHITELIST_MARKER = "'__CONFERENCE_SYNC_URL_FETCH_WHITELIST__'";

/**
 * The manifest with its urlFetchWhitelist, and the same list compiled into the bundle, so the add-on can tell an
 * administrator that the configured base URL is outside it instead of failing at fetch time.
 */
function gasManifest(whitelist, src = 'appsscript.json') {
  return {
    name: 'gas-manifest',
    buildStart() {
      this.addWatchFile(src);
      if (whitelist[0] === WHITELIST_PLACEHOLDER && process.env.CONFERENCE_API_BASE_URL?.trim()) {
        this.warn(
          `CONFERENCE_API_BASE_URL is a loopback URL; urlFetchWhitelist keeps ${WHITELIST_PLACEHOLDER}`,
        );
      }
    },
    renderChunk(code) {
      const occurrences = code.split(WHITELIST_MARKER).length - 1;
      if (occurrences !== 1)
        this.error(`expected the whitelist marker once in the bundle, found ${occurrences}`);
      return { code: code.replace(WHITELIST_MARKER, JSON.stringify(JSON.stringify(whitelist))), map: null };
    },
    generateBundle() {
      const manifest = JSON.parse(readFileSync(src, 'utf8'));
      manifest.urlFetchWhitelist = whitelist;
      this.emitFile({
        type: 'asset',
        fileName: 'appsscript.json',
        source: `${JSON.stringify(manifest, null, 2)}\n`,
      });
    },
  };
}

/**
 * The allowlist from CONFERENCE_API_BASE_URL, checked before rollup starts: a bad value ends the build with the
 * one line that says why (exit 1), instead of a plugin error wrapped in rollup's stack trace.
 */
function configuredWhitelist() {
  const configured = process.env.CONFERENCE_API_BASE_URL?.trim();
  if (!configured) return [WHITELIST_PLACEHOLDER];
  try {
    return [whitelistEntry(configured) ?? WHITELIST_PLACEHOLDER];
  } catch (e) {
    process.stderr.write(`build refused: ${e.message}\n`);
    process.exit(1);
  }
}

// A function: rollup calls it only when it builds, so tests can require the helpers below without a check firing.
module.exports = () => ({
  input: 'src/index.ts',
  output: { dir: 'dist', entryFileNames: 'Code.js', format: 'es', inlineDynamicImports: true },
  plugins: [
    typescript({ tsconfig: './tsconfig.json', noEmitOnError: true }),
    gasStripExports(),
    gasManifest(configuredWhitelist()),
  ],
});

// Helpers for tests (non-enumerable, so nothing mistakes them for options).
Object.defineProperties(module.exports, {
  WHITELIST_PLACEHOLDER: { value: WHITELIST_PLACEHOLDER, enumerable: false },
  whitelistEntry: { value: whitelistEntry, enumerable: false },
});
