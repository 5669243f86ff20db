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

/**
 * Generator of 26-character ids in `[0-9a-v]` (the shape of Google's generated ids). Seeded from
 * the engine secret, so a run with a fixed secret repeats its ids; a PRNG rather than an HMAC per
 * id because inserts are hot in benchmarks and bulk loads.
 */
export class IdGenerator {
  private state: number;

  constructor(secret: string) {
    this.state = createHmac('sha256', secret).update('event-ids').digest().readUInt32BE(0);
  }

  /** mulberry32: small, fast, well distributed; 5 bits per character. */
  private next32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }

  next(): string {
    const chars: string[] = new Array(26);
    for (let i = 0; i < 26; i++) chars[i] = B32HEX[this.next32() >>> 27];
    return chars.join('');
  }
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
  if (zone === 'UTC' || zone === 'Etc/UTC') return `${new Date(ms).toISOString().slice(0, 19)}Z`;
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
