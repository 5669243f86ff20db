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

export function readProviderConfig(read: PropertyReader): ProviderConfig {
  return { baseUrl: parseBaseUrl(read(BASE_URL_PROPERTY)), apiKey: parseApiKey(read(API_KEY_PROPERTY)) };
}

export function parseBaseUrl(raw: string | null | undefined): string {
  const fail = (why: string): never => {
    throw new ProviderConfigError(BASE_URL_PROPERTY, `Script Property ${BASE_URL_PROPERTY} ${why}`);
  };
  const value = (raw ?? '').trim();
  if (value === '') return fail('is not set: set it to the conference API base URL (https://…).');
  // Messages reach every user's status card: never echo credentials, a query or a fragment that may hold a secret.
  const shown = value.replace(/\/\/[^/?#]*@/, '//…@').replace(/[?#].*$/, '…');
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)([?#].*)?$/.exec(value);
  if (!match) return fail(`is not an absolute URL: "${shown}".`);
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
  if ([...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
    throw new ProviderConfigError(
      API_KEY_PROPERTY,
      `Script Property ${API_KEY_PROPERTY} contains control characters.`,
    );
  }
  return value;
}
