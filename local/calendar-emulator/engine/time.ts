/**
 * Time and identifier formats of the emulator, in Google's shapes (fixtures §6): RFC3339 `updated`
 * with ms and `Z`, `created` at second precision, etag = 2 × updated-in-µs, base32hex event ids,
 * instance-id suffixes, htmlLink eids.
 */
import { createHmac } from 'node:crypto';
import { DateTime, IANAZone } from 'luxon';

/** `2025-03-25T13:06:14.176Z` */
export function formatUpdated(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2025-03-24T12:58:18.000Z` — Google truncates `created` to the second. */
export function formatCreated(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/** Event etag: the quoted decimal of 2 × µs (fixtures §6); `odd` gives the +1 seen on exceptions. */
export function eventEtag(us: number, odd = false): string {
  return `"${2 * us + (odd ? 1 : 0)}"`;
}

const B32HEX = '0123456789abcdefghijklmnopqrstuv';

/** base32hex (lowercase, no padding) of bytes: the alphabet of event ids. */
export function base32hex(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32HEX[(value << (5 - bits)) & 31];
  return out;
}

/** A 26-character id in `[0-9a-v]`, derived from a secret and a counter so runs with a fixed secret repeat. */
export function generateEventId(secret: string, counter: number): string {
  const digest = createHmac('sha256', secret).update(`event-id:${counter}`).digest();
  return base32hex(digest.subarray(0, 17)).slice(0, 26);
}

/** Google's rule for client ids: base32hex characters, 5–1024 long. */
export function isValidClientId(id: string): boolean {
  return /^[a-v0-9]{5,1024}$/.test(id);
}

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** RFC3339 dateTime in a zone, `Z` for UTC, without milliseconds: `2025-03-24T07:30:00-05:00`. */
export function formatDateTime(ms: number, zone: string): string {
  const dt = DateTime.fromMillis(ms, { zone });
  if (dt.offset === 0 && (zone === 'UTC' || zone === 'Etc/UTC'))
    return dt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
  return dt.toISO({ suppressMilliseconds: true, includeOffset: true })!.replace(/\.\d{3}/, '');
}

/** Instance-id suffix of a timed occurrence: original start in UTC, `20250325T130000Z`. */
export function timedSuffix(ms: number): string {
  return DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat("yyyyMMdd'T'HHmmss'Z'");
}

/** Instance-id suffix of an all-day occurrence: `20200513`. */
export function dateSuffix(date: string): string {
  return date.replace(/-/g, '');
}

/** `https://www.google.com/calendar/event?eid=` + base64url("<eventId> <calendar abbrev>") (fixtures §6). */
export function htmlLink(eventId: string, calendarId: string): string {
  const abbrev = calendarId.replace(/@gmail\.com$/, '@m').replace(/@group\.calendar\.google\.com$/, '@g');
  const eid = Buffer.from(`${eventId} ${abbrev}`).toString('base64url');
  return `https://www.google.com/calendar/event?eid=${eid}`;
}

/** Parses an RFC3339 timestamp with a mandatory offset (list parameters). NaN when invalid. */
export function parseRfc3339(value: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return Number.NaN;
  const dt = DateTime.fromISO(value, { setZone: true });
  return dt.isValid ? dt.toMillis() : Number.NaN;
}

/** Start of an all-day `date` in a zone, in ms. */
export function dateStartMs(date: string, zone: string): number {
  return DateTime.fromISO(date, { zone }).toMillis();
}

export function isValidDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && DateTime.fromISO(date, { zone: 'UTC' }).isValid;
}
