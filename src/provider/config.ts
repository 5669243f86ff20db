/**
 * The provider's configuration, read from Script Properties and validated before any request is made:
 * `CONFERENCE_API_BASE_URL` (https only; plain http only to exactly `127.0.0.1` or `localhost`, for local runs)
 * and `CONFERENCE_API_KEY` (the bearer key). Errors name the property and the reason and never echo the key.
 * Parsed by hand because Apps Script has no `URL` class.
 */
import { ProviderConfigError } from '../core/errors';

export const BASE_URL_PROPERTY = 'CONFERENCE_API_BASE_URL';
export const API_KEY_PROPERTY = 'CONFERENCE_API_KEY';

export interface ProviderConfig {
  /** Normalised to end with exactly one `/`, so paths are appended as `base + 'v1/…'`. */
  baseUrl: string;
  apiKey: string;
}

/** Where configuration comes from: Script Properties in Apps Script, a plain object in tests. */
export type PropertyReader = (name: string) => string | null | undefined;

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost'];
// A DNS name (labels of letters, digits, hyphens) or a dotted IPv4 address; no userinfo, no IPv6 literals.
const HOST_PATTERN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * `urlFetchWhitelist`: the manifest's URL allowlist as built (undefined when not known, e.g. in unit tests). Apps
 * Script refuses a fetch outside it with an unclear message at request time; checking here says what to do.
 */
export function readProviderConfig(
  read: PropertyReader,
  urlFetchWhitelist?: readonly string[],
): ProviderConfig {
  const baseUrl = parseBaseUrl(read(BASE_URL_PROPERTY));
  if (urlFetchWhitelist) checkAllowlisted(baseUrl, urlFetchWhitelist);
  return { baseUrl, apiKey: parseApiKey(read(API_KEY_PROPERTY)) };
}

/** Loopback http is for local runs, which no manifest governs; any other base URL must be an allowlist prefix. */
function checkAllowlisted(baseUrl: string, whitelist: readonly string[]): void {
  if (baseUrl.startsWith('http://')) return;
  if (whitelist.some((entry) => allowlistCovers(entry, baseUrl))) return;
  throw new ProviderConfigError(
    BASE_URL_PROPERTY,
    // Scheme and host only: the path may hold a pasted key.
    `Script Property ${BASE_URL_PROPERTY} (${baseUrl.replace(/^(https?:\/\/[^/:]*).*$/s, '$1/…')}) is not covered ` +
      "by the add-on's URL allowlist: build with CONFERENCE_API_BASE_URL=<this property's URL> npm run build, then push again.",
  );
}

/** Google's rule: a prefix match, with an optional leading `*.` standing for any subdomain. */
export function allowlistCovers(entry: string, url: string): boolean {
  const wildcard = /^https:\/\/\*\.([^/]+)(\/.*)$/.exec(entry);
  if (!wildcard) return url.startsWith(entry);
  const [, domain, path] = wildcard;
  const match = /^https:\/\/([^/]+)(\/.*)$/.exec(url);
  if (!match) return false;
  return match[1].endsWith(`.${domain}`) && match[2].startsWith(path);
}

export function parseBaseUrl(raw: string | null | undefined): string {
  const fail = (why: string): never => {
    throw new ProviderConfigError(BASE_URL_PROPERTY, `Script Property ${BASE_URL_PROPERTY} ${why}`);
  };
  const value = (raw ?? '').trim();
  if (value === '') return fail('is not set: set it to the conference API base URL (https://…).');
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)([?#].*)?$/.exec(value);
  // Messages reach every user's status card, and the property may hold the key (swapped properties, a key pasted
  // into the URL): show at most the scheme and a host that passed the host check, never path, query or userinfo.
  if (!match) return fail('is not an absolute URL (https://host/path); its value is not shown.');
  const hostOnly = /^(?:[^@]*@)?([^:@]*)(?::\d*)?$/.exec(match[2])?.[1]?.toLowerCase() ?? '';
  const shown = HOST_PATTERN.test(hostOnly)
    ? `${match[1].toLowerCase()}://${hostOnly}/…`
    : '(value not shown)';
  const [, schemeRaw, authority, path, rest] = match;
  const scheme = schemeRaw.toLowerCase();
  if (rest) return fail(`must not carry a query or fragment: "${shown}".`);
  if (authority.includes('@')) return fail(`must not contain credentials or "@": "${shown}".`);
  const hostPort = /^([^:]*)(?::(\d{1,5}))?$/.exec(authority);
  if (!hostPort) return fail(`has an invalid host or port: "${shown}".`);
  const host = hostPort[1].toLowerCase();
  const port = hostPort[2];
  if (!HOST_PATTERN.test(host)) return fail(`has an invalid host: "${shown}".`);
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    return fail(`has an invalid port: "${shown}".`);
  if (scheme === 'http') {
    // Plain http only to this machine (local conference server); look-alikes such as localhost.example.com are
    // ordinary remote hosts and would carry the key in clear text.
    if (!LOOPBACK_HOSTS.includes(host)) {
      return fail(
        `must use https:// (plain http:// is allowed only for 127.0.0.1 or localhost): "${shown}".`,
      );
    }
  } else if (scheme !== 'https') {
    return fail(`must use https://: "${shown}".`);
  }
  const normalisedPath = path.replace(/\/+$/, '') + '/';
  return `${scheme}://${host}${port !== undefined ? `:${port}` : ''}${normalisedPath}`;
}

export function parseApiKey(raw: string | null | undefined): string {
  const value = (raw ?? '').trim();
  if (value === '') {
    throw new ProviderConfigError(
      API_KEY_PROPERTY,
      `Script Property ${API_KEY_PROPERTY} is not set or empty.`,
    );
  }
  // A control character (a pasted newline) would corrupt the Authorization header; the key itself is not shown.
  // Not a valid header value (controls, non-Latin-1) or not a bearer token (inner spaces): a configuration error,
  // so createConference answers PERMANENT instead of a fetch failure Calendar would retry forever.
  if (
    [...value].some((ch) => ch.charCodeAt(0) < 0x20 || (ch.charCodeAt(0) >= 0x7f && ch.charCodeAt(0) < 0xa0))
  ) {
    throw new ProviderConfigError(
      API_KEY_PROPERTY,
      `Script Property ${API_KEY_PROPERTY} contains control characters.`,
    );
  }
  if ([...value].some((ch) => ch.charCodeAt(0) > 0xff) || /\s/.test(value)) {
    throw new ProviderConfigError(
      API_KEY_PROPERTY,
      `Script Property ${API_KEY_PROPERTY} is not a valid bearer key (spaces or characters outside Latin-1).`,
    );
  }
  return value;
}

export const WAVE_WIDTH_PROPERTY = 'CONFERENCE_SYNC_WAVE_WIDTH';
/** UrlFetchApp.fetchAll has no documented cap; 100 parallel requests is as far as the add-on goes. */
export const MAX_WAVE_WIDTH = 100;

/**
 * Optional tuning: how many provider requests one wave sends in parallel (default 50). A provider with a low rate
 * limit may want fewer. Anything but a whole number from 1 to MAX_WAVE_WIDTH is refused, naming the property.
 */
export function readWaveWidth(read: PropertyReader): number | undefined {
  const raw = read(WAVE_WIDTH_PROPERTY);
  if (raw === null || raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim();
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > MAX_WAVE_WIDTH) {
    const range = `a whole number from 1 to ${MAX_WAVE_WIDTH}`;
    throw new ProviderConfigError(
      WAVE_WIDTH_PROPERTY,
      `Script Property ${WAVE_WIDTH_PROPERTY} must be ${range} (requests sent in parallel); leave it unset for 50.`,
    );
  }
  return Number(value);
}

/**
 * Every configured value that could hold the key, for the log to redact: the key as given and trimmed, its
 * whitespace-separated parts (a pasted `Bearer …`), and the base URL property's own secret-bearing parts — all of
 * it when it is not a URL (the properties swapped), else its userinfo, query and fragment, and its long path
 * segments (a key pasted into the path). Longest first, so a part never splits a longer secret.
 */
export function secretValues(get: (name: string) => string | null): string[] {
  const out = new Set<string>();
  const add = (value: string | undefined | null) => {
    const v = value?.trim();
    if (v && v.length >= 6) out.add(v);
  };
  const key = get(API_KEY_PROPERTY);
  if (key) {
    add(key);
    for (const part of key.split(/\s+/)) add(part);
    add(JSON.stringify(key.trim()).slice(1, -1));
  }
  const base = get(BASE_URL_PROPERTY)?.trim();
  if (base) {
    const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(base);
    if (!match) add(base);
    else {
      const [, , authority = '', path = '', query, fragment] = match;
      const at = authority.lastIndexOf('@');
      if (at >= 0) {
        const userinfo = authority.slice(0, at);
        add(userinfo);
        for (const part of userinfo.split(':')) add(part);
      }
      add(query?.slice(1));
      for (const pair of query?.slice(1).split('&') ?? []) add(pair.slice(pair.indexOf('=') + 1));
      add(fragment?.slice(1));
      for (const segment of path.split('/')) if (segment.length >= 16) add(segment);
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}
