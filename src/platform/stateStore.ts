/**
 * StateStore over this user's Properties (PropertiesService.getUserProperties()). User properties are what make a
 * conference "ours": an attendee running the same add-on has their own store, without our records.
 *
 * Key scheme (calendar and event ids are URI-encoded, so `:` only ever separates parts):
 *   sync.token:<calendarId>            the calendar's sync token (JSON string)
 *   conf:<calendarId>:<eventId>        ConferenceRecord
 *   retry:<calendarId>:<eventId>       PendingRetry
 *   fail:<calendarId>:<eventId>        EventFailure
 *   sync.rerun:<calendarId>            a pending "sync again" request (see core/serializedSync.ts)
 *   chunk:<n>:<key>                    part n of a value too large for one property (see below)
 * Values are JSON. A property value is limited to about 9 KB (8,066 bytes measured, key included), so a larger
 * value is split: the main key holds `#chunks:<count>` and the parts live under `chunk:<n>:<key>`. A value that
 * would need more than MAX_CHUNKS parts fails loudly with StateValueTooLargeError instead of eating the 500 KB
 * store. An unreadable value (corrupt JSON, missing part) is logged and treated as absent, never a crash.
 */
import type { ConferenceRecord, EventFailure, PendingRetry } from '../core/model';
import type { LogPort, StateStore } from '../core/ports';
import type { RerunRequests } from '../core/serializedSync';

/** The part of GoogleAppsScript.Properties.Properties used here. */
export interface PropertyStore {
  getProperty(key: string): string | null;
  setProperties(properties: { [key: string]: string }): unknown;
  deleteProperty(key: string): unknown;
  getKeys(): string[];
}

/** Bytes of key + value per property, kept under Google's measured 8,066 with room to spare. */
export const MAX_PROPERTY_BYTES = 8000;
export const MAX_CHUNKS = 32;
const CHUNK_HEAD = /^#chunks:(\d{1,3})$/;

/** A value larger than the store can hold in MAX_CHUNKS properties. */
export class StateValueTooLargeError extends Error {
  readonly key: string;
  readonly bytes: number;
  constructor(key: string, bytes: number) {
    super(
      `state value for ${key} is ${bytes} bytes, more than the ${MAX_CHUNKS} properties allowed for one value`,
    );
    this.name = 'StateValueTooLargeError';
    this.key = key;
    this.bytes = bytes;
  }
}

const enc = encodeURIComponent;
export const stateKeys = {
  syncToken: (calendarId: string) => `sync.token:${enc(calendarId)}`,
  record: (calendarId: string, eventId: string) => `conf:${enc(calendarId)}:${enc(eventId)}`,
  retry: (calendarId: string, eventId: string) => `retry:${enc(calendarId)}:${enc(eventId)}`,
  failure: (calendarId: string, eventId: string) => `fail:${enc(calendarId)}:${enc(eventId)}`,
  rerun: (calendarId: string) => `sync.rerun:${enc(calendarId)}`,
  chunk: (key: string, n: number) => `chunk:${n}:${key}`,
};

type Kind = 'conf' | 'retry' | 'fail';

export class UserPropertiesStateStore implements StateStore {
  constructor(
    private readonly props: PropertyStore,
    private readonly log: LogPort,
  ) {}

  getSyncToken(calendarId: string): string | null {
    const token = this.read(stateKeys.syncToken(calendarId));
    return typeof token === 'string' && token !== '' ? token : null;
  }
  setSyncToken(calendarId: string, token: string): void {
    this.write(stateKeys.syncToken(calendarId), token);
  }
  clearSyncToken(calendarId: string): void {
    this.remove(stateKeys.syncToken(calendarId));
  }

  getRecord(calendarId: string, eventId: string): ConferenceRecord | null {
    return this.readPerEvent<ConferenceRecord>(stateKeys.record(calendarId, eventId));
  }
  putRecord(record: ConferenceRecord): void {
    this.write(stateKeys.record(record.calendarId, record.eventId), record);
  }
  deleteRecord(calendarId: string, eventId: string): void {
    this.remove(stateKeys.record(calendarId, eventId));
  }
  listRecords(calendarId: string): ConferenceRecord[] {
    return this.listPerEvent<ConferenceRecord>('conf', calendarId);
  }

  listPendingRetries(calendarId: string): PendingRetry[] {
    return this.listPerEvent<PendingRetry>('retry', calendarId);
  }
  putPendingRetry(retry: PendingRetry): void {
    this.write(stateKeys.retry(retry.calendarId, retry.eventId), retry);
  }
  deletePendingRetry(calendarId: string, eventId: string): void {
    this.remove(stateKeys.retry(calendarId, eventId));
  }

  listFailures(calendarId: string): EventFailure[] {
    return this.listPerEvent<EventFailure>('fail', calendarId);
  }
  putFailure(failure: EventFailure): void {
    this.write(stateKeys.failure(failure.calendarId, failure.eventId), failure);
  }
  clearFailure(calendarId: string, eventId: string): void {
    this.remove(stateKeys.failure(calendarId, eventId));
  }

  /** Every calendar this user has a token or a conference record for (for the status card). */
  knownCalendarIds(): string[] {
    const ids = new Set<string>();
    for (const key of this.props.getKeys()) {
      const match = /^(?:sync\.token:([^:]*)|conf:([^:]*):)/.exec(key);
      const encoded = match?.[1] ?? match?.[2];
      if (encoded !== undefined) ids.add(decodeURIComponent(encoded));
    }
    return [...ids].sort();
  }

  private listPerEvent<T>(kind: Kind, calendarId: string): T[] {
    const prefix = `${kind}:${enc(calendarId)}:`;
    const out: T[] = [];
    for (const key of this.props
      .getKeys()
      .filter((k) => k.startsWith(prefix))
      .sort()) {
      const value = this.readPerEvent<T>(key);
      if (value !== null) out.push(value);
    }
    return out;
  }

  /** Per-event values are objects naming their calendar and event; anything else is treated as corrupt. */
  private readPerEvent<T>(key: string): T | null {
    const value = this.read(key);
    if (value === null) return null;
    const v = value as { calendarId?: unknown; eventId?: unknown };
    if (typeof v !== 'object' || typeof v.calendarId !== 'string' || typeof v.eventId !== 'string') {
      this.log.warn('state: ignoring a value of the wrong shape', { key });
      return null;
    }
    return value as T;
  }

  private read(key: string): unknown {
    const head = this.props.getProperty(key);
    if (head === null) return null;
    let text = head;
    const chunked = CHUNK_HEAD.exec(head);
    if (chunked) {
      const parts: string[] = [];
      for (let n = 0; n < Number(chunked[1]); n++) {
        const part = this.props.getProperty(stateKeys.chunk(key, n));
        if (part === null) {
          this.log.warn('state: ignoring a value with a missing part', { key, part: n });
          return null;
        }
        parts.push(part);
      }
      text = parts.join('');
    }
    try {
      return JSON.parse(text);
    } catch {
      this.log.warn('state: ignoring a value that is not valid JSON', { key });
      return null;
    }
  }

  private write(key: string, value: unknown): void {
    const text = JSON.stringify(value);
    const previousChunks = this.chunkCount(key);
    const updates: Record<string, string> = {};
    let chunks = 0;
    if (utf8Length(key) + utf8Length(text) <= MAX_PROPERTY_BYTES) {
      updates[key] = text;
    } else {
      // Part keys are longer than the main key by `chunk:NN:`; budget for that.
      const parts = splitByBytes(text, MAX_PROPERTY_BYTES - utf8Length(stateKeys.chunk(key, MAX_CHUNKS)));
      if (parts.length > MAX_CHUNKS) throw new StateValueTooLargeError(key, utf8Length(text));
      parts.forEach((part, n) => {
        updates[stateKeys.chunk(key, n)] = part;
      });
      updates[key] = `#chunks:${parts.length}`;
      chunks = parts.length;
    }
    // One call: the parts and the head that points at them are written together.
    this.props.setProperties(updates);
    for (let n = chunks; n < previousChunks; n++) this.props.deleteProperty(stateKeys.chunk(key, n));
  }

  private remove(key: string): void {
    const chunks = this.chunkCount(key);
    this.props.deleteProperty(key);
    for (let n = 0; n < chunks; n++) this.props.deleteProperty(stateKeys.chunk(key, n));
  }

  private chunkCount(key: string): number {
    const match = CHUNK_HEAD.exec(this.props.getProperty(key) ?? '');
    return match ? Number(match[1]) : 0;
  }
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Splits text into pieces of at most maxBytes UTF-8 bytes each, never inside a character. */
function splitByBytes(text: string, maxBytes: number): string[] {
  const parts: string[] = [];
  let current = '';
  let currentBytes = 0;
  for (const ch of text) {
    const bytes = utf8Length(ch);
    if (currentBytes + bytes > maxBytes) {
      parts.push(current);
      current = '';
      currentBytes = 0;
    }
    current += ch;
    currentBytes += bytes;
  }
  if (current !== '') parts.push(current);
  return parts;
}

const RERUN_PREFIX = stateKeys.rerun('');

/** Rerun requests in the same user properties, so every execution of this user sees them. */
export class UserPropertiesRerunRequests implements RerunRequests {
  constructor(private readonly props: PropertyStore) {}

  request(calendarId: string): void {
    this.props.setProperties({ [stateKeys.rerun(calendarId)]: '1' });
  }

  take(calendarId: string): boolean {
    const key = stateKeys.rerun(calendarId);
    if (this.props.getProperty(key) === null) return false;
    this.props.deleteProperty(key);
    return true;
  }

  takeAny(): string | null {
    const key = this.props.getKeys().find((k) => k.startsWith(RERUN_PREFIX));
    if (key === undefined) return null;
    this.props.deleteProperty(key);
    return decodeURIComponent(key.slice(RERUN_PREFIX.length));
  }
}
