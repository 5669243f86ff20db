/**
 * Opaque sync and page tokens. A token is base64url(JSON payload) + "." + an HMAC of it, so a
 * client cannot forge or edit one, and a token from another emulator run or another calendar is
 * recognised as foreign (400 "Invalid sync token value."), while a genuine but stale one can be
 * told apart and answered 410 fullSyncRequired.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SyncTokenPayload {
  k: 's';
  /** calendar id */
  c: string;
  /** change-log position: every change with a position > p is news to the holder */
  p: number;
  /** engine epoch (bumped by reset) */
  e: number;
  /** calendar token generation (bumped by invalidation) */
  g: number;
  /** issue time, ms */
  t: number;
}

export interface PageTokenPayload {
  k: 'p';
  c: string;
  /** hash of the query the token belongs to */
  q: string;
  /** cursor: index into the event array (full list) or change log (incremental), then the instance index */
  i: number;
  j: number;
  /** snapshot: change-log position the sync token of the last page will carry */
  s: number;
  /** for an incremental listing: the position of the sync token it started from */
  f?: number;
  e: number;
  g: number;
  t: number;
}

/** A token of a small collection (ACL, calendar list): `u` the latest change time seen, `i` a page offset. */
export interface CollectionTokenPayload {
  k: 'l';
  c: string;
  u: number;
  i?: number;
  e: number;
}

export type TokenPayload = SyncTokenPayload | PageTokenPayload | CollectionTokenPayload;

export class TokenCodec {
  constructor(private readonly secret: string) {}

  private sign(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest().subarray(0, 12).toString('base64url');
  }

  encode(payload: TokenPayload): string {
    const data = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${data}.${this.sign(data)}`;
  }

  /** The payload, or undefined when the token is corrupt or was not issued by this engine. */
  decode(token: string): TokenPayload | undefined {
    if (typeof token !== 'string' || token.length > 4096) return undefined;
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const data = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(data), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const payload = JSON.parse(Buffer.from(data, 'base64url').toString('utf8'));
      return payload && (payload.k === 's' || payload.k === 'p' || payload.k === 'l') ? payload : undefined;
    } catch {
      return undefined;
    }
  }
}
