/**
 * The model-based test's world: one CalendarEngine on a virtual clock; users alice, bob (attendee copies) and
 * carol, each with their own add-on (a CalendarPort over the engine acting as that user, a property store, the
 * shared FuzzProvider seen as that user, a lock) driven the way src/index.ts drives the core: createConference,
 * a serialized sync per EventUpdated trigger, and an hourly sweep over every calendar in the user's state.
 */
import type { Conference } from '../../contracts/conference-api';
import { CalendarEngine } from '../../local/calendar-emulator/engine';
import { createConferenceForEvent } from '../../src/core/createConference';
import { CalendarApiError, SyncTokenRejectedError } from '../../src/core/errors';
import type {
  CalendarPort,
  EventsPage,
  ListEventsRequest,
  LockPort,
  LogPort,
  SyncOptions,
  SyncPorts,
} from '../../src/core/ports';
import type { RerunRequests } from '../../src/core/serializedSync';
import { runSerializedSync } from '../../src/core/serializedSync';
import { RERUN_PREFIX, UserState } from '../../src/core/state';
import { syncCalendar } from '../../src/core/syncCalendar';
import { conferenceDataJson } from '../../src/platform/conferenceData';
import { MemoryStateStore } from '../addon/fakes/MemoryStateStore';
import { FuzzProvider } from './provider';

export const USERS = ['alice@example.com', 'bob@example.com', 'carol@example.com'] as const;
export type User = (typeof USERS)[number];
export const START = Date.parse('2027-03-01T08:00:00Z');
const MAX_SYNCS_PER_LOCK = 3;

/** Engine errors translated as src/platform/calendarPort.ts translates Apps Script's. */
function translate(e: unknown, withSyncToken: boolean): Error {
  const err = e as { code?: number; message?: string; reason?: string };
  const status = typeof err?.code === 'number' ? err.code : undefined;
  const message = String(err?.message ?? e);
  if (withSyncToken && status === 410) return new SyncTokenRejectedError('expired', message, { cause: e });
  if (withSyncToken && status === 400 && /Invalid sync token value/i.test(message))
    return new SyncTokenRejectedError('invalid', message, { cause: e });
  const retryable = status === 429 || (status !== undefined && status >= 500);
  return new CalendarApiError(message, { status, reason: err?.reason, retryable }, { cause: e });
}

export class EngineCalendarPort implements CalendarPort {
  /** Calendar faults: the next N reads fail with this status. */
  faults: number[] = [];
  constructor(
    private readonly engine: CalendarEngine,
    private readonly user: string,
  ) {}

  private fault(): void {
    const status = this.faults.shift();
    if (status !== undefined)
      throw new CalendarApiError(`injected ${status}`, {
        status,
        retryable: status === 429 || status >= 500,
      });
  }

  listEvents(calendarId: string, request: ListEventsRequest): EventsPage {
    this.fault();
    let list: { items?: unknown[]; nextPageToken?: string; nextSyncToken?: string };
    try {
      list = this.engine.list(this.user, calendarId, {
        maxResults: request.maxResults,
        showDeleted: true,
        ...(request.syncToken === undefined ? {} : { syncToken: request.syncToken }),
        ...(request.pageToken === undefined ? {} : { pageToken: request.pageToken }),
        ...(request.timeMin === undefined ? {} : { timeMin: request.timeMin }),
      }) as typeof list;
    } catch (e) {
      throw translate(e, request.syncToken !== undefined);
    }
    const page: EventsPage = { items: JSON.parse(JSON.stringify(list.items ?? [])) };
    if (process.env.FUZZ_LOG)
      for (const item of page.items as Array<{
        id?: string;
        status?: string;
        conferenceData?: { conferenceId?: string };
      }>)
        console.log(
          `  listed ${calendarId} ${item.id} ${item.status ?? ''} ${item.conferenceData?.conferenceId ?? ''}`,
        );
    if (list.nextPageToken) page.nextPageToken = list.nextPageToken;
    if (list.nextSyncToken) page.nextSyncToken = list.nextSyncToken;
    return page;
  }

  getEvent(calendarId: string, eventId: string): unknown | null {
    this.fault();
    try {
      return JSON.parse(JSON.stringify(this.engine.get(this.user, calendarId, eventId)));
    } catch (e) {
      const error = translate(e, false);
      if (error instanceof CalendarApiError && error.status === 404) return null;
      throw error;
    }
  }

  listWritableCalendars(): string[] {
    this.fault();
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      let list: { items?: Array<{ id: string; deleted?: boolean }>; nextPageToken?: string };
      try {
        list = this.engine.listCalendarList(this.user, {
          minAccessRole: 'writer',
          showHidden: true,
          ...(pageToken === undefined ? {} : { pageToken }),
        }) as typeof list;
      } catch (e) {
        throw translate(e, false);
      }
      for (const entry of list.items ?? []) if (!entry.deleted) ids.push(entry.id);
      pageToken = list.nextPageToken || undefined;
    } while (pageToken !== undefined);
    return ids;
  }

  writeConference(
    calendarId: string,
    eventId: string,
    conference: Conference,
    etag: string,
  ): { kind: 'written'; etag?: string } | { kind: 'changed' } {
    this.fault();
    try {
      const event = this.engine.patch(
        this.user,
        calendarId,
        eventId,
        { conferenceData: conferenceDataJson(conference) },
        { conferenceDataVersion: 1 },
        { ifMatch: etag },
      );
      return { kind: 'written', etag: event.etag };
    } catch (e) {
      const error = translate(e, false);
      if (error instanceof CalendarApiError && error.status === 412) return { kind: 'changed' };
      throw error;
    }
  }
}

export class CapturingLog implements LogPort {
  readonly lines: string[] = [];
  info(message: string): void {
    this.push('info', message);
  }
  warn(message: string): void {
    this.push('warn', message);
  }
  error(message: string): void {
    this.push('error', message);
  }
  private push(level: string, message: string): void {
    // FUZZ_LOG=1 prints the add-on's log while replaying a counterexample.
    if (process.env.FUZZ_LOG) console.log(`${level}: ${message}`);
    if (this.lines.length < 2000) this.lines.push(`${level}: ${message}`);
  }
}

/** One user's lock: a nested attempt while it is held gives up at once (the wait ran out). */
class FuzzLock implements LockPort {
  held = false;
  withLock<T>(_timeoutMs: number, fn: () => T): T | undefined {
    if (this.held) return undefined;
    this.held = true;
    try {
      return fn();
    } finally {
      this.held = false;
    }
  }
}

export interface AddOn {
  user: User;
  calendar: EngineCalendarPort;
  store: MemoryStateStore;
  lock: FuzzLock;
  ports: SyncPorts;
}

export class World {
  readonly START = START;
  now = START;
  readonly engine: CalendarEngine;
  readonly provider: FuzzProvider;
  readonly log = new CapturingLog();
  readonly addOns: Record<User, AddOn>;
  /** Changes to the provider configuration (the "key fix" of a 401 window). */
  configVersion = 0;
  /** The next sync runs with a tiny provider time budget (cut mid-run). */
  cutNext = false;
  /** The next trigger sync finds another trigger arriving while it holds the lock. */
  contendNext = false;
  /** Provider calls take virtual time, so a time budget can run out. */
  readonly msPerProviderCall = 3000;

  constructor() {
    const clock = { now: () => this.now };
    this.engine = new CalendarEngine({ now: clock.now, secret: 'fuzz-secret', defaultTimeZone: 'UTC' });
    this.provider = new FuzzProvider(clock);
    const addOns = {} as Record<User, AddOn>;
    for (const user of USERS) {
      const calendar = new EngineCalendarPort(this.engine, user);
      const store = new MemoryStateStore();
      const base = this.provider.portFor(user);
      const provider = {
        create: (input: Parameters<typeof base.create>[0]) => {
          this.now += this.msPerProviderCall;
          return base.create(input);
        },
        executeAll: (calls: Parameters<typeof base.executeAll>[0]) => {
          this.now += this.msPerProviderCall;
          return base.executeAll(calls);
        },
      };
      addOns[user] = {
        user,
        calendar,
        store,
        lock: new FuzzLock(),
        ports: { calendar, provider, state: store, clock, log: this.log },
      };
    }
    this.addOns = addOns;
  }

  advance(ms: number): void {
    this.now += ms;
  }

  private nonce = 0;

  /** The EventUpdated trigger of `user` for `calendarId` (runSerializedSync + syncCalendar, as src/index.ts). */
  trigger(user: User, calendarId: string, followMoves = true): void {
    const addOn = this.addOns[user];
    const reruns: RerunRequests = {
      request: (id) => addOn.store.writeAll({ [`${RERUN_PREFIX}${id}`]: `n${++this.nonce}` }),
    };
    const options = {
      configFingerprint: `config-${this.configVersion}`,
      ...(this.cutNext ? { providerTimeBudgetMs: 1 } : {}),
    };
    this.cutNext = false;
    try {
      const moved = this.serialized(addOn, reruns, calendarId, options);
      // As src/index.ts (followMovedEvents): the calendar an event moved to is synced at once.
      if (followMoves) for (const id of new Set(moved)) this.trigger(user, id, false);
    } catch (e) {
      // As src/index.ts: logged; the next trigger or sweep runs again.
      this.log.error(`sync of ${calendarId} threw: ${String(e)}`);
    }
  }

  private serialized(
    addOn: AddOn,
    reruns: RerunRequests,
    calendarId: string,
    options: Partial<SyncOptions>,
  ): string[] {
    const user = addOn.user;
    const outcome = runSerializedSync(
      addOn.lock,
      addOn.store,
      reruns,
      calendarId,
      { lockWaitMs: 30000, maxRunsPerLock: MAX_SYNCS_PER_LOCK },
      (id, state, serves) => {
        if (this.contendNext) {
          this.contendNext = false;
          // Another change's trigger arrives now: it leaves its request and hands over to this holder.
          this.trigger(user, id);
        }
        return syncCalendar(addOn.ports, id, options, { state, serves });
      },
    );
    return outcome.kind === 'ran' ? outcome.results.flatMap((run) => run.result.movedTo) : [];
  }

  /** The calendars in this user's add-on state (where the user has a trigger and the sweep goes). */
  calendarsOf(user: User): string[] {
    return new UserState(this.addOns[user].store.readAll()).calendarIds();
  }

  /** The hourly sweep: one sync of every calendar in this user's state. */
  sweep(user: User): void {
    const ids = new UserState(this.addOns[user].store.readAll()).calendarIds();
    for (const id of ids) this.trigger(user, id);
  }

  /** Calendar's onCreateFunction, then the add-on's ensureSyncing. */
  createConference(user: User, calendarId: string, eventId: string) {
    const addOn = this.addOns[user];
    const result = createConferenceForEvent(addOn.ports, calendarId, eventId);
    const cal = new UserState(addOn.store.readAll()).peek(calendarId);
    if (cal.token === null && cal.cursor === null) this.trigger(user, calendarId);
    return result;
  }
}
