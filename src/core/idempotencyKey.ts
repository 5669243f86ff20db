/**
 * The `Idempotency-Key` of a conference create: a pure function of (calendarId, eventId), so a create that is
 * retried (by Calendar, by a timeout, by a second click) finds the conference the first attempt made instead of
 * making another. Readable when it fits in the provider's 255 characters; otherwise a readable prefix plus a
 * 128-bit hash of the whole, which keeps distinct pairs distinct in practice.
 */
import { CONFERENCE_LIMITS } from '../../contracts/conference-api';

const VERSION = 'cs1';

export function idempotencyKey(calendarId: string, eventId: string): string {
  // encodeURIComponent escapes ':' and anything that is not safe in an HTTP header, so the join is unambiguous.
  const plain = `${VERSION}:${encodeURIComponent(calendarId)}:${encodeURIComponent(eventId)}`;
  if (plain.length <= CONFERENCE_LIMITS.maxIdempotencyKeyLength) return plain;
  const hash = hash128(plain);
  const room = CONFERENCE_LIMITS.maxIdempotencyKeyLength - hash.length - `${VERSION}h::`.length;
  return `${VERSION}h:${hash}:${plain.slice(VERSION.length + 1, VERSION.length + 1 + room)}`;
}

/**
 * A small non-cryptographic 128-bit hash (four independently seeded 32-bit FNV-1a/multiply lanes, cyrb128 style),
 * as 32 hex digits. Collisions only matter between two over-long ids of the same user; 128 bits make that moot.
 */
export function hash128(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  let h3 = 0x9e3779b9;
  let h4 = 0x85ebca6b;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ c, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ c, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ c, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ c, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [h1 ^ h2 ^ h3 ^ h4, h2 ^ h1, h3 ^ h1, h4 ^ h1]
    .map((h) => (h >>> 0).toString(16).padStart(8, '0'))
    .join('');
}
