/**
 * The Calendar API v3 events engine: calendars, events, a per-calendar append-only change log,
 * sync/page tokens, recurrence, attendee copies. Every method is synchronous so a local Apps
 * Script runtime can call it directly; the HTTP front (../http/server.ts) is a thin adapter.
 *
 * Model: each calendar holds its own copy of every event on it (as Google does: an attendee's copy
 * has the same id but its own etag/updated). The organizer's copy is authoritative; writes to it
 * are pushed to the attendees' copies, an attendee's RSVP is pushed back. Every write appends the
 * event id to the calendar's change log; a sync token is a position in that log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { type AclRule, type CalendarMeta, Directory, type ListEntry, RANK, type Role } from './directory';
import { Errors, GoogleApiError, toAppsScriptError } from './errors';
import { parseQuickAdd } from './quick-add';
import {
  continueRecurrence,
  expand,
  type Occurrence,
  type ParsedRecurrence,
  parseRecurrence,
  truncateRecurrence,
} from './recurrence';
import { colors, settings } from './static';
import {
  base32hex,
  dateSuffix,
  eventEtag,
  formatCreated,
  formatDateTime,
  formatUpdated,
  htmlLink,
  IdGenerator,
  isValidClientId,
  isValidZone,
  parseRfc3339,
  timedSuffix,
} from './time';
import { type PageTokenPayload, type SyncTokenPayload, TokenCodec } from './tokens';
import type {
  AclList,
  AclRuleResource,
  Attendee,
  CalendarListEntryResource,
  CalendarListList,
  CalendarListParams,
  CalendarResource,
  Channel,
  ChannelResource,
  CollectionParams,
  Conditions,
  EngineOptions,
  EventDateTime,
  EventResource,
  EventsList,
  InstancesParams,
  ListParams,
  WriteParams,
} from './types';
import { checkEventTypes, checkReminders, normalizeWhen, validateConferenceData } from './validate';

/** One calendar's copy of one event (a single event, a series master, or a series exception). */
interface Stored {
  id: string;
  cal: CalendarState;
  /** Writable and server-set fields, without kind/etag/id/status/updated/created/htmlLink. */
  data: EventResource;
  status: string;
  /** `updated` in µs; the etag is derived from it. */
  us: number;
  createdMs: number;
  logPos: number;
  index: number;
  startMs: number;
  endMs: number;
  allDay: boolean;
  zone: string;
  /** the start date of an all-day event */
  date?: string;
  rec?: ParsedRecurrence;
  /** set on exceptions: master id and the original start key (ms, or date for all-day) */
  masterId?: string;
  origKey?: number | string;
  /** an exception whose series no longer has its occurrence: a bare tombstone from now on */
  orphan?: boolean;
  /** calendar id of the organizer's copy (=== cal.id on the organizer's calendar) */
  organizerCal: string;
  /** an attendee removed this copy from their calendar: organizer pushes no longer revive it */
  removedByOwner?: boolean;
  /** the event was moved to another calendar (events.move) and this calendar is not an attendee: a bare tombstone */
  movedAway?: boolean;
  /**
   * An attendee's copy whose `data` is the organizer's own (immutable) data object, shared rather
   * than copied, so a write with n attendees costs O(n), not O(n²); its reminders are its own.
   */
  shared?: boolean;
  ownReminders?: unknown;
  /** made by events.import: a private copy, no invitations */
  imported?: boolean;
}

interface CalendarState {
  id: string;
  events: Stored[];
  byId: Map<string, Stored>;
  /**
   * The change log: event ids with the position of each change (`logAt`, strictly increasing). A
   * sync token is a position: everything with a later position is news to its holder. Only an
   * event's latest change matters (its `logPos`), so entries superseded by a later change of the
   * same event are dropped now and then (`compactLog`): the log stays O(events), not O(writes).
   */
  log: string[];
  logAt: number[];
  /** positions handed out so far (the position of the latest change) */
  seq: number;
  /** when tombstones were last purged; page tokens issued before it answer 410 */
  purgedAt: number;
  /** token generation; invalidation bumps it */
  gen: number;
  updatedMs: number;
  /** master id → (original start key → exception) */
  exceptions: Map<string, Map<number | string, Stored>>;
}

/** An item about to be rendered into a list: a stored event, or a virtual instance of a series. */
interface Entry {
  ev: Stored;
  occ?: Occurrence;
}

const KEY_ORDER = [
  'kind',
  'etag',
  'id',
  'status',
  'htmlLink',
  'created',
  'updated',
  'summary',
  'description',
  'location',
  'colorId',
  'creator',
  'organizer',
  'start',
  'end',
  'endTimeUnspecified',
  'recurrence',
  'recurringEventId',
  'originalStartTime',
  'transparency',
  'visibility',
  'iCalUID',
  'sequence',
  'attendees',
  'attendeesOmitted',
  'extendedProperties',
  'hangoutLink',
  'conferenceData',
  'anyoneCanAddSelf',
  'guestsCanInviteOthers',
  'guestsCanModify',
  'guestsCanSeeOtherGuests',
  'privateCopy',
  'locked',
  'reminders',
  'source',
  'attachments',
  'birthdayProperties',
  'eventType',
  'focusTimeProperties',
  'outOfOfficeProperties',
  'workingLocationProperties',
];

const KEY_SET = new Set(KEY_ORDER);

/** Fields a client may write; everything else in a body is ignored (as Google ignores unknown fields). */
const WRITABLE = [
  'summary',
  'description',
  'location',
  'colorId',
  'start',
  'end',
  'endTimeUnspecified',
  'recurrence',
  'transparency',
  'visibility',
  'attendees',
  'attendeesOmitted',
  'extendedProperties',
  'anyoneCanAddSelf',
  'guestsCanInviteOthers',
  'guestsCanModify',
  'guestsCanSeeOtherGuests',
  'privateCopy',
  'locked',
  'reminders',
  'source',
  'attachments',
  'eventType',
  'sequence',
  'status',
  // The properties of the other event types are kept as given (Events resource).
  'outOfOfficeProperties',
  'focusTimeProperties',
  'workingLocationProperties',
  'birthdayProperties',
];

/** Parameters that may not accompany a syncToken (calendar-api.md §1.1). */
const FORBIDDEN_WITH_SYNC: (keyof ListParams)[] = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
];

/** Deep copy of JSON data (much cheaper than structuredClone for the small objects of an event). */
function deepCopy<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(deepCopy) as T;
  const out: Record<string, unknown> = {};
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = deepCopy(x);
  }
  return out as T;
}
const clone = deepCopy;
const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function normalizeEmail(id: string): string {
  return id.includes('@') ? id.toLowerCase() : id;
}

export class CalendarEngine {
  readonly options: Required<Omit<EngineOptions, 'syncTokenMaxAgeMs' | 'updatedMinHorizonMs' | 'secret'>> & {
    syncTokenMaxAgeMs?: number;
    updatedMinHorizonMs?: number;
  };
  private readonly secret: string;
  private readonly tokens: TokenCodec;
  private calendars = new Map<string, CalendarState>();
  private lastUs = 0;
  private readonly ids: IdGenerator;
  private epoch = 1;
  /** what POST /emulator/v1/clock added to the clock */
  private clockOffset = 0;
  /** calendars' existence, metadata, ACLs and every user's calendar list */
  private readonly dir = new Directory(() => this.nextUs());
  /** per-call rendering context of a read: the `timeZone` parameter and the caller's role */
  private view: { tz?: string; role: Role; maxAttendees?: number } = { role: 'owner' };

  constructor(options: EngineOptions = {}) {
    if (options.defaultTimeZone !== undefined && !isValidZone(options.defaultTimeZone))
      throw new RangeError(`defaultTimeZone '${options.defaultTimeZone}' is not an IANA time zone name`);
    this.secret = options.secret ?? randomBytes(16).toString('hex');
    this.tokens = new TokenCodec(this.secret);
    this.ids = new IdGenerator(this.secret);
    this.options = {
      now: (
        (base) => () =>
          base() + this.clockOffset
      )(options.now ?? Date.now),
      appsScriptErrorPrefix: options.appsScriptErrorPrefix ?? true,
      orderBySuppressesSyncToken: options.orderBySuppressesSyncToken ?? true,
      syncTokenMaxAgeMs: options.syncTokenMaxAgeMs,
      updatedMinHorizonMs: options.updatedMinHorizonMs,
      defaultTimeZone: options.defaultTimeZone ?? 'UTC',
      isUser: options.isUser ?? (() => true),
      maxInstancesPerSeries: options.maxInstancesPerSeries ?? 730,
      keepConferenceDataOnUpdateV0: options.keepConferenceDataOnUpdateV0 ?? true,
      enforceAcl: options.enforceAcl ?? true,
      maxAttendees: options.maxAttendees ?? 1000,
    };
  }

  // ---------------------------------------------------------------- control

  /** Empties every calendar. Tokens issued before answer 410 fullSyncRequired. */
  reset(): void {
    this.calendars.clear();
    this.dir.clear();
    this.channels.clear();
    this.epoch++;
    if (this.journal) this.journal = newJournal(true);
    this.notify('reset');
  }

  /** Every sync (and page) token issued so far for this calendar answers 410 fullSyncRequired. */
  invalidateSyncTokens(actor: string, calendarId: string): void {
    const id = this.resolve(actor, calendarId);
    if (!this.dir.meta(id)) throw Errors.notFound();
    this.calendar(id).gen++;
    this.journal?.calendars.add(id);
    this.notify(`calendar:${id}`);
  }

  /** Apps Script form of an API error (`GoogleJsonResponseException`), honouring the prefix switch. */
  toAppsScriptError(e: GoogleApiError, method: string): Error {
    return toAppsScriptError(e, method, this.options.appsScriptErrorPrefix);
  }

  /**
   * Subscribes to changes: after each synchronous operation (coalesced in a microtask), `fn` gets the
   * keys of what changed — `events:<calendarId>`, `acl:<calendarId>`, `calendar:<calendarId>`,
   * `calendarList:<user>`. Push notifications (events.watch) and a local Apps Script runtime's
   * EventUpdated triggers hang off this. Returns the unsubscribe function.
   */
  onChange(fn: (keys: string[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private readonly listeners = new Set<(keys: string[]) => void>();
  private pendingKeys = new Set<string>();

  private notify(key: string): void {
    if (this.listeners.size === 0) return;
    if (this.pendingKeys.size === 0) {
      queueMicrotask(() => {
        const keys = [...this.pendingKeys];
        this.pendingKeys = new Set();
        for (const fn of this.listeners) fn(keys);
      });
    }
    this.pendingKeys.add(key);
  }

  /** Counts for benchmarks and memory accounting. */
  stats(): { calendars: number; events: number; logEntries: number } {
    let events = 0;
    let logEntries = 0;
    for (const c of this.calendars.values()) {
      events += c.events.length;
      logEntries += c.log.length;
    }
    return { calendars: this.calendars.size, events, logEntries };
  }

  /**
   * stats() plus channels and the size of the stored state (`bytes`: the JSON of every stored event,
   * change-log entry and directory record — O(state) to compute, meant for GET /emulator/v1/stats).
   */
  detailedStats(): {
    calendars: number;
    events: number;
    logEntries: number;
    channels: number;
    bytes: number;
  } {
    let bytes = JSON.stringify(this.directoryRecord()).length;
    const seen = new Set<EventResource>();
    for (const c of this.calendars.values()) {
      for (const ev of c.events) {
        // Shared attendee copies hold one data object between them: count it once.
        if (!seen.has(ev.data)) bytes += JSON.stringify(ev.data).length;
        seen.add(ev.data);
        bytes += 64;
      }
      for (const id of c.log) bytes += id.length + 8;
    }
    return { ...this.stats(), channels: this.channels.size, bytes };
  }

  /** Moves the engine clock (POST /emulator/v1/clock): forward by `ms`, or to an absolute time. */
  moveClock(change: { advanceMs?: number; to?: number }): number {
    if (change.advanceMs !== undefined) this.clockOffset += change.advanceMs;
    if (change.to !== undefined) this.clockOffset += change.to - this.options.now();
    return this.options.now();
  }

  // ---------------------------------------------------------------- API: colors, settings, freebusy

  getColors() {
    return colors();
  }

  listSettings(actor: string, params: CollectionParams = {}) {
    const items = settings(this.tzOf(normalizeEmail(actor))).map((x) => ({ ...x, us: 0 }));
    const page = this.collectionPage(items, params, `settings:${normalizeEmail(actor)}`);
    return {
      kind: 'calendar#settings',
      etag: opaqueEtag(0),
      ...page.tokens,
      items: page.items.map(({ id, value }) => ({
        kind: 'calendar#setting',
        etag: opaqueEtag(0),
        id,
        value,
      })),
    };
  }

  getSetting(actor: string, setting: string) {
    const s = settings(this.tzOf(normalizeEmail(actor))).find((x) => x.id === setting);
    if (!s) throw Errors.notFound();
    return { kind: 'calendar#setting', etag: opaqueEtag(0), id: s.id, value: s.value };
  }

  /**
   * freebusy.query: the busy intervals (opaque, not cancelled, not declined by the calendar's owner;
   * recurring events expanded) of each requested calendar within [timeMin, timeMax), merged and in
   * UTC. A calendar the caller may not see (or that does not exist) gets Google's per-calendar
   * `notFound` error instead of failing the whole query.
   */
  freeBusy(actor: string, body: unknown) {
    if (!isObject(body)) throw Errors.badRequest();
    const { timeMin, timeMax, items } = body;
    if (typeof timeMin !== 'string') throw Errors.required('Missing timeMin.');
    if (typeof timeMax !== 'string') throw Errors.required('Missing timeMax.');
    const lo = parseRfc3339(timeMin);
    const hi = parseRfc3339(timeMax);
    if (Number.isNaN(lo)) throw Errors.invalid('Invalid timeMin.', 'timeMin');
    if (Number.isNaN(hi)) throw Errors.invalid('Invalid timeMax.', 'timeMax');
    if (lo >= hi) throw Errors.timeRangeEmpty();
    if (body.timeZone !== undefined && (typeof body.timeZone !== 'string' || !isValidZone(body.timeZone)))
      throw Errors.invalid('Invalid time zone.', 'timeZone');
    if (!Array.isArray(items)) throw Errors.required('Missing items.');
    if (items.length > 50) throw Errors.invalid('Too many calendars requested (at most 50).', 'items');
    const calendars: Record<string, unknown> = {};
    const filter = this.makeFilter({
      timeMin: new Date(lo).toISOString(),
      timeMax: new Date(hi).toISOString(),
    });
    for (const item of items) {
      const requested = isObject(item) && typeof item.id === 'string' ? item.id : '';
      let cal: CalendarState;
      try {
        cal = this.reading(actor, requested);
      } catch {
        calendars[requested] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
        continue;
      } finally {
        this.view = { role: 'owner' };
      }
      const spans: [number, number][] = [];
      for (const ev of cal.events) {
        if (ev.data.transparency === 'transparent') continue;
        const me = ev.data.attendees?.find((a) => a.email === cal.id);
        if (me?.responseStatus === 'declined') continue;
        for (const entry of this.entriesFor(ev, { singleEvents: true, timeMin, timeMax }, filter)) {
          const start = entry.occ?.startMs ?? entry.ev.startMs;
          const end = start + (entry.ev.endMs - entry.ev.startMs);
          spans.push([Math.max(start, lo), Math.min(end, hi)]);
        }
      }
      spans.sort((a, b) => a[0] - b[0]);
      const merged: [number, number][] = [];
      for (const s of spans) {
        const last = merged[merged.length - 1];
        if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
        else merged.push([...s]);
      }
      const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
      calendars[requested] = { busy: merged.map(([a, b]) => ({ start: iso(a), end: iso(b) })) };
    }
    return {
      kind: 'calendar#freeBusy',
      timeMin: new Date(lo).toISOString(),
      timeMax: new Date(hi).toISOString(),
      calendars,
    };
  }

  // ---------------------------------------------------------------- state: export, import, journal

  /**
   * The whole state as plain JSON (GET /emulator/v1/export; `--db` stores the same records). With
   * the secret, so that tokens and ids of the exported run stay valid where it is imported.
   */
  exportState(): EngineSnapshot {
    return {
      format: 'conference-sync-calendar-emulator/1',
      secret: this.secret,
      epoch: this.epoch,
      lastUs: this.lastUs,
      calendars: [...this.calendars.values()].map((c) => this.calendarRecord(c)),
      events: [...this.calendars.values()].flatMap((c) =>
        c.events.map((ev) => {
          const r = eventRecord(ev, this.organizerCopy(ev));
          if (r.data) r.data = clone(r.data);
          return r;
        }),
      ),
      directory: this.directoryRecord(),
      channels: [...this.channels.values()].map((c) => ({ ...c })),
    };
  }

  /** Replaces the whole state by a snapshot (POST /emulator/v1/import, or loading `--db` at start). */
  importState(snap: EngineSnapshot): void {
    if (!isObject(snap) || snap.format !== 'conference-sync-calendar-emulator/1')
      throw Errors.badRequest('Not an export of this emulator (format conference-sync-calendar-emulator/1).');
    if (snap.secret !== undefined && snap.secret !== this.secret)
      throw Errors.badRequest(
        'The snapshot was made with another --secret; start the emulator with that secret.',
      );
    const calendars = new Map<string, CalendarState>();
    for (const r of snap.calendars) {
      calendars.set(r.id, {
        ...this.emptyState(r.id),
        gen: r.gen,
        updatedMs: r.updatedMs,
        seq: r.seq,
        purgedAt: r.purgedAt,
      });
    }
    for (const r of snap.events) {
      const cal = calendars.get(r.cal);
      if (!cal) continue;
      const ev: Stored = {
        id: r.id,
        cal,
        data: r.data ? clone(r.data) : {},
        shared: r.shared || r.reminders !== undefined,
        ownReminders: r.reminders,
        status: r.status,
        us: r.us,
        createdMs: r.createdMs,
        logPos: r.logPos,
        index: cal.events.length,
        startMs: 0,
        endMs: 0,
        allDay: false,
        zone: 'UTC',
        organizerCal: r.organizerCal,
        masterId: r.masterId,
        origKey: r.origKey,
        orphan: r.orphan,
        removedByOwner: r.removedByOwner,
        movedAway: r.movedAway,
        imported: r.imported,
      };
      cal.events.push(ev);
      cal.byId.set(ev.id, ev);
      if (ev.masterId) this.exceptionsOf(cal, ev.masterId).set(ev.origKey!, ev);
    }
    this.calendars = calendars;
    this.dir.clear();
    for (const m of snap.directory.metas)
      this.dir.metas.set(m.id, { ...m, acl: new Map(m.acl.map((r) => [r.id, r])) });
    for (const [user, entries] of snap.directory.lists)
      this.dir.lists.set(user, new Map(entries.map((e) => [e.id, e])));
    const linked: [Stored, Stored][] = [];
    for (const cal of calendars.values()) {
      for (const ev of cal.events) {
        const org =
          ev.shared && ev.organizerCal !== cal.id
            ? calendars.get(ev.organizerCal)?.byId.get(ev.id)
            : undefined;
        if (org && ev.data.start === undefined) linked.push([ev, org]);
        else this.computeTiming(ev);
        if (ev.movedAway && !ev.masterId) ev.rec = undefined;
      }
    }
    // Shared copies take the organizer's data object and, with it, its derived times.
    for (const [ev, org] of linked) {
      if (org.data.start === undefined) throw Errors.badRequest(`Snapshot: no data for ${ev.id}.`);
      Object.assign(ev, {
        data: org.data,
        startMs: org.startMs,
        endMs: org.endMs,
        allDay: org.allDay,
        zone: org.zone,
        date: org.date,
        rec: ev.movedAway && !ev.masterId ? undefined : org.rec,
      });
    }
    for (const cal of calendars.values()) {
      // The change log is each event's latest change, in order: exactly what a compacted log holds.
      const byPos = [...cal.events].sort((a, b) => a.logPos - b.logPos);
      cal.log = byPos.map((ev) => ev.id);
      cal.logAt = byPos.map((ev) => ev.logPos);
    }
    this.channels.clear();
    for (const c of snap.channels) this.channels.set(c.id, { ...c });
    this.epoch = snap.epoch;
    this.lastUs = Math.max(this.lastUs, snap.lastUs);
    if (this.journal) {
      this.journal = newJournal(true);
      for (const cal of calendars.values()) for (const ev of cal.events) this.journal.events.add(ev);
    }
    this.notify('reset');
  }

  /** The token/id secret (a store keeps it so that tokens survive a restart). */
  exportSecret(): string {
    return this.secret;
  }

  /** Starts recording what changes, for `takeDelta` (a store calls this once, after loading). */
  startJournal(): void {
    this.journal = newJournal(false);
  }

  /**
   * What changed since the last call: whether everything was replaced, the touched events, the new
   * change-log entries of each calendar, removed calendars, and the small records (directory,
   * channels, counters) whole. O(changes), so a store can write it after every request.
   */
  takeDelta(): EngineDelta {
    const j = this.journal ?? newJournal(true);
    const calIds = new Set<string>(j.calendars);
    for (const ev of j.events) calIds.add(ev.cal.id);
    const calendars: EngineDelta['calendars'] = [];
    for (const id of calIds) {
      const cal = this.calendars.get(id);
      if (!cal || j.removed.has(id)) continue;
      calendars.push(this.calendarRecord(cal));
    }
    const delta: EngineDelta = {
      wiped: j.wiped,
      removed: [...j.removed],
      purged: j.purged,
      calendars,
      events: [...j.events]
        .filter((ev) => this.calendars.get(ev.cal.id) === ev.cal)
        .map((ev) => eventRecord(ev, this.organizerCopy(ev))),
      epoch: this.epoch,
      lastUs: this.lastUs,
      directory: this.directoryRecord(),
      channels: [...this.channels.values()].map((c) => ({ ...c })),
    };
    if (this.journal) this.journal = newJournal(false);
    return delta;
  }

  private journal?: Journal;
  private organizerCopy(ev: Stored): Stored | undefined {
    return ev.organizerCal === ev.cal.id ? undefined : this.calendars.get(ev.organizerCal)?.byId.get(ev.id);
  }

  private calendarRecord(c: CalendarState): CalendarRecord {
    return { id: c.id, gen: c.gen, updatedMs: c.updatedMs, seq: c.seq, purgedAt: c.purgedAt };
  }

  private directoryRecord(): EngineSnapshot['directory'] {
    return {
      metas: [...this.dir.metas.values()].map((m) => ({
        ...m,
        acl: [...m.acl.values()].map((r) => ({ ...r })),
      })),
      lists: [...this.dir.lists.entries()].map(([u, l]) => [u, [...l.values()].map((e) => ({ ...e }))]),
    };
  }

  // ---------------------------------------------------------------- API: read

  list(actor: string, calendarId: string, params: ListParams = {}): EventsList {
    const cal = this.reading(actor, calendarId, params.timeZone, params.maxAttendees);
    return this.viewed(() => this.listIn(cal, params));
  }

  private listIn(cal: CalendarState, params: ListParams): EventsList {
    const max = this.maxResults(params.maxResults);
    if (params.syncToken !== undefined) return this.listIncremental(cal, params, max);
    if (params.orderBy !== undefined && params.orderBy !== 'startTime' && params.orderBy !== 'updated')
      throw Errors.invalidParameter('orderBy');
    if (params.orderBy === 'startTime' && !params.singleEvents) throw Errors.orderingNotAvailable();
    const filter = this.makeFilter(params);
    const queryHash = this.queryHash(params);
    let page: PageTokenPayload | undefined;
    if (params.pageToken !== undefined) page = this.decodePage(cal, params.pageToken, queryHash);
    const snapshot = page ? page.s : cal.seq;
    const items: EventResource[] = [];
    let next: { i: number; j: number } | undefined;

    const expandEntries = (ev: Stored): Entry[] => this.entriesFor(ev, params, filter);
    if (params.orderBy) {
      // Ordered listings need the whole result; page by offset into it.
      const all: { entry: Entry; key: number }[] = [];
      for (const ev of cal.events) {
        for (const entry of expandEntries(ev)) {
          all.push({
            entry,
            key: params.orderBy === 'updated' ? entry.ev.us : (entry.occ?.startMs ?? entry.ev.startMs),
          });
        }
      }
      all.sort((a, b) => a.key - b.key);
      const from = page ? page.i : 0;
      for (const { entry } of all.slice(from, from + max))
        items.push(this.renderEntry(entry, params.showDeleted));
      if (from + max < all.length) next = { i: from + max, j: 0 };
    } else {
      let i = page ? page.i : 0;
      let j = page ? page.j : 0;
      for (; i < cal.events.length; i++, j = 0) {
        const entries = expandEntries(cal.events[i]);
        while (j < entries.length && items.length < max)
          items.push(this.renderEntry(entries[j++], params.showDeleted));
        if (items.length >= max) {
          if (j >= entries.length) {
            i++;
            j = 0;
          }
          // More events remain: promise another page even if they turn out to match nothing —
          // Google allows short and empty pages with a nextPageToken (D1), and clients must cope.
          if (i < cal.events.length) next = { i, j };
          break;
        }
      }
    }
    const out = this.envelope(cal, items);
    if (next) {
      out.nextPageToken = this.tokens.encode({
        k: 'p',
        c: cal.id,
        q: queryHash,
        i: next.i,
        j: next.j,
        s: snapshot,
        e: this.epoch,
        g: cal.gen,
        t: this.options.now(),
      });
    } else if (!(params.orderBy && this.options.orderBySuppressesSyncToken)) {
      out.nextSyncToken = this.syncToken(cal, snapshot);
    }
    return itemsLast(out);
  }

  get(
    actor: string,
    calendarId: string,
    eventId: string,
    params: Record<string, unknown> = {},
    cond: Conditions = {},
  ) {
    const cal = this.reading(actor, calendarId, params.timeZone as string | undefined, params.maxAttendees);
    return this.viewed(() => {
      const entry = this.findEntry(cal, eventId);
      if (!entry) throw Errors.notFound();
      const rendered = this.present(this.renderEntry(entry, true, true));
      if (cond.ifNoneMatch !== undefined && etagMatches(cond.ifNoneMatch, rendered.etag!))
        throw Errors.notModified();
      return rendered;
    });
  }

  instances(actor: string, calendarId: string, eventId: string, params: InstancesParams = {}): EventsList {
    const cal = this.reading(actor, calendarId, params.timeZone, params.maxAttendees);
    return this.viewed(() => this.instancesIn(cal, eventId, params));
  }

  private instancesIn(cal: CalendarState, eventId: string, params: InstancesParams): EventsList {
    const master = cal.byId.get(eventId);
    if (!master || master.masterId) throw Errors.notFound();
    if (master.status === 'cancelled') throw Errors.deleted();
    const max = this.maxResults(params.maxResults);
    const filter = this.makeFilter({ timeMin: params.timeMin, timeMax: params.timeMax });
    const queryHash = this.queryHash({ ...params, instancesOf: eventId } as ListParams);
    const page =
      params.pageToken !== undefined ? this.decodePage(cal, params.pageToken, queryHash) : undefined;
    let entries: Entry[];
    if (!master.rec) entries = filter(master, master.startMs, master.endMs) ? [{ ev: master }] : [];
    else
      entries = this.seriesEntries(master, { showDeleted: params.showDeleted, singleEvents: true }, filter);
    if (params.originalStart !== undefined) {
      const want = parseRfc3339(params.originalStart);
      entries = entries.filter((e) => (e.occ?.startMs ?? e.ev.origKey) === want);
    }
    const from = page ? page.i : 0;
    const out = this.envelope(
      cal,
      entries.slice(from, from + max).map((e) => this.renderEntry(e, params.showDeleted)),
    );
    if (from + max < entries.length) {
      out.nextPageToken = this.tokens.encode({
        k: 'p',
        c: cal.id,
        q: queryHash,
        i: from + max,
        j: 0,
        s: cal.seq,
        e: this.epoch,
        g: cal.gen,
        t: this.options.now(),
      });
    }
    return itemsLast(out);
  }

  // ---------------------------------------------------------------- API: write

  insert(actor: string, calendarId: string, body: unknown, params: WriteParams = {}): EventResource {
    return this.doInsert(actor, calendarId, body, params);
  }

  private doInsert(
    actor: string,
    calendarId: string,
    body: unknown,
    params: WriteParams,
    forcedId?: string,
    imported?: { organizer?: { email?: string; displayName?: string } },
  ): EventResource {
    checkEventTypes(body);
    const cal = this.writing(actor, calendarId);
    const calId = cal.id;
    let id: string;
    if (forcedId) id = forcedId;
    else if (body.id !== undefined && body.id !== null) {
      if (!isValidClientId(body.id)) throw Errors.invalid('Invalid resource id value.', 'id');
      if (cal.byId.has(body.id)) throw Errors.duplicate();
      id = body.id;
    } else {
      do id = this.ids.next();
      while (cal.byId.has(id));
    }
    const data: EventResource = {};
    for (const k of WRITABLE) if (body[k] !== undefined && body[k] !== null) data[k] = clone(body[k]);
    data.creator = { email: normalizeEmail(actor) };
    data.organizer = this.organizerOf(calId);
    data.iCalUID = typeof body.iCalUID === 'string' && body.iCalUID ? body.iCalUID : `${id}@google.com`;
    data.sequence = typeof body.sequence === 'number' ? body.sequence : 0;
    if (!data.reminders) data.reminders = { useDefault: true };
    checkReminders(data.reminders);
    if (!data.eventType) data.eventType = 'default';
    this.applyConferenceData(data, body, params, undefined);
    const now = this.options.now();
    const ev: Stored = {
      id,
      cal,
      data,
      status: data.status ?? 'confirmed',
      us: 0,
      createdMs: now,
      logPos: 0,
      index: cal.events.length,
      startMs: 0,
      endMs: 0,
      allDay: false,
      zone: this.tzOf(calId),
      organizerCal: calId,
    };
    delete data.status;
    this.normalizeAttendees(data, calId);
    this.computeTiming(ev);
    cal.events.push(ev);
    cal.byId.set(id, ev);
    if (imported) {
      ev.imported = true;
      if (imported.organizer?.email)
        data.organizer = { ...imported.organizer, email: normalizeEmail(imported.organizer.email) };
    }
    this.touch(ev);
    this.propagate(ev);
    return this.render(ev, true, true);
  }

  /**
   * events.import: a private copy of an event from elsewhere. The foreign iCalUID (required) and
   * organizer are kept, no invitations go out (no attendee copies), and importing the same iCalUID
   * again updates that copy. Ids are `_` + base32hex(iCalUID), as Google's ids of invited or imported
   * events are (fixtures §6), unless the body gives a valid id. Only default events (reference).
   */
  importEvent(actor: string, calendarId: string, body: unknown, params: WriteParams = {}): EventResource {
    checkEventTypes(body);
    const cal = this.writing(actor, calendarId);
    const uid = body.iCalUID;
    if (typeof uid !== 'string' || uid === '') throw Errors.required('Missing iCalUID.');
    const type = body.eventType ?? 'default';
    if (type !== 'default') throw Errors.eventTypeRestriction(`Events of type ${type} cannot be imported.`);
    const organizer = isObject(body.organizer) ? body.organizer : undefined;
    const existing = cal.events.find((ev) => !ev.masterId && ev.imported && ev.data.iCalUID === uid);
    if (existing) {
      const out = this.write(actor, cal.id, existing.id, body, params, {}, 'update');
      if (organizer?.email) {
        existing.data = {
          ...existing.data,
          organizer: { ...organizer, email: normalizeEmail(organizer.email) },
        };
        this.touch(existing);
        return this.render(existing, true, true);
      }
      return out;
    }
    let id: string;
    if (body.id !== undefined && body.id !== null) {
      if (!isValidClientId(body.id)) throw Errors.invalid('Invalid resource id value.', 'id');
      id = body.id;
    } else id = `_${base32hex(Buffer.from(uid, 'utf8')).slice(0, 1000)}`;
    if (cal.byId.has(id)) throw Errors.duplicate();
    return this.doInsert(actor, cal.id, body, params, id, { organizer });
  }

  /**
   * events.quickAdd: an event from one line of text, with a minimal parser of what Google's example
   * shows ("Appointment at Somewhere on June 3rd 10am-10:25am"): a date (2025-06-03, June 3rd
   * [2026], today, tomorrow), a time or a time range (10am, 10:30, 10am-10:25am), a location after
   * "at", and the rest as the title. No time: an all-day event; no end: one hour; no date: today.
   */
  quickAdd(
    actor: string,
    calendarId: string,
    text: string | undefined,
    params: WriteParams = {},
  ): EventResource {
    if (typeof text !== 'string' || text.trim() === '') throw Errors.requiredParameter('text');
    if (text.length > 1024)
      throw Errors.invalidParameter('text', 'The text is too long (at most 1024 characters).');
    const cal = this.writing(actor, calendarId);
    const body = parseQuickAdd(text, this.tzOf(cal.id), this.options.now());
    return this.doInsert(actor, cal.id, body, params);
  }

  update(
    actor: string,
    calendarId: string,
    eventId: string,
    body: unknown,
    params: WriteParams = {},
    cond: Conditions = {},
  ): EventResource {
    checkEventTypes(body);
    return this.write(actor, calendarId, eventId, body, params, cond, 'update');
  }

  patch(
    actor: string,
    calendarId: string,
    eventId: string,
    body: unknown,
    params: WriteParams = {},
    cond: Conditions = {},
  ): EventResource {
    checkEventTypes(body);
    return this.write(actor, calendarId, eventId, body, params, cond, 'patch');
  }

  delete(
    actor: string,
    calendarId: string,
    eventId: string,
    _params: WriteParams = {},
    cond: Conditions = {},
  ): void {
    const cal = this.writing(actor, calendarId);
    const entry = this.findEntry(cal, eventId);
    if (!entry) throw Errors.notFound();
    this.checkIfMatch(entry, cond);
    if (entry.occ) {
      // Cancelling one occurrence: a cancelled exception, and the master re-sent with the same etag.
      const master = entry.ev;
      if (master.organizerCal !== cal.id) {
        this.declineAsAttendee(master);
        return;
      }
      const exc = this.materializeException(master, entry.occ);
      exc.status = 'cancelled';
      this.touchTogether([exc, master]);
      this.propagate(exc);
      this.propagate(master);
      return;
    }
    const ev = entry.ev;
    if (ev.status === 'cancelled') throw Errors.deleted();
    if (ev.organizerCal !== cal.id) {
      this.declineAsAttendee(ev);
      return;
    }
    ev.status = 'cancelled';
    if (ev.masterId) {
      const master = cal.byId.get(ev.masterId)!;
      this.touchTogether([ev, master]);
      this.propagate(ev);
      this.propagate(master);
      return;
    }
    this.touch(ev);
    for (const exc of cal.exceptions.get(ev.id)?.values() ?? []) {
      if (exc.status !== 'cancelled' || !exc.orphan) {
        exc.status = 'cancelled';
        exc.orphan = true;
        this.touch(exc);
        this.propagate(exc);
      }
    }
    this.propagate(ev);
  }

  /**
   * What the Calendar UI does for "edit this and following" (fixtures §3.5): the old series ends
   * the day before the chosen occurrence (UNTIL in UTC), and a new series with id `<id>_R<start>`
   * starts there with `changes` applied. Not an API method; exposed for tests of clients that must
   * cope with split series.
   */
  splitSeries(actor: string, calendarId: string, instanceId: string, changes: Record<string, unknown> = {}) {
    const cal = this.writing(actor, calendarId);
    const entry = this.findEntry(cal, instanceId);
    if (!entry?.occ || entry.ev.status === 'cancelled') throw Errors.notFound();
    checkEventTypes(changes);
    const master = entry.ev;
    const occ = entry.occ;
    const lastKept = (
      occ.date
        ? DateTime.fromISO(occ.date, { zone: master.zone })
        : DateTime.fromMillis(occ.startMs, { zone: master.zone })
    ).minus({ days: 1 });
    const oldLines = master.data.recurrence!;
    const newId = `${master.id}_R${occ.date ? dateSuffix(occ.date) : timedSuffix(occ.startMs).slice(0, -1)}`;
    // The same split made twice (the series extended again, then cut at the same occurrence): the id is taken.
    // Refused before anything changes, so a failed split leaves the old series whole (not checked against Google).
    if (cal.byId.has(newId)) throw Errors.duplicate();
    const newStart = this.occurrenceTimes(master, occ);
    const body: Record<string, any> = {
      ...clone(master.data),
      ...clone(changes),
      id: undefined,
      start: changes.start ?? newStart.start,
      end: changes.end ?? newStart.end,
      recurrence: changes.recurrence ?? continueRecurrence(oldLines, this.occurrencesBefore(master, occ)),
      iCalUID: `${newId}@google.com`,
      sequence: 0,
    };
    this.patch(actor, calendarId, master.id, {
      recurrence: truncateRecurrence(oldLines, lastKept, master.allDay),
    });
    // `_R` ids are not valid client ids, hence the internal path.
    return this.doInsert(actor, calendarId, body, { conferenceDataVersion: 1 }, newId);
  }

  /**
   * events.move: the event (a single event or a whole series with its exceptions) changes calendar
   * and therefore organizer. The source calendar's feed then shows it cancelled (a bare tombstone,
   * D1: "it will leave behind a cancelled event where only the id field is guaranteed") unless the
   * source's owner is an attendee, in which case it keeps an attendee's copy; the destination shows it
   * with the same id, organized by the destination calendar. Attendees' copies follow.
   */
  move(
    actor: string,
    calendarId: string,
    eventId: string,
    destination: string,
    _params: WriteParams = {},
  ): EventResource {
    if (typeof destination !== 'string' || destination === '') throw Errors.requiredParameter('destination');
    const src = this.writing(actor, calendarId);
    const dstId = this.resolve(actor, destination);
    const ev = src.byId.get(eventId);
    if (!ev) {
      if (this.findEntry(src, eventId)) throw Errors.cannotChangeOrganizerOfInstance();
      throw Errors.notFound();
    }
    if (ev.masterId) throw Errors.cannotChangeOrganizerOfInstance();
    if (ev.status === 'cancelled') throw Errors.notFound();
    if (ev.organizerCal !== src.id) throw Errors.cannotChangeOrganizer();
    const type = (ev.data.eventType as string | undefined) ?? 'default';
    if (type !== 'default')
      throw Errors.eventTypeRestriction(`Events of type ${type} cannot be moved to another calendar.`);
    if (dstId === src.id) return this.render(ev, true, true);
    const dst = this.writing(actor, dstId);
    const family = [ev, ...(src.exceptions.get(ev.id)?.values() ?? [])];
    for (const s of family) {
      const there = dst.byId.get(s.id);
      if (there && !(there.organizerCal === src.id || there.movedAway)) throw Errors.duplicate();
    }
    const us = this.nextUs();
    const moved: Stored[] = [];
    for (const s of family) {
      const data = clone(s.data);
      data.organizer = this.organizerOf(dstId);
      this.normalizeAttendees(data, dstId);
      let slot = dst.byId.get(s.id);
      const fields = {
        data,
        status: s.status,
        createdMs: s.createdMs,
        startMs: s.startMs,
        endMs: s.endMs,
        allDay: s.allDay,
        zone: s.zone,
        date: s.date,
        rec: s.rec,
        masterId: s.masterId,
        origKey: s.origKey,
        orphan: s.orphan,
        organizerCal: dstId,
        removedByOwner: false,
        movedAway: false,
      };
      if (slot) Object.assign(slot, fields);
      else {
        slot = { id: s.id, cal: dst, us: 0, logPos: 0, index: dst.events.length, ...fields };
        dst.events.push(slot);
        dst.byId.set(slot.id, slot);
      }
      if (slot.masterId) this.exceptionsOf(dst, slot.masterId).set(slot.origKey!, slot);
      moved.push(slot);
      // What stays behind: a tombstone, revived below as an attendee's copy if the source is invited.
      s.organizerCal = dstId;
      s.status = 'cancelled';
      s.movedAway = true;
      s.removedByOwner = false;
      if (!s.masterId) s.rec = undefined;
      this.touch(s, us);
    }
    // Attendees' copies now belong to the new organizer's event.
    for (const c of this.calendars.values()) {
      if (c === src || c === dst) continue;
      for (const s of family) {
        const copy = c.byId.get(s.id);
        if (copy && copy.organizerCal === src.id) copy.organizerCal = dstId;
      }
    }
    for (const m of moved) this.touch(m, us);
    for (const m of moved) this.propagate(m);
    return this.render(moved[0], true, true);
  }

  /** The organizer field for events organized by a calendar (a secondary calendar also shows its name). */
  private organizerOf(calendarId: string): { email: string; displayName?: string } {
    const meta = this.dir.meta(calendarId);
    // A secondary calendar organizes under its name (fixtures §4.1: "displayName": "Pending Approval").
    return meta && !meta.primary ? { email: calendarId, displayName: meta.summary } : { email: calendarId };
  }

  // ---------------------------------------------------------------- API: calendars

  getCalendar(actor: string, calendarId: string): CalendarResource {
    const { id } = this.access(actor, calendarId);
    return this.renderCalendar(this.dir.meta(id)!);
  }

  /** calendars.insert: a secondary calendar `c_<id>@group.calendar.google.com`, owned by the caller. */
  insertCalendar(actor: string, body: unknown): CalendarResource {
    if (!isObject(body)) throw Errors.required('Missing title.');
    let id: string;
    do id = `c_${this.ids.next()}@group.calendar.google.com`;
    while (this.dir.metas.has(id));
    const meta = this.dir.createSecondary(normalizeEmail(actor), id, body);
    this.calendar(id);
    this.notify(`calendarList:${meta.owner}`);
    return this.renderCalendar(meta);
  }

  updateCalendar(actor: string, calendarId: string, body: unknown, kind: 'patch' | 'update' = 'update') {
    const cal = this.writing(actor, calendarId, 'owner');
    if (!isObject(body)) throw Errors.badRequest();
    const meta = this.dir.updateCalendar(cal.id, body, kind);
    this.notify(`calendar:${cal.id}`);
    return this.renderCalendar(meta);
  }

  patchCalendar(actor: string, calendarId: string, body: unknown): CalendarResource {
    return this.updateCalendar(actor, calendarId, body, 'patch');
  }

  /** calendars.delete: secondary calendars only (Google: use calendars.clear for a primary one). */
  deleteCalendar(actor: string, calendarId: string): void {
    const cal = this.writing(actor, calendarId, 'owner');
    if (this.dir.meta(cal.id)!.primary)
      throw Errors.invalid('The primary calendar cannot be deleted; use calendars.clear to empty it.');
    this.dir.deleteSecondary(cal.id);
    this.calendars.delete(cal.id);
    this.journal?.removed.add(cal.id);
    this.notify(`calendar:${cal.id}`);
  }

  /** calendars.clear: deletes every event of a primary calendar (each deletion is a change, as usual). */
  clearCalendar(actor: string, calendarId: string): void {
    const cal = this.writing(actor, calendarId, 'owner');
    if (!this.dir.meta(cal.id)!.primary)
      throw Errors.invalid('Only a primary calendar can be cleared; delete a secondary calendar instead.');
    for (const ev of [...cal.events]) {
      if (ev.masterId || ev.status === 'cancelled') continue;
      this.delete(actor, cal.id, ev.id);
    }
  }

  private renderCalendar(meta: CalendarMeta): CalendarResource {
    const out: CalendarResource = {
      kind: 'calendar#calendar',
      etag: opaqueEtag(meta.us),
      id: meta.id,
      summary: meta.summary,
    };
    if (meta.description !== undefined) out.description = meta.description;
    if (meta.location !== undefined) out.location = meta.location;
    out.timeZone = this.tzOf(meta.id);
    out.conferenceProperties = { allowedConferenceSolutionTypes: ['hangoutsMeet'] };
    return out;
  }

  // ---------------------------------------------------------------- API: ACL

  listAcl(actor: string, calendarId: string, params: CollectionParams = {}): AclList {
    const cal = this.writing(actor, calendarId, 'owner');
    const meta = this.dir.meta(cal.id)!;
    const page = this.collectionPage([...meta.acl.values()], params, `acl:${cal.id}`);
    return {
      kind: 'calendar#acl',
      etag: opaqueEtag(meta.us),
      ...page.tokens,
      items: page.items.map((r) => this.renderRule(r)),
    };
  }

  getAcl(actor: string, calendarId: string, ruleId: string): AclRuleResource {
    const cal = this.writing(actor, calendarId, 'owner');
    const rule = this.dir.meta(cal.id)!.acl.get(ruleId);
    if (!rule || rule.deleted) throw Errors.notFound();
    return this.renderRule(rule);
  }

  insertAcl(actor: string, calendarId: string, body: unknown): AclRuleResource {
    const cal = this.writing(actor, calendarId, 'owner');
    if (!isObject(body)) throw Errors.badRequest();
    const rule = this.dir.putRule(cal.id, body);
    this.notify(`acl:${cal.id}`);
    return this.renderRule(rule);
  }

  updateAcl(
    actor: string,
    calendarId: string,
    ruleId: string,
    body: unknown,
    kind: 'patch' | 'update' = 'update',
  ) {
    const cal = this.writing(actor, calendarId, 'owner');
    if (!isObject(body)) throw Errors.badRequest();
    const old = this.dir.meta(cal.id)!.acl.get(ruleId);
    const merged =
      kind === 'patch' && old ? { role: old.role, ...body, scope: body.scope ?? old.scope } : body;
    const rule = this.dir.putRule(cal.id, merged, ruleId);
    this.notify(`acl:${cal.id}`);
    return this.renderRule(rule);
  }

  patchAcl(actor: string, calendarId: string, ruleId: string, body: unknown): AclRuleResource {
    return this.updateAcl(actor, calendarId, ruleId, body, 'patch');
  }

  deleteAcl(actor: string, calendarId: string, ruleId: string): void {
    const cal = this.writing(actor, calendarId, 'owner');
    this.dir.deleteRule(cal.id, ruleId);
    this.notify(`acl:${cal.id}`);
  }

  private renderRule(r: AclRule): AclRuleResource {
    // A deleted rule, as an incremental listing shows it: its role is "none".
    return {
      kind: 'calendar#aclRule',
      etag: opaqueEtag(r.us),
      id: r.id,
      scope: { ...r.scope },
      role: r.deleted ? 'none' : r.role,
    };
  }

  // ---------------------------------------------------------------- API: calendarList

  listCalendarList(actor: string, params: CalendarListParams = {}): CalendarListList {
    const user = normalizeEmail(actor);
    const min = params.minAccessRole;
    if (min !== undefined && !(min in RANK && min !== 'none')) throw Errors.invalidParameter('minAccessRole');
    const visible = this.dir.listOf(user).filter((e) => {
      if (!this.dir.meta(e.id)) return false;
      if (e.deleted) return true;
      const role = this.listRole(user, e.id);
      if (role === 'none') return false;
      if (min && RANK[role] < RANK[min as Role]) return false;
      return params.showHidden || !e.hidden || params.syncToken !== undefined;
    });
    const page = this.collectionPage(visible, params, `calendarList:${user}`, 250, 100);
    return {
      kind: 'calendar#calendarList',
      etag: opaqueEtag(Math.max(0, ...visible.map((e) => e.us))),
      ...page.tokens,
      items: page.items.map((e) => this.renderListEntry(user, e)),
    };
  }

  getCalendarListEntry(actor: string, calendarId: string): CalendarListEntryResource {
    const user = normalizeEmail(actor);
    const id = this.resolve(actor, calendarId);
    const e = this.dir.entry(user, id);
    if (!e || !this.dir.meta(id) || this.listRole(user, id) === 'none') throw Errors.notFound();
    return this.renderListEntry(user, e);
  }

  insertCalendarListEntry(actor: string, body: unknown): CalendarListEntryResource {
    if (!isObject(body) || typeof body.id !== 'string') throw Errors.required('Missing calendar id.');
    const user = normalizeEmail(actor);
    const { id } = this.access(actor, body.id);
    const e = this.dir.addToList(user, id, body);
    this.notify(`calendarList:${user}`);
    return this.renderListEntry(user, e);
  }

  updateCalendarListEntry(
    actor: string,
    calendarId: string,
    body: unknown,
    kind: 'patch' | 'update' = 'update',
  ): CalendarListEntryResource {
    const user = normalizeEmail(actor);
    const id = this.resolve(actor, calendarId);
    if (!this.dir.meta(id) || this.listRole(user, id) === 'none') throw Errors.notFound();
    if (!isObject(body)) throw Errors.badRequest();
    const e = this.dir.updateEntry(user, id, body, kind);
    this.notify(`calendarList:${user}`);
    return this.renderListEntry(user, e);
  }

  patchCalendarListEntry(actor: string, calendarId: string, body: unknown): CalendarListEntryResource {
    return this.updateCalendarListEntry(actor, calendarId, body, 'patch');
  }

  deleteCalendarListEntry(actor: string, calendarId: string): void {
    const user = normalizeEmail(actor);
    this.dir.removeFromList(user, this.resolve(actor, calendarId));
    this.notify(`calendarList:${user}`);
  }

  private listRole(user: string, id: string): Role {
    return this.options.enforceAcl ? this.dir.role(user, id) : 'owner';
  }

  private renderListEntry(user: string, e: ListEntry): CalendarListEntryResource {
    if (e.deleted)
      return { kind: 'calendar#calendarListEntry', etag: opaqueEtag(e.us), id: e.id, deleted: true };
    const meta = this.dir.meta(e.id)!;
    const role = this.listRole(user, e.id);
    const out: CalendarListEntryResource = {
      kind: 'calendar#calendarListEntry',
      etag: opaqueEtag(Math.max(e.us, meta.us)),
      id: e.id,
      summary: meta.summary,
    };
    if (meta.description !== undefined) out.description = meta.description;
    if (meta.location !== undefined) out.location = meta.location;
    out.timeZone = this.tzOf(e.id);
    if (e.summaryOverride !== undefined) out.summaryOverride = e.summaryOverride;
    out.colorId = e.colorId ?? '14';
    out.backgroundColor = e.backgroundColor ?? '#9fe1e7';
    out.foregroundColor = e.foregroundColor ?? '#000000';
    if (e.hidden) out.hidden = true;
    out.selected = e.selected ?? true;
    out.accessRole = role;
    out.defaultReminders = e.defaultReminders ?? [];
    if (e.notificationSettings) out.notificationSettings = e.notificationSettings;
    if (meta.primary && e.id === user) out.primary = true;
    out.conferenceProperties = { allowedConferenceSolutionTypes: ['hangoutsMeet'] };
    return out;
  }

  /**
   * Paging and incremental sync of a small collection (ACL rules, calendar list): items in a stable
   * order, page tokens by offset, a sync token carrying the latest change time it has seen, so an
   * incremental listing returns what changed after it, deletions included.
   */
  private collectionPage<T extends { us: number; deleted?: boolean }>(
    all: T[],
    params: CollectionParams,
    scope: string,
    cap = 250,
    dflt = 100,
  ): { items: T[]; tokens: { nextPageToken?: string; nextSyncToken?: string } } {
    const max = params.maxResults === undefined ? dflt : params.maxResults;
    if (!Number.isInteger(max) || max < 1) throw Errors.invalidParameter('maxResults');
    let since: number | undefined;
    if (params.syncToken !== undefined) {
      const t = this.tokens.decode(params.syncToken);
      if (t?.k !== 'l' || t.c !== scope) throw Errors.invalidSyncToken();
      if (t.e !== this.epoch) throw Errors.fullSyncRequired();
      since = t.u;
    }
    const latest = Math.max(0, ...all.map((x) => x.us));
    const matching = all.filter((x) =>
      since !== undefined ? x.us > since : params.showDeleted || !x.deleted,
    );
    let from = 0;
    let snapshot = latest;
    if (params.pageToken !== undefined) {
      const t = this.tokens.decode(params.pageToken);
      if (t?.k !== 'l' || t.c !== `${scope}#page` || t.i === undefined) throw Errors.invalidPageToken();
      from = t.i;
      snapshot = t.u;
    }
    const items = matching.slice(from, from + Math.min(max, cap));
    const next = from + items.length;
    const tokens: { nextPageToken?: string; nextSyncToken?: string } = {};
    if (next < matching.length)
      tokens.nextPageToken = this.tokens.encode({
        k: 'l',
        c: `${scope}#page`,
        u: snapshot,
        i: next,
        e: this.epoch,
      });
    else tokens.nextSyncToken = this.tokens.encode({ k: 'l', c: scope, u: snapshot, e: this.epoch });
    return { items, tokens };
  }

  // ---------------------------------------------------------------- API: push notification channels

  /**
   * events.watch / acl.watch / calendarList.watch / settings.watch: registers a web_hook channel
   * (push guide: id ≤ 64 characters, `type` web_hook, `address`, optional `token`, `expiration` in ms
   * or `params.ttl` in seconds, default 604800 s). The emulator only ever calls loopback addresses.
   * Delivery itself (HTTP POSTs) belongs to the HTTP front; the engine keeps the channels, their
   * message numbers and expiry, so that a restart on the same database keeps them too.
   */
  watch(
    actor: string,
    resource: 'events' | 'acl' | 'calendarList' | 'settings',
    calendarId: string | undefined,
    body: unknown,
    resourceUri: string,
  ): ChannelResource {
    let key: string;
    if (resource === 'events' || resource === 'acl') {
      const { id } = this.access(actor, calendarId ?? '');
      if (resource === 'acl') this.writing(actor, id, 'owner');
      key = `${resource}:${id}`;
    } else key = `${resource}:${normalizeEmail(actor)}`;
    if (!isObject(body)) throw Errors.required('Missing channel id.');
    const { id, type, address, token, expiration, params } = body;
    if (typeof id !== 'string' || id === '') throw Errors.required('Missing channel id.');
    if (id.length > 64) throw Errors.invalid('Channel id too long (at most 64 characters).', 'id');
    if (this.channels.has(id)) throw Errors.channelIdNotUnique(id);
    if (type !== 'web_hook' && type !== 'webhook')
      throw Errors.invalid(`Unknown channel type: ${String(type)}`, 'type');
    if (typeof address !== 'string') throw Errors.required('Missing channel address.');
    if (!isLoopbackUrl(address))
      throw Errors.invalid(
        `WebHook callback must be a loopback http(s) URL for this emulator (127.0.0.1, localhost, [::1]): ${address}`,
        'address',
      );
    if (token !== undefined && token !== null && typeof token !== 'string')
      throw Errors.invalid('Invalid channel token.', 'token');
    const now = this.options.now();
    let exp = now + 604_800_000;
    const ttl = isObject(params) ? params.ttl : undefined;
    if (ttl !== undefined) {
      if (!/^\d{1,10}$/.test(String(ttl))) throw Errors.invalid('Invalid ttl value.', 'params.ttl');
      exp = now + Number(ttl) * 1000;
    }
    if (expiration !== undefined && expiration !== null) {
      if (!/^\d{1,15}$/.test(String(expiration)))
        throw Errors.invalid('Invalid expiration value.', 'expiration');
      exp = Number(expiration);
    }
    const channel: Channel = {
      id,
      key,
      owner: normalizeEmail(actor),
      resourceId: this.resourceIdOf(key),
      resourceUri,
      address,
      token: typeof token === 'string' ? token : undefined,
      expiration: exp,
      messageNumber: 0,
    };
    this.channels.set(id, channel);
    this.notify('channels');
    return channelResource(channel);
  }

  /** channels.stop: the channel's creator stops it by id and resourceId; unknown → 404. */
  stopChannel(actor: string, body: unknown): void {
    if (!isObject(body) || typeof body.id !== 'string') throw Errors.required('Missing channel id.');
    const ch = this.channels.get(body.id);
    if (
      !ch ||
      ch.owner !== normalizeEmail(actor) ||
      (body.resourceId !== undefined && body.resourceId !== ch.resourceId)
    )
      throw Errors.notFound();
    this.channels.delete(ch.id);
    this.notify('channels');
  }

  /** Live channels watching `key` (a change key of onChange); expired ones are dropped on the way. */
  channelsFor(key: string): Channel[] {
    const now = this.options.now();
    const out: Channel[] = [];
    for (const ch of this.channels.values()) {
      if (ch.expiration <= now) {
        this.channels.delete(ch.id);
        continue;
      }
      if (ch.key === key) out.push(ch);
    }
    return out;
  }

  /** Every channel (for the control endpoint), expired ones dropped. */
  listChannels(): Channel[] {
    this.channelsFor('');
    return [...this.channels.values()].map((c) => ({ ...c }));
  }

  /** The next X-Goog-Message-Number of a channel (1 is the `sync` message). */
  nextMessageNumber(channelId: string): number {
    const ch = this.channels.get(channelId);
    if (!ch) return 0;
    return ++ch.messageNumber;
  }

  private readonly channels = new Map<string, Channel>();

  private resourceIdOf(key: string): string {
    return createHash('sha256').update(`${this.secret}\0${key}`).digest('base64url').slice(0, 27);
  }

  // ---------------------------------------------------------------- internals: writes

  private write(
    actor: string,
    calendarId: string,
    eventId: string,
    body: Record<string, any>,
    params: WriteParams,
    cond: Conditions,
    kind: 'update' | 'patch',
  ): EventResource {
    const cal = this.writing(actor, calendarId);
    const entry = this.findEntry(cal, eventId);
    if (!entry) throw Errors.notFound();
    this.checkIfMatch(entry, cond);
    let ev = entry.ev;
    if (ev.organizerCal !== cal.id) return this.attendeeWrite(ev, body);
    if (entry.occ) ev = this.materializeException(ev, entry.occ);
    const before = { start: ev.data.start, end: ev.data.end, recurrence: ev.data.recurrence };
    const prev = clone(ev.data);
    let next: EventResource;
    if (kind === 'patch') {
      next = clone(ev.data);
      for (const k of WRITABLE) {
        if (!(k in body)) continue;
        if (body[k] === null) delete next[k];
        else next[k] = mergePatch(next[k], clone(body[k]));
      }
    } else {
      next = {};
      for (const k of WRITABLE) if (body[k] !== undefined && body[k] !== null) next[k] = clone(body[k]);
      for (const k of [
        'creator',
        'organizer',
        'iCalUID',
        'recurringEventId',
        'originalStartTime',
        'hangoutLink',
      ]) {
        if (ev.data[k] !== undefined) next[k] = ev.data[k];
      }
      if (!next.reminders) next.reminders = { useDefault: true };
      if (!next.eventType) next.eventType = ev.data.eventType ?? 'default';
    }
    // A PUT replaces the status too (default confirmed, which undeletes); a patch keeps it unless given.
    let newStatus = ev.status;
    if ('status' in next) {
      newStatus = next.status as string;
      delete next.status;
    } else if (kind === 'update') newStatus = 'confirmed';
    if (ev.masterId) delete next.recurrence;
    if (typeof body.sequence !== 'number') next.sequence = prev.sequence ?? 0;
    // A lower sequence than the stored one is refused (fixtures §5.2: "Invalid sequence value.").
    else if (body.sequence < (prev.sequence ?? 0))
      throw Errors.invalid('Invalid sequence value.', 'sequence');
    checkReminders(next.reminders);
    this.applyConferenceData(next, body, params, prev, kind);
    this.normalizeAttendees(next, cal.id);
    const oldRec = ev.rec;
    const oldTiming = {
      startMs: ev.startMs,
      endMs: ev.endMs,
      rec: ev.rec,
      allDay: ev.allDay,
      date: ev.date,
      zone: ev.zone,
    };
    ev.data = next;
    try {
      this.computeTiming(ev);
    } catch (e) {
      ev.data = prev;
      Object.assign(ev, oldTiming);
      throw e;
    }
    ev.status = newStatus;
    if (
      typeof body.sequence !== 'number' &&
      (JSON.stringify(before.start) !== JSON.stringify(next.start) ||
        JSON.stringify(before.end) !== JSON.stringify(next.end) ||
        JSON.stringify(before.recurrence) !== JSON.stringify(next.recurrence))
    ) {
      next.sequence = (prev.sequence ?? 0) + 1;
    }
    this.touch(ev);
    if (ev.masterId) this.propagate(ev);
    else {
      if (ev.rec || oldRec) this.orphanExceptions(ev);
      this.propagate(ev);
    }
    return this.render(ev, true, true);
  }

  /** Exceptions whose occurrence left the series (UNTIL moved, start moved, rule changed) become tombstones. */
  private orphanExceptions(master: Stored): void {
    const excs = master.cal.exceptions.get(master.id);
    if (!excs || excs.size === 0) return;
    const keys = new Set<number | string>();
    if (master.rec) {
      for (const o of expand(
        master.rec,
        { ms: master.startMs, date: master.date },
        master.zone,
        Number.MAX_SAFE_INTEGER,
        maxKey(excs) + 1,
      )) {
        keys.add(o.date ?? o.startMs);
      }
    }
    for (const [key, exc] of excs) {
      if (!keys.has(key) && !exc.orphan) {
        exc.status = 'cancelled';
        exc.orphan = true;
        this.touch(exc);
        this.propagate(exc);
      }
    }
  }

  /** A non-organizer's write only carries their own RSVP (and their own reminders) back to the organizer. */
  private attendeeWrite(copy: Stored, body: Record<string, any>): EventResource {
    const me = copy.cal.id;
    // Shared extended properties belong to the organizer (fixtures §5.1: 403 forbiddenForNonOrganizer).
    const shared = body.extendedProperties?.shared;
    if (shared !== undefined && shared !== null) {
      const current =
        (copy.data.extendedProperties as { shared?: Record<string, string> } | undefined)?.shared ?? {};
      if (Object.entries(shared).some(([k, v]) => current[k] !== v)) throw Errors.forbiddenForNonOrganizer();
    }
    checkReminders(body.reminders);
    const mine = Array.isArray(body.attendees)
      ? body.attendees.find((a: Attendee) => normalizeEmail(a.email ?? '') === me)
      : undefined;
    if (body.reminders) {
      if (copy.shared) copy.ownReminders = clone(body.reminders);
      else copy.data.reminders = clone(body.reminders);
    }
    const org = this.calendars.get(copy.organizerCal)?.byId.get(copy.id);
    if (mine && org) {
      const target = (org.data.attendees ?? []).find((a) => normalizeEmail(a.email ?? '') === me);
      if (target) {
        for (const k of ['responseStatus', 'comment', 'additionalGuests'] as const) {
          if (mine[k] !== undefined) (target as any)[k] = mine[k];
        }
        copy.removedByOwner = false;
        this.touch(org);
        this.propagate(org);
        return this.render(copy, true, true);
      }
    }
    this.touch(copy);
    return this.render(copy, true, true);
  }

  /** An attendee deleting their copy: it is cancelled for them, and they decline on the organizer's event. */
  private declineAsAttendee(copy: Stored): void {
    if (copy.status === 'cancelled') throw Errors.deleted();
    copy.status = 'cancelled';
    copy.removedByOwner = true;
    this.touch(copy);
    const org = this.calendars.get(copy.organizerCal)?.byId.get(copy.id);
    const target = org?.data.attendees?.find((a) => normalizeEmail(a.email ?? '') === copy.cal.id);
    if (org && target) {
      target.responseStatus = 'declined';
      this.touch(org);
      this.propagate(org);
    }
  }

  /** Pushes the organizer's copy to every attendee who is an emulator user; removed attendees' copies are cancelled. */
  private propagate(org: Stored): void {
    if (org.organizerCal !== org.cal.id || org.imported) return;
    const wanted = new Set<string>();
    if (org.status !== 'cancelled' || org.masterId) {
      for (const a of org.data.attendees ?? []) {
        const email = normalizeEmail(a.email ?? '');
        // Rooms get their copy too (fixtures §4.1 shows a room calendar's copy of the event).
        if (!email || email === org.cal.id || !this.options.isUser(email)) continue;
        wanted.add(email);
      }
    }
    const holders = new Set<string>(wanted);
    for (const c of this.calendars.values())
      if (c.id !== org.cal.id && c.byId.get(org.id)?.organizerCal === org.cal.id) holders.add(c.id);
    for (const email of holders) {
      if (!this.dir.exists(email)) continue; // an address that is no calendar (e.g. a deleted secondary)
      const cal = this.calendar(email);
      let copy = cal.byId.get(org.id);
      if (copy && copy.organizerCal !== org.cal.id) continue; // an unrelated event with the same id
      if (!wanted.has(email)) {
        if (copy && copy.status !== 'cancelled') {
          copy.status = 'cancelled';
          this.touch(copy);
        }
        continue;
      }
      if (copy?.removedByOwner && org.status !== 'cancelled') continue;
      const reminders = copy ? remindersOf(copy) : { useDefault: true };
      // Shared, not copied: the organizer's data object is replaced (never changed) by its next write.
      const data = org.data;
      if (!copy) {
        copy = {
          ...org,
          cal,
          data,
          shared: true,
          ownReminders: reminders,
          us: 0,
          logPos: 0,
          index: cal.events.length,
          removedByOwner: false,
        };
        cal.events.push(copy);
        cal.byId.set(copy.id, copy);
        if (copy.masterId) this.exceptionsOf(cal, copy.masterId).set(copy.origKey!, copy);
      } else {
        Object.assign(copy, {
          data,
          shared: true,
          ownReminders: reminders,
          status: org.status,
          startMs: org.startMs,
          endMs: org.endMs,
          allDay: org.allDay,
          zone: org.zone,
          date: org.date,
          rec: org.rec,
          orphan: org.orphan,
          movedAway: false,
        });
      }
      this.touch(copy);
    }
  }

  /** Turns a virtual occurrence into a stored exception (a copy of the master at that occurrence). */
  private materializeException(master: Stored, occ: Occurrence): Stored {
    const cal = master.cal;
    const key = occ.date ?? occ.startMs;
    const existing = this.exceptionsOf(cal, master.id).get(key);
    if (existing) return existing;
    const id = this.instanceId(master, occ);
    const data = clone(master.data);
    delete data.recurrence;
    const times = this.occurrenceTimes(master, occ);
    data.start = times.start;
    data.end = times.end;
    data.recurringEventId = master.id;
    data.originalStartTime = times.start;
    const exc: Stored = {
      ...master,
      id,
      data,
      rec: undefined,
      masterId: master.id,
      origKey: key,
      index: cal.events.length,
      logPos: 0,
      startMs: occ.startMs,
      endMs: occ.startMs + (master.endMs - master.startMs),
      date: occ.date,
      orphan: false,
    };
    if (occ.date) exc.endMs = DateTime.fromISO(times.end.date!, { zone: master.zone }).toMillis();
    cal.events.push(exc);
    cal.byId.set(id, exc);
    this.exceptionsOf(cal, master.id).set(key, exc);
    return exc;
  }

  private applyConferenceData(
    next: EventResource,
    body: Record<string, any>,
    params: WriteParams,
    prev: EventResource | undefined,
    kind: 'insert' | 'update' | 'patch' = 'insert',
  ): void {
    const version = params.conferenceDataVersion ?? 0;
    if (version !== 0 && version !== 1) throw Errors.invalidParameter('conferenceDataVersion');
    if (version === 0 || body.conferenceData === undefined) {
      // Version 0 ignores conferenceData in the body (D1); what is stored stays unless configured otherwise.
      if (prev?.conferenceData && (kind === 'patch' || this.options.keepConferenceDataOnUpdateV0)) {
        next.conferenceData = prev.conferenceData;
        if (prev.hangoutLink) next.hangoutLink = prev.hangoutLink;
      } else {
        delete next.conferenceData;
        delete next.hangoutLink;
      }
      return;
    }
    if (body.conferenceData === null) {
      delete next.conferenceData;
      delete next.hangoutLink;
      return;
    }
    const cd = clone(body.conferenceData);
    validateConferenceData(cd);
    delete cd.signature;
    const req = cd.createRequest;
    if (req) {
      const prevReq = prev?.conferenceData?.createRequest;
      if (prevReq && prevReq.requestId === req.requestId) {
        // A reused requestId is ignored (D1): keep the conference as it is.
        next.conferenceData = prev!.conferenceData;
        return;
      }
      const type = req.conferenceSolutionKey?.type;
      if (type === 'hangoutsMeet' && !cd.entryPoints) {
        // Google creates Meet conferences itself; emulate an immediate success with a stable code.
        const h = this.ids.next();
        const code = `${h.slice(0, 3)}-${h.slice(3, 7)}-${h.slice(7, 10)}`.replace(/[0-9]/g, 'x');
        cd.createRequest = { ...req, status: { statusCode: 'success' } };
        cd.entryPoints = [
          {
            entryPointType: 'video',
            uri: `https://meet.google.com/${code}`,
            label: `meet.google.com/${code}`,
          },
        ];
        cd.conferenceSolution = {
          key: { type: 'hangoutsMeet' },
          name: 'Google Meet',
          iconUri:
            'https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png',
        };
        cd.conferenceId = code;
        next.hangoutLink = `https://meet.google.com/${code}`;
      } else {
        // Third-party (add-on) requests stay pending until the add-on supplies the conference.
        cd.createRequest = { ...req, status: { statusCode: cd.entryPoints ? 'success' : 'pending' } };
      }
    }
    next.conferenceData = cd;
  }

  private normalizeAttendees(data: EventResource, organizerCal: string): void {
    if (!data.attendees) return;
    const cap = this.options.maxAttendees;
    if (data.attendees.length > cap) throw Errors.tooManyAttendees(cap);
    data.attendees = data.attendees.map((a) => {
      const out: Attendee = { ...a };
      delete out.self;
      if (out.email) out.email = normalizeEmail(out.email);
      if (out.email === organizerCal) out.organizer = true;
      else delete out.organizer;
      // The organizer has accepted their own event, and a room accepts a booking (fixtures §4.1).
      if (!out.responseStatus)
        out.responseStatus = out.organizer || out.resource ? 'accepted' : 'needsAction';
      return out;
    });
  }

  /** Derives the times used for filtering (and the parsed recurrence) from start/end/recurrence. */
  private computeTiming(ev: Stored): void {
    const d = ev.data;
    const recurring = !!d.recurrence && d.recurrence.length > 0 && !ev.masterId;
    const calZone = this.tzOf(ev.cal.id);
    const start = normalizeWhen(d.start, 'start', calZone, recurring);
    const end = normalizeWhen(d.end, 'end', calZone, recurring);
    if (!!start.date !== !!end.date) throw Errors.invalid('Invalid end time.', 'end');
    if (end.ms < start.ms || (start.date && end.ms === start.ms)) throw Errors.timeRangeEmpty('end');
    d.start = start.value;
    d.end = end.value;
    ev.startMs = start.ms;
    ev.endMs = end.ms;
    ev.allDay = !!start.date;
    ev.date = start.date;
    ev.zone = d.start.timeZone ?? calZone;
    if (ev.allDay) ev.zone = calZone;
    ev.rec = recurring ? parseRecurrence(d.recurrence!) : undefined;
    if (!recurring && !ev.masterId) delete d.recurrence;
  }

  /** Allocates a fresh `updated` (strictly increasing µs, so etags never repeat) and logs the change. */
  private touch(ev: Stored, us = this.nextUs()): void {
    // Re-materialise the data once per write through JSON: objects built up key by key (or that
    // went through `delete`) carry V8 slack and out-of-object property arrays, while JSON.parse
    // builds compact ones — this halves the memory per stored event (see README benchmark).
    if (!ev.shared) ev.data = JSON.parse(JSON.stringify(ev.data));
    ev.us = us;
    const cal = ev.cal;
    cal.log.push(ev.id);
    cal.logAt.push(++cal.seq);
    ev.logPos = cal.seq;
    if (cal.log.length > 2 * cal.byId.size + 1024) this.compactLog(cal);
    this.maybePurge(cal);
    ev.cal.updatedMs = Math.floor(us / 1000);
    this.journal?.events.add(ev);
    this.notify(`events:${ev.cal.id}`);
  }

  private touchTogether(evs: Stored[]): void {
    const us = this.nextUs();
    for (const ev of evs) this.touch(ev, us);
  }

  private nextUs(): number {
    const nowUs = this.options.now() * 1000;
    this.lastUs = Math.max(nowUs, this.lastUs + 1);
    return this.lastUs;
  }

  private checkIfMatch(entry: Entry, cond: Conditions): void {
    if (cond.ifMatch === undefined) return;
    const current = this.renderEntry(entry, true, true).etag!;
    if (!etagMatches(cond.ifMatch, current)) throw Errors.conditionNotMet();
  }

  /** Drops change-log entries superseded by a later change of the same event (lossless for every token). */
  private compactLog(cal: CalendarState): void {
    let w = 0;
    for (let r = 0; r < cal.log.length; r++) {
      const ev = cal.byId.get(cal.log[r]);
      if (!ev || ev.logPos !== cal.logAt[r]) continue;
      cal.log[w] = cal.log[r];
      cal.logAt[w] = cal.logAt[r];
      w++;
    }
    cal.log.length = w;
    cal.logAt.length = w;
  }

  private lastPurgeCheck = new WeakMap<CalendarState, number>();

  /**
   * With a token lifetime (`syncTokenMaxAgeMs`), deletions older than it are forgotten: every token
   * that could still need them has expired (answers 410). Purged: deleted events and series (with
   * their exceptions), orphaned exceptions and moved-away tombstones — never a cancelled occurrence
   * of a live series (D1: clients keep those for the series' lifetime), nor the copy an attendee
   * removed while the organizer's event lives (it must not come back on the organizer's next edit).
   */
  private maybePurge(cal: CalendarState): void {
    const maxAge = this.options.syncTokenMaxAgeMs;
    if (maxAge === undefined) return;
    const now = this.options.now();
    const last = this.lastPurgeCheck.get(cal) ?? 0;
    if (now - last < Math.max(1000, maxAge / 10)) return;
    this.lastPurgeCheck.set(cal, now);
    const horizonUs = (now - maxAge) * 1000;
    const doomed = new Set<Stored>();
    for (const ev of cal.events) {
      if (ev.status !== 'cancelled' || ev.us >= horizonUs) continue;
      if (ev.masterId && !ev.orphan && !ev.movedAway) {
        const master = cal.byId.get(ev.masterId);
        if (master && master.status !== 'cancelled') continue;
      }
      if (ev.removedByOwner) {
        const org = this.calendars.get(ev.organizerCal)?.byId.get(ev.id);
        if (org && org.status !== 'cancelled') continue;
      }
      doomed.add(ev);
      if (!ev.masterId) for (const exc of cal.exceptions.get(ev.id)?.values() ?? []) doomed.add(exc);
    }
    if (doomed.size === 0) return;
    cal.events = cal.events.filter((ev) => !doomed.has(ev));
    cal.events.forEach((ev, i) => {
      ev.index = i;
    });
    for (const ev of doomed) {
      cal.byId.delete(ev.id);
      if (ev.masterId) cal.exceptions.get(ev.masterId)?.delete(ev.origKey!);
      else cal.exceptions.delete(ev.id);
      this.journal?.purged.push([cal.id, ev.id]);
    }
    cal.purgedAt = now;
    this.compactLog(cal);
  }

  // ---------------------------------------------------------------- internals: reads

  private listIncremental(cal: CalendarState, params: ListParams, max: number): EventsList {
    for (const k of FORBIDDEN_WITH_SYNC)
      if (params[k] !== undefined) throw Errors.syncTokenWithRequestRestrictions();
    if (params.showDeleted === false) throw Errors.syncTokenWithRequestRestrictions();
    const sync = this.tokens.decode(params.syncToken!);
    if (sync?.k !== 's' || sync.c !== cal.id) throw Errors.invalidSyncToken();
    this.checkFresh(cal, sync);
    const queryHash = this.queryHash(params);
    let from = sync.p;
    let to = cal.seq;
    let cursor = from;
    let j = 0;
    if (params.pageToken !== undefined) {
      const page = this.decodePage(cal, params.pageToken, queryHash);
      if (page.f !== sync.p) throw Errors.invalidPageToken();
      from = page.f;
      to = page.s;
      cursor = page.i;
      j = page.j;
    } else if (from === to) {
      // Nothing changed: Google hands back the very token it was given (COMMUNITY, §1.4).
      return itemsLast({ ...this.envelope(cal, []), nextSyncToken: params.syncToken });
    }
    const items: EventResource[] = [];
    let next: { i: number; j: number } | undefined;
    // `cursor`: changes at positions after it are still to be listed (`j` into the first of them).
    let idx = firstAfter(cal.logAt, cursor);
    if (idx < cal.logAt.length && cal.logAt[idx] !== cursor + 1) j = 0; // that entry was compacted away
    for (; idx < cal.log.length && cal.logAt[idx] <= to; idx++, j = 0) {
      const pos = cal.logAt[idx];
      const ev = cal.byId.get(cal.log[idx]);
      if (!ev || ev.logPos !== pos) continue; // a later change of the same event comes further on (or next time)
      const entries = this.incrementalEntries(ev, params);
      while (j < entries.length && items.length < max)
        items.push(this.renderEntry(entries[j++], params.showDeleted));
      if (items.length >= max) {
        if (j < entries.length) next = { i: pos - 1, j };
        else if (idx + 1 < cal.log.length && cal.logAt[idx + 1] <= to) next = { i: pos, j: 0 };
        break;
      }
    }
    const out = this.envelope(cal, items);
    if (next) {
      out.nextPageToken = this.tokens.encode({
        k: 'p',
        c: cal.id,
        q: queryHash,
        i: next.i,
        j: next.j,
        s: to,
        f: from,
        e: this.epoch,
        g: cal.gen,
        t: this.options.now(),
      });
    } else out.nextSyncToken = this.syncToken(cal, to);
    return itemsLast(out);
  }

  /** What one change-log entry contributes to an incremental listing. */
  private incrementalEntries(ev: Stored, params: ListParams): Entry[] {
    if (!params.singleEvents || !ev.rec) return [{ ev }];
    // singleEvents: a changed series is reported as its instances (exceptions report themselves).
    const excs = ev.cal.exceptions.get(ev.id);
    return this.occurrences(ev)
      .filter((o) => !excs?.has(o.date ?? o.startMs))
      .map((occ) => ({ ev, occ }));
  }

  /** Entries an event contributes to a full listing, after filters. */
  private entriesFor(ev: Stored, params: ListParams, filter: Filter): Entry[] {
    if (ev.masterId) {
      // Exceptions are listed with their series when expanding; alone otherwise.
      if (params.singleEvents && !ev.orphan) return [];
      if ((ev.orphan || ev.movedAway) && !params.showDeleted && !params.updatedMin) return [];
      if (ev.status === 'cancelled' && !ev.orphan && !ev.movedAway) {
        // D1: cancelled instances are included when showDeleted and singleEvents are both false.
        return filter(ev, ev.startMs, ev.endMs, true) ? [{ ev }] : [];
      }
      return filter(ev, ev.startMs, ev.endMs) ? [{ ev }] : [];
    }
    if (ev.rec && params.singleEvents) {
      if (ev.status === 'cancelled') {
        if (!params.showDeleted && !params.updatedMin) return [];
        return this.occurrences(ev).map((occ) => ({ ev, occ }));
      }
      return this.seriesEntries(ev, params, filter);
    }
    if (ev.rec && (params.timeMin || params.timeMax)) {
      // A series matches a window when one of its occurrences does.
      const duration = ev.endMs - ev.startMs;
      const any = this.occurrences(ev, params.timeMax ? parseRfc3339(params.timeMax) : undefined).some((o) =>
        filter(ev, o.startMs, o.startMs + duration),
      );
      return any ? [{ ev }] : [];
    }
    return filter(ev, ev.startMs, ev.endMs) ? [{ ev }] : [];
  }

  /** The instances of a series (virtual ones and stored exceptions), filtered, in start order. */
  private seriesEntries(
    master: Stored,
    params: { showDeleted?: boolean; singleEvents?: boolean },
    filter: Filter,
  ): Entry[] {
    const excs = master.cal.exceptions.get(master.id);
    const out: Entry[] = [];
    const duration = master.endMs - master.startMs;
    for (const occ of this.occurrences(master)) {
      const exc = excs?.get(occ.date ?? occ.startMs);
      if (exc) {
        if (exc.status === 'cancelled' && !params.showDeleted) continue;
        if (filter(exc, exc.startMs, exc.endMs, params.showDeleted)) out.push({ ev: exc });
      } else if (filter(master, occ.startMs, occ.startMs + duration)) out.push({ ev: master, occ });
    }
    return out;
  }

  private occurrences(master: Stored, untilMs?: number): Occurrence[] {
    return expand(
      master.rec!,
      { ms: master.startMs, date: master.date },
      master.zone,
      this.options.maxInstancesPerSeries,
      untilMs,
    );
  }

  /** Resolves an id: a stored event, or a virtual instance `<master>_<suffix>` of a live occurrence. */
  private findEntry(cal: CalendarState, eventId: string): Entry | undefined {
    const ev = cal.byId.get(eventId);
    if (ev) return { ev };
    const m = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(eventId);
    if (!m) return undefined;
    const master = cal.byId.get(m[1]);
    if (!master?.rec) return undefined;
    const suffix = m[2];
    const occ = this.occurrences(master).find(
      (o) => (o.date ? dateSuffix(o.date) : timedSuffix(o.startMs)) === suffix,
    );
    return occ ? { ev: master, occ } : undefined;
  }

  /** How many occurrences of the series come before `occ` (what a COUNT has used up by then). */
  private occurrencesBefore(master: Stored, occ: Occurrence): number {
    return this.occurrences(master).filter((o) => o.startMs < occ.startMs).length;
  }

  private instanceId(master: Stored, occ: Occurrence): string {
    return `${master.id}_${occ.date ? dateSuffix(occ.date) : timedSuffix(occ.startMs)}`;
  }

  private occurrenceTimes(master: Stored, occ: Occurrence): { start: EventDateTime; end: EventDateTime } {
    const tz = master.data.start?.timeZone;
    if (occ.date) {
      const days = Math.round(
        DateTime.fromISO(master.data.end!.date!).diff(DateTime.fromISO(master.data.start!.date!), 'days')
          .days,
      );
      const start: EventDateTime = { date: occ.date };
      const end: EventDateTime = { date: DateTime.fromISO(occ.date).plus({ days }).toISODate()! };
      return { start, end };
    }
    const duration = master.endMs - master.startMs;
    const start: EventDateTime = { dateTime: formatDateTime(occ.startMs, master.zone) };
    const end: EventDateTime = {
      dateTime: formatDateTime(occ.startMs + duration, master.data.end?.timeZone ?? master.zone),
    };
    if (tz) start.timeZone = tz;
    if (master.data.end?.timeZone) end.timeZone = master.data.end.timeZone;
    return { start, end };
  }

  // ---------------------------------------------------------------- rendering

  private renderEntry(entry: Entry, showDeleted?: boolean, full = false): EventResource {
    if (!entry.occ) return this.render(entry.ev, showDeleted, full);
    const master = entry.ev;
    const id = this.instanceId(master, entry.occ);
    const times = this.occurrenceTimes(master, entry.occ);
    if (master.status === 'cancelled')
      return { kind: 'calendar#event', etag: eventEtag(master.us), id, status: 'cancelled' };
    return this.shape(master, id, master.status, master.data, master.us, false, {
      recurrence: undefined,
      start: times.start,
      end: times.end,
      recurringEventId: master.id,
      originalStartTime: times.start,
    });
  }

  /**
   * A stored event as the API shows it on its calendar. Cancelled events are minimal (fixtures §7:
   * kind, etag, id, status; plus recurringEventId/originalStartTime for a cancelled occurrence of a
   * live series) unless details are asked for on the organizer's calendar (showDeleted) or by get.
   */
  private render(ev: Stored, showDeleted?: boolean, full = false): EventResource {
    if (ev.status === 'cancelled') {
      const details = full || (showDeleted === true && ev.organizerCal === ev.cal.id);
      if (!details || ev.orphan || ev.movedAway) {
        const out: EventResource = {
          kind: 'calendar#event',
          etag: eventEtag(ev.us),
          id: ev.id,
          status: 'cancelled',
        };
        if (ev.masterId && !ev.orphan && !ev.movedAway) {
          out.recurringEventId = ev.masterId;
          out.originalStartTime = clone(ev.data.originalStartTime);
        }
        if (!full || ev.orphan || ev.movedAway) return out;
      }
    }
    return this.shape(ev, ev.id, ev.status, ev.data, ev.us, !!ev.masterId && ev.status !== 'cancelled');
  }

  /**
   * Builds the API form of an event in Google's key order. `data` is read, never shared: every
   * value is deep-copied, so callers may mutate what they get. `overrides` replace data fields
   * (used for virtual instances of a series).
   */
  private shape(
    ev: Stored,
    id: string,
    status: string,
    data: EventResource,
    us: number,
    odd: boolean,
    overrides?: Record<string, unknown>,
  ): EventResource {
    const calId = ev.cal.id;
    const linkId = ev.rec && id === ev.id ? this.firstInstanceId(ev) : id;
    const computed: Record<string, unknown> = {
      kind: 'calendar#event',
      etag: eventEtag(us, odd),
      id,
      status,
      htmlLink: htmlLink(linkId, calId),
      created: formatCreated(ev.createdMs),
      updated: formatUpdated(Math.floor(us / 1000)),
    };
    const out: Record<string, any> = {};
    for (const k of KEY_ORDER) {
      let v: unknown;
      if (k in computed) v = computed[k];
      else if (overrides && k in overrides) v = deepCopy(overrides[k]);
      else if (k === 'reminders' && ev.shared) v = deepCopy(ev.ownReminders);
      else v = deepCopy(data[k]);
      if (v !== undefined) out[k] = v;
    }
    for (const k in data) if (!KEY_SET.has(k) && data[k] !== undefined) out[k] = deepCopy(data[k]);
    if (out.creator?.email === calId) out.creator.self = true;
    if (out.organizer?.email === calId) out.organizer.self = true;
    if (out.attendees) {
      out.attendees = (out.attendees as Attendee[]).map((a) =>
        a.email === calId ? insertAfter(a, 'displayName', 'self', true) : a,
      );
    }
    return out as EventResource;
  }

  private firstInstanceId(master: Stored): string {
    const first = expand(master.rec!, { ms: master.startMs, date: master.date }, master.zone, 1);
    return first.length ? this.instanceId(master, first[0]) : master.id;
  }

  private envelope(cal: CalendarState, items: EventResource[]): EventsList {
    return {
      kind: 'calendar#events',
      etag: collectionEtag(cal),
      summary: this.dir.meta(cal.id)?.summary ?? cal.id,
      description: this.dir.meta(cal.id)?.description ?? '',
      updated: formatUpdated(cal.updatedMs),
      timeZone: this.view.tz ?? this.tzOf(cal.id),
      accessRole: this.view.role,
      defaultReminders: [],
      items,
    };
  }

  // ---------------------------------------------------------------- helpers

  private resolve(actor: string, calendarId: string): string {
    if (!calendarId) throw Errors.notFound();
    return normalizeEmail(calendarId === 'primary' ? actor : calendarId);
  }

  /** The stored state of a calendar that exists (a virtual primary is stored from now on). */
  private calendar(id: string): CalendarState {
    let cal = this.calendars.get(id);
    if (!cal) {
      this.dir.ensure(id);
      cal = this.emptyState(id);
      this.calendars.set(id, cal);
    }
    return cal;
  }

  private emptyState(id: string): CalendarState {
    return {
      id,
      events: [],
      byId: new Map(),
      log: [],
      gen: 0,
      updatedMs: this.options.now(),
      exceptions: new Map(),
      logAt: [],
      seq: 0,
      purgedAt: 0,
    };
  }

  private tzOf(calendarId: string): string {
    return this.dir.metas.get(calendarId)?.timeZone ?? this.options.defaultTimeZone;
  }

  /** The caller's role on an existing calendar; 404 when it does not exist or they may not even see it. */
  private access(actor: string, calendarId: string): { id: string; role: Role } {
    const id = this.resolve(actor, calendarId);
    if (!this.dir.meta(id)) throw Errors.notFound();
    const role = this.options.enforceAcl ? this.dir.role(normalizeEmail(actor), id) : 'owner';
    if (role === 'none') throw Errors.notFound();
    return { id, role };
  }

  /**
   * A calendar to read: its stored state, or an empty one that is not stored (a read never creates
   * state). Sets the view (role, `timeZone` parameter) that `viewed` clears after rendering.
   */
  private reading(actor: string, calendarId: string, tz?: string, maxAttendees?: unknown): CalendarState {
    const { id, role } = this.access(actor, calendarId);
    if (tz !== undefined && !isValidZone(tz)) throw Errors.invalidParameter('timeZone', 'Invalid time zone.');
    if (maxAttendees !== undefined && (!Number.isInteger(maxAttendees) || (maxAttendees as number) < 1))
      throw Errors.invalidParameter('maxAttendees');
    this.view = { tz, role, maxAttendees: maxAttendees as number | undefined };
    return this.calendars.get(id) ?? this.emptyState(id);
  }

  /** A calendar to write: the caller needs `need` (Google's 403 requiredAccessLevel below it). */
  private writing(actor: string, calendarId: string, need: 'writer' | 'owner' = 'writer'): CalendarState {
    const { id, role } = this.access(actor, calendarId);
    if (RANK[role] < RANK[need]) throw Errors.requiredAccessLevel(need);
    return this.calendar(id);
  }

  /** Runs a read with the view set by `reading`, and applies it to what it returns. */
  private viewed<T>(fn: () => T): T {
    try {
      const out = fn() as unknown;
      if (out && typeof out === 'object' && Array.isArray((out as EventsList).items)) {
        const list = out as EventsList;
        list.items = list.items.map((e) => this.present(e));
      }
      return out as T;
    } finally {
      this.view = { role: 'owner' };
    }
  }

  /**
   * What the caller may see of an event: a free/busy reader sees only when it is (and a reader the
   * same of a private event); a requested `timeZone` rewrites the times that carry no zone of their own.
   */
  private present(e: EventResource): EventResource {
    const { role, tz } = this.view;
    let out = e;
    const priv = e.visibility === 'private' || e.visibility === 'confidential';
    if ((role === 'freeBusyReader' || (role === 'reader' && priv)) && e.status !== 'cancelled') {
      out = {};
      for (const k of [
        'kind',
        'etag',
        'id',
        'status',
        'updated',
        'start',
        'end',
        'recurringEventId',
        'originalStartTime',
      ])
        if (e[k] !== undefined) out[k] = e[k];
    }
    // maxAttendees: "If there are more than the specified number of attendees, only the participant is returned."
    const cap = this.view.maxAttendees;
    if (cap !== undefined && Array.isArray(out.attendees) && out.attendees.length > cap) {
      out = { ...out, attendees: out.attendees.filter((a) => a.self), attendeesOmitted: true };
    }
    if (tz) {
      for (const k of ['start', 'end', 'originalStartTime'] as const) {
        const w = out[k] as EventDateTime | undefined;
        if (w?.dateTime && !w.timeZone)
          out[k] = { ...w, dateTime: formatDateTime(parseRfc3339(w.dateTime), tz) };
      }
    }
    return out;
  }

  private exceptionsOf(cal: CalendarState, masterId: string): Map<number | string, Stored> {
    let m = cal.exceptions.get(masterId);
    if (!m) {
      m = new Map();
      cal.exceptions.set(masterId, m);
    }
    return m;
  }

  private maxResults(value: number | undefined): number {
    if (value === undefined) return 250;
    if (!Number.isInteger(value) || value < 1) throw Errors.invalidParameter('maxResults');
    return Math.min(value, 2500);
  }

  private syncToken(cal: CalendarState, pos: number): string {
    return this.tokens.encode({
      k: 's',
      c: cal.id,
      p: pos,
      e: this.epoch,
      g: cal.gen,
      t: this.options.now(),
    });
  }

  private checkFresh(cal: CalendarState, t: SyncTokenPayload | PageTokenPayload): void {
    if (t.e !== this.epoch || t.g !== cal.gen) throw Errors.fullSyncRequired();
    const maxAge = this.options.syncTokenMaxAgeMs;
    if (maxAge !== undefined && this.options.now() - t.t > maxAge) throw Errors.fullSyncRequired();
    if (t.k === 's' && t.p > cal.seq) throw Errors.fullSyncRequired();
  }

  private decodePage(cal: CalendarState, token: string, queryHash: string): PageTokenPayload {
    const page = this.tokens.decode(token);
    if (page?.k !== 'p' || page.c !== cal.id || page.q !== queryHash) throw Errors.invalidPageToken();
    if (page.e !== this.epoch || page.g !== cal.gen) throw Errors.fullSyncRequired();
    // A purge removed events this page token may still have counted on.
    if (page.t < cal.purgedAt) throw Errors.fullSyncRequired();
    return page;
  }

  /** Page tokens are bound to the query: every parameter except the paging ones. */
  private queryHash(params: ListParams): string {
    const { pageToken: _p, maxResults: _m, ...rest } = params as Record<string, unknown>;
    const keys = Object.keys(rest)
      .filter((k) => rest[k] !== undefined)
      .sort();
    return JSON.stringify(keys.map((k) => [k, rest[k]]));
  }

  private makeFilter(params: ListParams): Filter {
    const timeMin = params.timeMin !== undefined ? parseRfc3339(params.timeMin) : undefined;
    const timeMax = params.timeMax !== undefined ? parseRfc3339(params.timeMax) : undefined;
    const updatedMin = params.updatedMin !== undefined ? parseRfc3339(params.updatedMin) : undefined;
    if (Number.isNaN(timeMin)) throw Errors.invalidParameter('timeMin', 'Bad Request');
    if (Number.isNaN(timeMax)) throw Errors.invalidParameter('timeMax', 'Bad Request');
    if (Number.isNaN(updatedMin)) throw Errors.invalidParameter('updatedMin', 'Bad Request');
    if (timeMin !== undefined && timeMax !== undefined && timeMin >= timeMax) throw Errors.timeRangeEmpty();
    const horizon = this.options.updatedMinHorizonMs;
    if (updatedMin !== undefined && horizon !== undefined && updatedMin < this.options.now() - horizon)
      throw Errors.updatedMinTooLongAgo();
    const q = params.q?.toLowerCase();
    const types = asList(params.eventTypes);
    const priv = asList(params.privateExtendedProperty).map((s) => s.split('='));
    const shared = asList(params.sharedExtendedProperty).map((s) => s.split('='));
    return (ev, startMs, endMs, includeCancelled) => {
      if (ev.status === 'cancelled' && !params.showDeleted && updatedMin === undefined && !includeCancelled)
        return false;
      if (timeMin !== undefined && !(endMs > timeMin || (endMs === startMs && startMs >= timeMin)))
        return false;
      if (timeMax !== undefined && !(startMs < timeMax)) return false;
      if (updatedMin !== undefined && ev.us / 1000 < updatedMin) return false;
      if (params.iCalUID !== undefined && ev.data.iCalUID !== params.iCalUID) return false;
      if (types.length && !types.includes((ev.data.eventType as string) ?? 'default')) return false;
      const ext = ev.data.extendedProperties as
        | { private?: Record<string, string>; shared?: Record<string, string> }
        | undefined;
      for (const [k, v] of priv) if (ext?.private?.[k] !== v) return false;
      for (const [k, v] of shared) if (ext?.shared?.[k] !== v) return false;
      if (q) {
        const d = ev.data;
        const hay = [
          d.summary,
          d.description,
          d.location,
          ...(d.attendees ?? []).flatMap((a) => [a.email, a.displayName]),
        ]
          .filter(Boolean)
          .join('\n')
          .toLowerCase();
        if (!q.split(/\s+/).every((w) => hay.includes(w))) return false;
      }
      return true;
    };
  }
}

type Filter = (ev: Stored, startMs: number, endMs: number, includeCancelled?: boolean) => boolean;

function etagMatches(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((s) => s.trim())
    .some((s) => s === '*' || s === etag || s === etag.replace(/"/g, '') || s.replace(/^W\//, '') === etag);
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch) || !isPlainObject(target)) return patch;
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function insertAfter<T extends Record<string, unknown>>(
  obj: T,
  after: string,
  key: string,
  value: unknown,
): T {
  const out: Record<string, unknown> = {};
  let placed = false;
  for (const [k, v] of Object.entries(obj)) {
    out[k] = v;
    if (k === 'email' && !('displayName' in obj)) {
      out[key] = value;
      placed = true;
    }
    if (k === after) {
      out[key] = value;
      placed = true;
    }
  }
  if (!placed) out[key] = value;
  return out as T;
}

/** An expansion bound safely past every exception's original start (moved exceptions move at most a year). */
function maxKey(m: Map<number | string, Stored>): number {
  let max = 0;
  for (const exc of m.values())
    max = Math.max(max, exc.startMs, typeof exc.origKey === 'number' ? exc.origKey : 0);
  return max + 366 * 86_400_000;
}

/** Google sends `nextPageToken`/`nextSyncToken` before `items` (fixtures §1); keep that key order. */
function itemsLast(list: EventsList): EventsList {
  const { items, ...rest } = list;
  return { ...rest, items };
}

/** Collection etag: an opaque 16-character `p3…` string that changes with the calendar (fixtures §6). */
function collectionEtag(cal: CalendarState): string {
  const n = (cal.seq * 2654435761 + cal.gen) >>> 0;
  return `"p3${n.toString(32).padStart(14, '0').slice(-14)}"`;
}

export { GoogleApiError };

/** An opaque quoted etag derived from a change time (calendars, ACL rules, list entries). */
function opaqueEtag(us: number): string {
  return `"${Buffer.from(String(us)).toString('base64url')}"`;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Push deliveries only ever go to this machine. */
export function isLoopbackUrl(address: string): boolean {
  let u: URL;
  try {
    u = new URL(address);
  } catch {
    return false;
  }
  return (
    (u.protocol === 'http:' || u.protocol === 'https:') &&
    (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]')
  );
}

function channelResource(ch: Channel): ChannelResource {
  const out: ChannelResource = {
    kind: 'api#channel',
    id: ch.id,
    resourceId: ch.resourceId,
    resourceUri: ch.resourceUri,
  };
  if (ch.token !== undefined) out.token = ch.token;
  out.expiration = String(ch.expiration);
  return out;
}

interface Journal {
  wiped: boolean;
  events: Set<Stored>;
  calendars: Set<string>;
  removed: Set<string>;
  /** [calendar id, event id] of purged tombstones */
  purged: [string, string][];
}

function newJournal(wiped: boolean): Journal {
  return { wiped, events: new Set(), calendars: new Set(), removed: new Set(), purged: [] };
}

/** One stored event as a plain record (derived fields — times, parsed rule — are recomputed on import). */
export interface EventRecord {
  cal: string;
  id: string;
  /** absent for a copy that shares its organizer's data (`shared`) */
  data?: EventResource;
  shared?: boolean;
  imported?: boolean;
  /** a copy's own reminders */
  reminders?: unknown;
  status: string;
  us: number;
  createdMs: number;
  logPos: number;
  organizerCal: string;
  masterId?: string;
  origKey?: number | string;
  orphan?: boolean;
  removedByOwner?: boolean;
  movedAway?: boolean;
}

/** A calendar's counters; its change log is rebuilt from the events' positions (`logPos`). */
export interface CalendarRecord {
  id: string;
  gen: number;
  updatedMs: number;
  seq: number;
  purgedAt: number;
}

export interface EngineSnapshot {
  format: 'conference-sync-calendar-emulator/1';
  secret?: string;
  epoch: number;
  lastUs: number;
  calendars: CalendarRecord[];
  events: EventRecord[];
  directory: {
    metas: (Omit<CalendarMeta, 'acl'> & { acl: AclRule[] })[];
    lists: [string, ListEntry[]][];
  };
  channels: Channel[];
}

export interface EngineDelta {
  wiped: boolean;
  removed: string[];
  purged: [string, string][];
  calendars: CalendarRecord[];
  events: EventRecord[];
  epoch: number;
  lastUs: number;
  directory: EngineSnapshot['directory'];
  channels: Channel[];
}

function eventRecord(ev: Stored, org?: Stored): EventRecord {
  const sharing = ev.shared && org?.data === ev.data;
  const r: EventRecord = {
    cal: ev.cal.id,
    id: ev.id,
    data: sharing ? undefined : ev.data,
    status: ev.status,
    us: ev.us,
    createdMs: ev.createdMs,
    logPos: ev.logPos,
    organizerCal: ev.organizerCal,
  };
  if (ev.masterId !== undefined) r.masterId = ev.masterId;
  if (ev.origKey !== undefined) r.origKey = ev.origKey;
  if (ev.orphan) r.orphan = true;
  if (ev.removedByOwner) r.removedByOwner = true;
  if (ev.movedAway) r.movedAway = true;
  if (ev.imported) r.imported = true;
  // A shared copy is stored as a reference to its organizer's data: O(attendees) on disk too.
  if (sharing) r.shared = true;
  if (ev.shared) r.reminders = ev.ownReminders;
  return r;
}

/** The index of the first element of a sorted array that is greater than `value`. */
function firstAfter(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A copy's own reminders (a shared attendee copy keeps them apart from the organizer's data). */
function remindersOf(ev: Stored): unknown {
  return ev.shared ? ev.ownReminders : (ev.data.reminders ?? { useDefault: true });
}
