/**
 * An in-memory Calendar for the sync core's tests, behaving as calendar-api.md §1 describes Google's
 * `events.list`: per-calendar change log, pages bounded by maxResults, `nextSyncToken` only on the last page,
 * deleted events returned as `{kind, etag, id, status:'cancelled'}` tombstones in incremental results, and
 * injectable token rejections (410 expired, 400 invalid) or other failures. Items are handed out as raw JSON
 * copies, exactly as unvalidated as the real ones. Writes of conferenceData alone (If-Match on the etag) and the
 * list of writable calendars behave as Events.patch and CalendarList.list do.
 */

import type { Conference } from '../../../contracts/conference-api';
import { CalendarApiError, SyncTokenRejectedError } from '../../../src/core/errors';
import type { CalendarPort, EventsPage, ListEventsRequest } from '../../../src/core/ports';
import { conferenceDataJson } from '../../../src/platform/conferenceData';

type RawEvent = Record<string, unknown>;

interface StoredEvent {
  raw: RawEvent;
  /** Change sequence number of the last write; incremental lists return what changed after the token's. */
  seq: number;
}

interface CalendarState {
  events: Map<string, StoredEvent>;
  seq: number;
  /** Bumped by expireTokens: tokens of an older generation answer 410 (the server invalidated them). */
  generation: number;
}

/** A listing in progress: its items are fixed at the first page, as a consistent snapshot. */
interface Cursor {
  items: RawEvent[];
  offset: number;
  syncSeq: number;
  calendarId: string;
}

export class FakeCalendar implements CalendarPort {
  private readonly calendars = new Map<string, CalendarState>();
  private readonly cursors = new Map<string, Cursor>();
  private readonly failures: Error[] = [];
  private readonly writeFailures: Error[] = [];
  /** Calendars added with addCalendar: writable even before they hold an event. */
  private readonly added = new Set<string>();
  private cursorCount = 0;
  private etagCount = 3485452990504510;
  /** Every listEvents request, in order, for assertions on parameters. */
  readonly listRequests: Array<{ calendarId: string; request: ListEventsRequest }> = [];
  /** Every writeConference call, in order (stale ones included). */
  readonly writeCalls: Array<{ calendarId: string; eventId: string; conferenceId: string; etag: string }> =
    [];
  getCalls = 0;

  /** `primaryCalendarId` is always among the writable calendars, as a user's primary calendar is. */
  constructor(readonly primaryCalendarId = 'alice@example.com') {}

  /** A calendar this user can write to (listWritableCalendars lists it), e.g. where an event may be moved. */
  addCalendar(calendarId: string): void {
    this.added.add(calendarId);
  }

  /** Creates or replaces an event (raw JSON as Calendar would hold it); gives it a fresh etag. */
  put(calendarId: string, raw: RawEvent): void {
    const state = this.state(calendarId);
    const id = raw['id'];
    if (typeof id !== 'string') throw new Error('FakeCalendar.put: an event needs a string id');
    state.seq++;
    state.events.set(id, { raw: { ...copy(raw), etag: this.nextEtag() }, seq: state.seq });
  }

  /** Stores an item exactly as given (e.g. a malformed one), without touching its fields. */
  putRaw(calendarId: string, id: string, raw: unknown): void {
    const state = this.state(calendarId);
    state.seq++;
    state.events.set(id, { raw: copy(raw) as RawEvent, seq: state.seq });
  }

  /** Deletes an event: from now on it lists as a bare tombstone, the way Google returns deleted events. */
  remove(calendarId: string, eventId: string): void {
    const state = this.state(calendarId);
    const stored = state.events.get(eventId);
    if (!stored) return;
    state.seq++;
    const tombstone = { kind: 'calendar#event', etag: this.nextEtag(), id: eventId, status: 'cancelled' };
    state.events.set(eventId, { raw: tombstone, seq: state.seq });
  }

  /** The current raw event, or undefined. */
  peek(calendarId: string, eventId: string): RawEvent | undefined {
    const stored = this.state(calendarId).events.get(eventId);
    return stored ? copy(stored.raw) : undefined;
  }

  /** Every token issued so far for this calendar answers 410 fullSyncRequired. */
  expireTokens(calendarId: string): void {
    this.state(calendarId).generation++;
  }

  /** The next listEvents calls throw these errors, one per call, before anything else is checked. */
  failNextList(...errors: Error[]): void {
    this.failures.push(...errors);
  }

  listEvents(calendarId: string, request: ListEventsRequest): EventsPage {
    this.listRequests.push({ calendarId, request: { ...request } });
    const failure = this.failures.shift();
    if (failure) throw failure;
    checkRequest(request);
    if (request.pageToken !== undefined) return this.nextPage(calendarId, request);
    const state = this.state(calendarId);
    const since =
      request.syncToken === undefined ? undefined : this.checkToken(calendarId, request.syncToken);
    const items = [...state.events.values()]
      .filter((e) => (since === undefined ? endsAfter(e.raw, request.timeMin) : e.seq > since))
      .sort((a, b) => a.seq - b.seq)
      .map((e) => copy(e.raw));
    const cursor: Cursor = { items, offset: 0, syncSeq: state.seq, calendarId };
    return this.pageFrom(cursor, request.maxResults);
  }

  getEvent(calendarId: string, eventId: string): unknown | null {
    this.getCalls++;
    const stored = this.state(calendarId).events.get(eventId);
    return stored ? copy(stored.raw) : null;
  }

  /** The next writes (writeConference or patchConferenceData) throw these errors, one per call. */
  failNextWrite(...errors: Error[]): void {
    this.writeFailures.push(...errors);
  }

  /** The primary calendar, every calendar holding or asked for events, and those added with addCalendar. */
  listWritableCalendars(): string[] {
    return [...new Set([this.primaryCalendarId, ...this.calendars.keys(), ...this.added])];
  }

  writeConference(
    calendarId: string,
    eventId: string,
    conference: Conference,
    etag: string,
  ): { kind: 'written'; etag?: string } | { kind: 'changed' } {
    this.writeCalls.push({ calendarId, eventId, conferenceId: conference.id, etag });
    const result = this.patchConferenceData(calendarId, eventId, conferenceDataJson(conference), etag);
    return result.kind === 'changed' ? result : { kind: 'written', etag: result.etag };
  }

  /**
   * Events.patch of `conferenceData` alone: with a stale If-Match 'changed' and nothing written; otherwise the
   * event's conferenceData replaced, a fresh etag, and a change the next incremental list returns. A missing
   * event is a 404 CalendarApiError.
   */
  patchConferenceData(
    calendarId: string,
    eventId: string,
    conferenceData: unknown,
    ifMatch?: string,
  ): { kind: 'written'; etag: string } | { kind: 'changed' } {
    const failure = this.writeFailures.shift();
    if (failure) throw failure;
    const state = this.state(calendarId);
    const stored = state.events.get(eventId);
    if (!stored) {
      throw new CalendarApiError('Not Found', { status: 404, reason: 'notFound', retryable: false });
    }
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== stored.raw['etag'])
      return { kind: 'changed' };
    state.seq++;
    const etag = this.nextEtag();
    stored.raw = { ...stored.raw, conferenceData: copy(conferenceData), etag };
    stored.seq = state.seq;
    return { kind: 'written', etag };
  }

  private nextPage(calendarId: string, request: ListEventsRequest): EventsPage {
    const cursor = this.cursors.get(request.pageToken ?? '');
    if (!cursor || cursor.calendarId !== calendarId) throw new Error(`FakeCalendar: unknown pageToken`);
    this.cursors.delete(request.pageToken ?? '');
    return this.pageFrom(cursor, request.maxResults);
  }

  private pageFrom(cursor: Cursor, maxResults: number): EventsPage {
    const items = cursor.items.slice(cursor.offset, cursor.offset + maxResults);
    const offset = cursor.offset + items.length;
    if (offset >= cursor.items.length) {
      const generation = this.state(cursor.calendarId).generation;
      return { items, nextSyncToken: `${cursor.calendarId}#${cursor.syncSeq}#${generation}` };
    }
    const pageToken = `page-${++this.cursorCount}`;
    this.cursors.set(pageToken, { ...cursor, offset });
    return { items, nextPageToken: pageToken };
  }

  /** A token of another calendar or of no known shape is corrupt (400); an invalidated one is expired (410). */
  private checkToken(calendarId: string, token: string): number {
    const match = /^(.*)#(\d+)#(\d+)$/.exec(token);
    if (!match || match[1] !== calendarId) {
      throw new SyncTokenRejectedError('invalid', 'Invalid sync token value.');
    }
    const seq = Number(match[2]);
    if (Number(match[3]) < this.state(calendarId).generation) {
      throw new SyncTokenRejectedError('expired', 'Sync token is no longer valid, a full sync is required.');
    }
    return seq;
  }

  private state(calendarId: string): CalendarState {
    let state = this.calendars.get(calendarId);
    if (!state) {
      state = { events: new Map(), seq: 0, generation: 0 };
      this.calendars.set(calendarId, state);
    }
    return state;
  }

  private nextEtag(): string {
    return `"${++this.etagCount}"`;
  }
}

/** The combinations Google refuses (calendar-api.md §1.1, §1.3), refused here too so the core cannot send them. */
function checkRequest(request: ListEventsRequest): void {
  const restricted = request.syncToken !== undefined && request.timeMin !== undefined;
  if (restricted || request.showDeleted !== true) {
    throw new CalendarApiError('Sync token cannot be used with other request restrictions.', {
      status: 400,
      reason: 'syncTokenWithRequestRestrictions',
      retryable: false,
    });
  }
  if (request.maxResults < 1 || request.maxResults > 2500) {
    throw new CalendarApiError('Invalid maxResults', { status: 400, reason: 'invalid', retryable: false });
  }
  const known = ['syncToken', 'pageToken', 'timeMin', 'maxResults', 'showDeleted'];
  const extra = Object.keys(request).filter((k) => !known.includes(k));
  if (extra.length > 0) throw new Error(`FakeCalendar: unexpected list parameters ${extra.join(', ')}`);
}

/** `timeMin` is an exclusive lower bound on the event's end; tombstones and undated items always list. */
function endsAfter(raw: RawEvent, timeMin: string | undefined): boolean {
  if (timeMin === undefined) return true;
  const end = raw['end'] as { dateTime?: string; date?: string } | undefined;
  const value = end?.dateTime ?? (end?.date ? `${end.date}T00:00:00Z` : undefined);
  return value === undefined || Date.parse(value) > Date.parse(timeMin);
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
