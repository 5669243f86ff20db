/**
 * This user's sync state in memory: read from the property store in one call, changed freely during a run, and
 * written back in one call at the end (`commit`). The stored form is compact and bounded:
 *
 *   cs2:<calendar>:<n>   part n of one calendar's state; part 0 starts `v2;<parts>;`. The text is one JSON header
 *                        line (token, cursor, served rerun, retries, failures) and then one line per conference
 *                        record (see encodeRecord: about 40 bytes, whatever the guest list or the title).
 *   cs2.full             the last time a write did not fit, so the status card can say so.
 *   sync.rerun:<cal>     "sync again" requests left by other executions (serializedSync.ts); never written here.
 *
 * Calendar ids are URI-encoded in keys. A part holds at most MAX_PART_BYTES (key included) under Google's measured
 * 8,066-byte value limit. Parts a calendar no longer needs are overwritten with '' rather than deleted, so a
 * commit stays one call. The whole store is 500 KB; RESERVED_BYTES of it are kept for tokens, cursors and rerun
 * markers, so that a full store still lets every calendar's sync move on and its housekeeping run.
 *
 * Pure: no Apps Script names here; the property store is a port.
 */
import { shortHash } from './conferenceFields';
import type { ConferenceRecord, EventFailure, ListingCursor, PendingRetry } from './model';

/** One read and one write: the property store as the core sees it. */
export interface PropertyStorePort {
  /** Every value in this user's store (one call). */
  readAll(): Record<string, string>;
  /** Sets these values in one call. Throws StateStoreFullError when the store cannot take them. */
  writeAll(values: Record<string, string>): void;
}

/** The store refused a write: its 500 KB (or one value's 9 KB) would be exceeded. */
export class StateStoreFullError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateStoreFullError';
  }
}

export const STORE_LIMIT_BYTES = 500 * 1024;
export const MAX_PART_BYTES = 8000;
/**
 * Room new conferences may not take: what one run may add on top of the records (tokens, cursors, rerun markers,
 * the full note, at most MAX_RETRIES_PER_CALENDAR retries of ~80 bytes), so that a store full of records still
 * takes every run's write.
 */
export const RESERVED_BYTES = 32 * 1024;
/** The status card warns above this share of the store. */
export const WARN_SHARE = 0.8;
export const MAX_FAILURES_PER_CALENDAR = 50;
export const MAX_RETRIES_PER_CALENDAR = 200;
const MAX_MESSAGE_CHARS = 200;
const MAX_SUMMARY_CHARS = 80;

const PART_PREFIX = 'cs2:';
const FULL_KEY = 'cs2.full';
export const RERUN_PREFIX = 'sync.rerun:';
const enc = encodeURIComponent;
export const stateKeys = {
  part: (calendarId: string, n: number) => `${PART_PREFIX}${enc(calendarId)}:${n}`,
  rerun: (calendarId: string) => `${RERUN_PREFIX}${enc(calendarId)}`,
  full: FULL_KEY,
};

const DAY_MS = 24 * 60 * 60 * 1000;
const NO_END = '~~~';

/** The last write that did not fit, kept for the status card. */
export interface StoreFullNote {
  at: string;
  bytes: number;
}

export interface StoreUsage {
  bytes: number;
  limit: number;
  /** bytes / limit */
  share: number;
  warn: boolean;
  full: StoreFullNote | null;
}

/** One calendar's part of the state. */
export class CalendarState {
  token: string | null = null;
  cursor: ListingCursor | null = null;
  /** The rerun request (its nonce) the last committed sync of this calendar served. */
  served: string | null = null;
  readonly records = new Map<string, ConferenceRecord>();
  readonly retries = new Map<string, PendingRetry>();
  readonly failures = new Map<string, EventFailure>();
  /** Failures dropped to keep the list bounded (shown as a count). */
  failuresDropped = 0;

  constructor(readonly calendarId: string) {}
}

export class UserState {
  private readonly calendars = new Map<string, CalendarState>();
  private readonly dirty = new Set<string>();
  /** Parts each calendar had when read, by key: only changed parts are written. */
  private readonly stored = new Map<string, string>();
  private readonly otherBytes: number;
  private readonly rerunMarkers = new Map<string, string>();
  private fullNote: StoreFullNote | null;
  private fullDirty = false;
  /** Calendars whose stored text could not be read (logged by the caller), with the reason. */
  readonly unreadable: Array<{ calendarId: string; reason: string }> = [];

  constructor(snapshot: Record<string, string>) {
    const partsByCalendar = new Map<string, Map<number, string>>();
    let other = 0;
    for (const [key, value] of Object.entries(snapshot)) {
      const part = /^cs2:([^:]*):(\d{1,4})$/.exec(key);
      if (part) {
        const calendarId = decodeURIComponent(part[1] as string);
        const parts = partsByCalendar.get(calendarId) ?? new Map<number, string>();
        parts.set(Number(part[2]), value);
        partsByCalendar.set(calendarId, parts);
        this.stored.set(key, value);
        continue;
      }
      if (key.startsWith(RERUN_PREFIX)) {
        this.rerunMarkers.set(decodeURIComponent(key.slice(RERUN_PREFIX.length)), value);
      }
      if (key !== FULL_KEY) other += utf8Length(key) + utf8Length(value);
    }
    this.otherBytes = other;
    this.fullNote = parseFullNote(snapshot[FULL_KEY]);
    for (const [calendarId, parts] of partsByCalendar) {
      const text = joinParts(parts);
      if (text === null) {
        if ((parts.get(0) ?? '') !== '') this.unreadable.push({ calendarId, reason: 'missing part' });
        continue;
      }
      try {
        this.calendars.set(calendarId, decodeCalendar(calendarId, text));
      } catch (error) {
        this.unreadable.push({ calendarId, reason: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  /** Calendars this user keeps state for. */
  calendarIds(): string[] {
    return [...this.calendars.keys()].sort();
  }

  /** The calendar's state for reading; an empty one (not stored until changed) when there is none. */
  peek(calendarId: string): CalendarState {
    return this.calendars.get(calendarId) ?? new CalendarState(calendarId);
  }

  /** The calendar's state for changing: it will be written by the next commit. */
  edit(calendarId: string): CalendarState {
    let state = this.calendars.get(calendarId);
    if (!state) {
      state = new CalendarState(calendarId);
      this.calendars.set(calendarId, state);
    }
    this.dirty.add(calendarId);
    return state;
  }

  /** The nonce of the pending rerun request of a calendar, when one is pending (not yet served). */
  pendingRerun(calendarId: string): string | null {
    const nonce = this.rerunMarkers.get(calendarId);
    if (nonce === undefined || nonce === '') return null;
    return this.peek(calendarId).served === nonce ? null : nonce;
  }

  /** Calendars with a pending rerun request, `first` first when it has one. */
  pendingReruns(first?: string): string[] {
    const ids = [...this.rerunMarkers.keys()].filter((id) => this.pendingRerun(id) !== null).sort();
    if (first !== undefined && ids.includes(first)) return [first, ...ids.filter((id) => id !== first)];
    return ids;
  }

  noteFull(note: StoreFullNote): void {
    this.fullNote = note;
    this.fullDirty = true;
  }

  clearFullNote(): void {
    if (this.fullNote === null) return;
    this.fullNote = null;
    this.fullDirty = true;
  }

  /** How full the store would be with this state written. */
  usage(): StoreUsage {
    const bytes = this.bytes();
    const share = bytes / STORE_LIMIT_BYTES;
    return { bytes, limit: STORE_LIMIT_BYTES, share, warn: share > WARN_SHARE, full: this.fullNote };
  }

  /** Whether `extraBytes` more would still leave the reserved room free. */
  hasRoomFor(extraBytes: number): boolean {
    return this.bytes() + extraBytes <= STORE_LIMIT_BYTES - RESERVED_BYTES;
  }

  /** The values one commit would write: changed parts, emptied parts as '', and the full note. */
  changes(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const calendarId of this.dirty) {
      const state = this.calendars.get(calendarId);
      const parts = state ? splitParts(calendarId, encodeCalendar(state)) : [];
      parts.forEach((value, n) => {
        const key = stateKeys.part(calendarId, n);
        if (this.stored.get(key) !== value) out[key] = value;
      });
      for (const [key, value] of this.stored) {
        if (value === '' || !key.startsWith(`${PART_PREFIX}${enc(calendarId)}:`)) continue;
        const n = Number(key.slice(key.lastIndexOf(':') + 1));
        if (n >= parts.length) out[key] = '';
      }
    }
    if (this.fullDirty) out[FULL_KEY] = this.fullNote ? JSON.stringify(this.fullNote) : '';
    return out;
  }

  /** Writes every change in one call; afterwards this state is what the store holds. */
  commit(port: PropertyStorePort): void {
    const values = this.changes();
    if (Object.keys(values).length === 0) return;
    const bytes = this.bytes(values);
    if (bytes > STORE_LIMIT_BYTES) {
      throw new StateStoreFullError(
        `the state needs ${bytes} bytes, more than the ${STORE_LIMIT_BYTES} the property store holds`,
      );
    }
    port.writeAll(values);
    for (const [key, value] of Object.entries(values)) {
      if (key === FULL_KEY) continue;
      this.stored.set(key, value);
    }
    this.dirty.clear();
    this.fullDirty = false;
  }

  /** The store's size once `changes` (by default, this state's changes) are written. */
  private bytes(changes: Record<string, string> = this.changes()): number {
    let total = this.otherBytes;
    for (const [key, value] of this.stored) {
      if (key in changes || value === '') continue;
      total += utf8Length(key) + utf8Length(value);
    }
    for (const [key, value] of Object.entries(changes)) {
      if (key === FULL_KEY || value === '') continue;
      total += utf8Length(key) + utf8Length(value);
    }
    if (this.fullNote) total += FULL_KEY.length + JSON.stringify(this.fullNote).length;
    return total;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Codec

/** The stored key of an event: 48 bits of its id's hash (collisions among a user's events are out of reach). */
export function eventKey(eventId: string): string {
  return shortHash(eventId, 8);
}

interface Header {
  t?: string;
  c?: ListingCursor;
  s?: string;
  /** retries: [eventId, attempts, notBefore ms, lastError] */
  r?: Array<[string, number, number, string, string?]>;
  /** failures: [eventId, at ms, kind, message, summary?, start?] */
  f?: Array<[string, number, EventFailure['kind'], string, string?, string?]>;
  fd?: number;
}

function encodeCalendar(state: CalendarState): string {
  const header: Header = {};
  if (state.token !== null) header.t = state.token;
  if (state.cursor !== null) header.c = state.cursor;
  if (state.served !== null) header.s = state.served;
  if (state.retries.size > 0) {
    header.r = [...state.retries.values()].map((r) => {
      const row: [string, number, number, string, string?] = [
        r.eventId,
        r.attempts,
        Date.parse(r.notBefore),
        r.lastError.slice(0, MAX_MESSAGE_CHARS),
      ];
      if (r.rejectedConfig !== undefined) row.push(r.rejectedConfig);
      return row;
    });
  }
  if (state.failures.size > 0) {
    header.f = [...state.failures.values()].map((f) => {
      const row: [string, number, EventFailure['kind'], string, string?, string?] = [
        f.eventId,
        Date.parse(f.at),
        f.kind,
        f.message.slice(0, MAX_MESSAGE_CHARS),
      ];
      if (f.summary !== undefined || f.start !== undefined) row.push(f.summary?.slice(0, MAX_SUMMARY_CHARS));
      if (f.start !== undefined) row.push(f.start);
      return row;
    });
  }
  if (state.failuresDropped > 0) header.fd = state.failuresDropped;
  const lines = [JSON.stringify(header)];
  const keys = [...state.records.keys()].sort();
  for (const key of keys) lines.push(encodeRecord(key, state.records.get(key) as ConferenceRecord));
  return lines.join('\n');
}

function decodeCalendar(calendarId: string, text: string): CalendarState {
  const state = new CalendarState(calendarId);
  const lines = text.split('\n');
  const header = JSON.parse(lines[0] ?? '{}') as Header;
  if (typeof header !== 'object' || header === null) throw new Error('header is not an object');
  if (typeof header.t === 'string') state.token = header.t;
  if (header.c && typeof header.c === 'object') state.cursor = header.c;
  if (typeof header.s === 'string') state.served = header.s;
  for (const [eventId, attempts, notBefore, lastError, rejectedConfig] of header.r ?? []) {
    const retry: PendingRetry = {
      calendarId,
      eventId,
      attempts,
      notBefore: new Date(notBefore).toISOString(),
      lastError,
    };
    if (typeof rejectedConfig === 'string') retry.rejectedConfig = rejectedConfig;
    state.retries.set(eventId, retry);
  }
  for (const [eventId, at, kind, message, summary, start] of header.f ?? []) {
    const failure: EventFailure = { calendarId, eventId, at: new Date(at).toISOString(), kind, message };
    if (summary) failure.summary = summary;
    if (start) failure.start = start;
    state.failures.set(eventId, failure);
  }
  state.failuresDropped = typeof header.fd === 'number' ? header.fd : 0;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const record = decodeRecord(calendarId, line);
    state.records.set(line.slice(0, 8), record);
  }
  return state;
}

/**
 * `<key 8><digest 7><end 3><conferenceId>[;extras]`: the event key, the fields' digest, the last end in days
 * (base 36, `~~~` when open-ended) and the conference id; extras only where needed: `s` series length (minutes,
 * base 36), `o` occurrence overrides `key=digest,…`, `u` unattached since (ms, base 36), `d` deletion pending
 * since (ms, base 36), `t` deleted at (a tombstone, ms base 36), `p` a secondary part of a split series, `x` the id the event shows after a recreate; `i` the
 * event id, kept whenever a later run must reach the event without listing it (unattached, pending, part).
 */
const SPLIT_PART = /_R\d{8}/;

export function encodeRecord(key: string, record: ConferenceRecord): string {
  let end = NO_END;
  if (record.lastEnd !== null) {
    const days = Math.min(36 ** 3 - 1, Math.max(0, Math.ceil(record.lastEnd / DAY_MS)));
    end = days.toString(36).padStart(3, '0');
  }
  // Always seven characters: a digest that is not a real one (empty: "send every field next time") is padded with
  // `~`, which no digest contains, so it never matches and the line keeps its fixed layout.
  const digest = `${record.digest}~~~~~~~`.slice(0, 7);
  let line = `${key}${digest}${end}${record.conferenceId}`;
  if (record.spanMs !== undefined && Number.isFinite(record.spanMs))
    line += `;s${Math.round(record.spanMs / 60000).toString(36)}`;
  const overrides = Object.entries(record.occurrences);
  if (overrides.length > 0) line += `;o${overrides.map(([k, d]) => `${k}=${d}`).join(',')}`;
  if (!record.attached) line += `;u${Date.parse(record.createdAt ?? '').toString(36)}`;
  if (record.pendingDeletion !== undefined) line += `;d${Math.round(record.pendingDeletion).toString(36)}`;
  if (record.secondary) line += ';p';
  if (record.deletedAt !== undefined) line += `;t${Math.round(record.deletedAt).toString(36)}`;
  if (record.recreateUnsure) line += ';m';
  // A split's `_R` part keeps its id too: when the conference must be made again from a secondary part's change,
  // the part that leads is read and written to by that id.
  if (
    !record.attached ||
    record.pendingDeletion !== undefined ||
    record.secondary ||
    record.recreateUnsure ||
    SPLIT_PART.test(record.eventId)
  ) {
    line += `;i${enc(record.eventId)}`;
  }
  if (record.eventConferenceId !== undefined) line += `;x${record.eventConferenceId}`;
  if (record.replacedConferenceId !== undefined) line += `;r${record.replacedConferenceId}`;
  return line;
}

function decodeRecord(calendarId: string, line: string): ConferenceRecord {
  const [head = '', ...extras] = line.split(';');
  if (head.length < 19) throw new Error(`a record line is too short: ${head.length} characters`);
  const endText = head.slice(15, 18);
  const record: ConferenceRecord = {
    calendarId,
    eventId: '',
    conferenceId: head.slice(18),
    digest: head.slice(8, 15),
    lastEnd: endText === NO_END ? null : Number.parseInt(endText, 36) * DAY_MS,
    occurrences: {},
    attached: true,
  };
  for (const extra of extras) {
    const value = extra.slice(1);
    switch (extra[0]) {
      case 's':
        record.spanMs = Number.parseInt(value, 36) * 60000;
        break;
      case 'o':
        for (const pair of value.split(',')) {
          const [k, d] = pair.split('=');
          if (k && d) record.occurrences[k] = d;
        }
        break;
      case 'u':
        record.attached = false;
        record.createdAt = new Date(Number.parseInt(value, 36)).toISOString();
        break;
      case 'i':
        record.eventId = decodeURIComponent(value);
        break;
      case 'x':
        record.eventConferenceId = value;
        break;
      case 'r':
        record.replacedConferenceId = value;
        break;
      case 'd':
        record.pendingDeletion = Number.parseInt(value, 36);
        break;
      case 'p':
        record.secondary = true;
        break;
      case 'm':
        record.recreateUnsure = true;
        break;
      case 't':
        record.deletedAt = Number.parseInt(value, 36);
        break;
    }
  }
  return record;
}

function splitParts(calendarId: string, text: string): string[] {
  // The part count is written into part 0; budget for the longest prefix and key.
  const room = MAX_PART_BYTES - utf8Length(stateKeys.part(calendarId, 9999)) - 'v2;9999;'.length;
  const chunks: string[] = [];
  let current = '';
  let currentBytes = 0;
  for (const ch of text) {
    const bytes = utf8Length(ch);
    if (currentBytes + bytes > room) {
      chunks.push(current);
      current = '';
      currentBytes = 0;
    }
    current += ch;
    currentBytes += bytes;
  }
  chunks.push(current);
  chunks[0] = `v2;${chunks.length};${chunks[0]}`;
  return chunks;
}

/** The calendar's text, or null when no part 0 or a part is missing. */
function joinParts(parts: Map<number, string>): string | null {
  const head = /^v2;(\d{1,4});/.exec(parts.get(0) ?? '');
  if (!head) return null;
  const count = Number(head[1]);
  const texts: string[] = [(parts.get(0) as string).slice(head[0].length)];
  for (let n = 1; n < count; n++) {
    const part = parts.get(n);
    if (part === undefined || part === '') return null;
    texts.push(part);
  }
  return texts.join('');
}

function parseFullNote(value: string | undefined): StoreFullNote | null {
  if (!value) return null;
  try {
    const note = JSON.parse(value) as StoreFullNote;
    return typeof note.at === 'string' && typeof note.bytes === 'number' ? note : null;
  } catch {
    return null;
  }
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
