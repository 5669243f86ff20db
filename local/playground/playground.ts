/**
 * The playground: the built add-on running in the local Apps Script runtime for alice@example.com and
 * bob@example.com, against a Calendar emulator and a conference server started as child processes. Holds what
 * the page and the demo act through (what Calendar's UI does: create an event with Conference Sync, edit, move,
 * cancel one occurrence, delete, remove the conference; fast-forward the clock), the live log, and the snapshot
 * of every event beside its conference.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  AppsScriptRuntime,
  CalendarWatcher,
  type ExecutionRecord,
  type FetchRecord,
  RealClock,
} from '../apps-script-runtime';
import type { EventResource } from '../calendar-emulator/engine';
import { ConferenceClient } from '../conference-server/client';
import { CalendarClient } from './calendar-client';
import { type Child, REPO_ROOT, startChild } from './processes';
import { type EventRow, eventRows, type GoneRow, goneRows } from './sync-check';

export const ALICE = 'alice@example.com';
export const BOB = 'bob@example.com';
export const USERS = [ALICE, BOB];

export interface LogEntry {
  seq: number;
  at: string;
  kind: 'step' | 'execution' | 'fetch' | 'watch' | 'action' | 'info' | 'error';
  user?: string;
  text: string;
}

export interface PlaygroundOptions {
  /** Where the conference database and the runtime's state file live (git-ignored). */
  stateDir: string;
  fresh: boolean;
  apiKey: string;
  /** Each log entry as it happens (npm start prints them). */
  onLog?(entry: LogEntry): void;
}

export interface NewEvent {
  summary: string;
  /** RFC 3339 with offset, e.g. 2026-12-03T10:00:00+01:00. */
  start: string;
  end: string;
  timeZone?: string;
  attendees?: string[];
  recurrence?: string[];
}

export interface Snapshot {
  clock: string;
  users: Array<{ user: string; rows: EventRow[]; card?: string; cardError?: string }>;
  gone: GoneRow[];
}

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';
/** An event id as Calendar's UI makes one before calling the onCreateFunction (base32hex, 26 characters). */
export function newEventId(): string {
  return [...randomBytes(26)].map((b) => BASE32HEX[b & 31]).join('');
}

export class Playground {
  readonly runtime: AppsScriptRuntime;
  readonly calendar: CalendarClient;
  readonly conferences: ConferenceClient;
  readonly watcher: CalendarWatcher;
  /** Conferences created through this playground: conference id → its event. */
  readonly created = new Map<string, { user: string; eventId: string }>();
  readonly log: LogEntry[] = [];
  private readonly listeners = new Set<(entry: LogEntry) => void>();
  private seq = 0;

  private constructor(
    readonly options: PlaygroundOptions,
    readonly emulator: Child,
    readonly conferenceServer: Child,
  ) {
    this.calendar = new CalendarClient(emulator.url);
    this.conferences = new ConferenceClient({
      baseUrl: `${conferenceServer.url}/api`,
      apiKey: options.apiKey,
    });
    this.runtime = new AppsScriptRuntime({
      distDir: join(REPO_ROOT, 'dist'),
      calendar: { rootUrl: `${emulator.url}/` },
      clock: new RealClock(),
      stateFile: join(options.stateDir, 'runtime-state.json'),
      scriptProperties: {
        CONFERENCE_API_BASE_URL: this.conferenceBaseUrl,
        CONFERENCE_API_KEY: options.apiKey,
      },
      onFetched: (f) => this.logFetch(f),
      onExecution: (r) => this.logExecution(r),
    });
    this.watcher = new CalendarWatcher({
      rootUrl: emulator.url,
      runtime: this.runtime,
      onFire: (calendarId, changes) =>
        this.emit(
          'watch',
          `change in ${calendarId}'s calendar (${changes}) → its EventUpdated triggers fire`,
        ),
      onError: (calendarId, message) => this.emit('error', `watching ${calendarId}: ${message}`),
    });
  }

  /** Starts both servers, the runtime with the add-on installed for alice and bob, and the trigger machinery. */
  static async start(options: PlaygroundOptions): Promise<Playground> {
    if (options.fresh && existsSync(options.stateDir))
      rmSync(options.stateDir, { recursive: true, force: true });
    mkdirSync(options.stateDir, { recursive: true });
    const emulator = await startChild(
      'calendar emulator',
      join(REPO_ROOT, 'local/calendar-emulator/main.ts'),
      ['--port', '0'],
    );
    let conferenceServer: Child;
    try {
      conferenceServer = await startChild(
        'conference server',
        join(REPO_ROOT, 'local/conference-server/main.ts'),
        ['--port', '0', '--db', join(options.stateDir, 'conferences.db')],
        // The key goes through the environment, so it is not visible in `ps`.
        { CONFERENCE_API_KEY: options.apiKey },
      );
    } catch (e) {
      await emulator.stop();
      throw e;
    }
    const playground = new Playground(options, emulator, conferenceServer);
    try {
      // "Installed for alice and bob": each one's calendar trigger and first sync, as initializeSyncing does.
      for (const user of USERS)
        playground.runtime.call(user, 'initializeSyncing', [user], { cause: 'install' });
      await playground.watcher.pollOnce();
      playground.watcher.start();
      playground.runtime.startClock();
    } catch (e) {
      await playground.stop();
      throw e;
    }
    return playground;
  }

  get emulatorUrl(): string {
    return `${this.emulator.url}/`;
  }
  get conferenceBaseUrl(): string {
    return `${this.conferenceServer.url}/api`;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Log

  subscribe(listener: (entry: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(kind: LogEntry['kind'], text: string, user?: string): void {
    // Defence in depth: nothing the playground logs may carry the API key, whatever produced the text.
    const safe = text.split(this.options.apiKey).join('[redacted]');
    const entry: LogEntry = {
      seq: ++this.seq,
      at: new Date().toISOString(),
      kind,
      text: safe,
      ...(user ? { user } : {}),
    };
    this.log.push(entry);
    if (this.log.length > 1000) this.log.splice(0, this.log.length - 1000);
    this.options.onLog?.(entry);
    for (const l of this.listeners) l(entry);
  }

  private logFetch(f: FetchRecord): void {
    const path = f.url.startsWith(this.conferenceBaseUrl)
      ? f.url.slice(this.conferenceBaseUrl.length)
      : f.url;
    this.emit(
      'fetch',
      `${f.method} ${path} → ${f.status}${f.batch ? ` (fetchAll #${f.batch})` : ''}`,
      f.user,
    );
  }

  private logExecution(r: ExecutionRecord): void {
    if (r.cause === 'homepage') return;
    const calls = [
      ...Object.entries(r.stats.calendar).map(([m, n]) => `Calendar.${m}×${n}`),
      r.stats.fetch ? `fetch×${r.stats.fetch}` : '',
      r.stats.fetchAll.length ? `fetchAll[${r.stats.fetchAll.join(',')}]` : '',
    ].filter(Boolean);
    const problems = r.logs
      .filter((l) => l.level === 'error' || l.level === 'warn')
      .map((l) => l.text.slice(0, 160));
    this.emit(
      r.error ? 'error' : 'execution',
      `${r.functionName} (${r.cause}) ${r.durationMs} ms${calls.length ? ` · ${calls.join(' · ')}` : ''}${r.error ? ` · ${r.error}` : ''}${problems.length ? ` · ${problems.join(' | ')}` : ''}`,
      r.user,
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // What Calendar's UI does

  /** The user picks Conference Sync in a new event and saves it: onCreateFunction, then insert with its data. */
  async createEventWithConference(
    user: string,
    e: NewEvent,
  ): Promise<{ event: EventResource; eventId: string; conferenceId: string }> {
    const id = newEventId();
    const built = this.runtime.createConference(user, user, id);
    const conferenceData = this.runtime.calendarConferenceData(built);
    const conferenceId = String(conferenceData.conferenceId);
    this.created.set(conferenceId, { user, eventId: id });
    const timeZone = e.timeZone ?? 'Europe/Paris';
    const event = await this.calendar.insert(user, user, {
      id,
      summary: e.summary,
      start: { dateTime: e.start, timeZone },
      end: { dateTime: e.end, timeZone },
      attendees: [
        { email: user, organizer: true, responseStatus: 'accepted' },
        ...(e.attendees ?? [])
          .filter((a) => a !== user)
          .map((email) => ({ email, responseStatus: 'needsAction' })),
      ],
      ...(e.recurrence ? { recurrence: e.recurrence } : {}),
      conferenceData,
    });
    return { event, eventId: id, conferenceId };
  }

  edit(user: string, eventId: string, patch: Record<string, unknown>): Promise<EventResource> {
    return this.calendar.patch(user, user, eventId, patch);
  }

  /** Moves an event (or one occurrence) by `minutes`, keeping its length and time zone. */
  async move(user: string, eventId: string, minutes: number): Promise<EventResource> {
    const event = await this.calendar.get(user, user, eventId);
    const shift = (t: { dateTime?: string; timeZone?: string } | undefined) => ({
      dateTime: new Date(Date.parse(t?.dateTime ?? '') + minutes * 60_000)
        .toISOString()
        .replace('.000Z', 'Z'),
      ...(t?.timeZone ? { timeZone: t.timeZone } : {}),
    });
    if (!event.start?.dateTime) throw new Error('moving all-day events is not offered by the playground');
    return this.calendar.patch(user, user, eventId, { start: shift(event.start), end: shift(event.end) });
  }

  /** The instances of a series (or, given one, that occurrence) — for "cancel one occurrence". */
  async instances(user: string, eventId: string): Promise<EventResource[]> {
    return (await this.calendar.instances(user, user, eventId)).items;
  }

  cancelOccurrence(user: string, instanceId: string): Promise<void> {
    return this.calendar.remove(user, user, instanceId);
  }

  remove(user: string, eventId: string): Promise<void> {
    return this.calendar.remove(user, user, eventId);
  }

  removeConference(user: string, eventId: string): Promise<EventResource> {
    return this.calendar.patch(user, user, eventId, { conferenceData: null });
  }

  /** Moves the runtime's clock on by `ms`, firing the time-driven triggers that fall due. */
  fastForward(ms: number): number {
    const fired = this.runtime.advance(ms);
    this.emit(
      'action',
      `clock fast-forwarded ${Math.round(ms / 60_000)} min → ${new Date(this.runtime.clock.now()).toISOString()}; ${fired} time-driven trigger run(s)`,
    );
    return fired;
  }

  // -------------------------------------------------------------------------------------------------------------
  // State

  async snapshot(withCards = true): Promise<Snapshot> {
    const users: Snapshot['users'] = [];
    const live = new Set<string>();
    for (const user of USERS) {
      const rows = await eventRows(this.calendar, this.conferences, user);
      for (const r of rows) if (r.conferenceId) live.add(r.conferenceId);
      const entry: Snapshot['users'][number] = { user, rows };
      if (withCards) {
        try {
          entry.card = this.runtime.homepage(user).html;
        } catch (e) {
          entry.cardError = (e as Error).message;
        }
      }
      users.push(entry);
    }
    return {
      clock: new Date(this.runtime.clock.now()).toISOString(),
      users,
      gone: await goneRows(this.conferences, this.created, live),
    };
  }

  /** Everything this playground created or shows: how many conferences, and how many are out of step. */
  async verdict(): Promise<{ total: number; outOfSync: number; snapshot: Snapshot }> {
    const snapshot = await this.snapshot(false);
    const seen = new Map<string, boolean>();
    for (const u of snapshot.users)
      for (const r of u.rows)
        if (r.conferenceId) seen.set(r.conferenceId, (seen.get(r.conferenceId) ?? true) && r.inSync === true);
    for (const g of snapshot.gone) seen.set(g.conferenceId, g.inSync);
    const outOfSync = [...seen.values()].filter((ok) => !ok).length;
    return { total: seen.size, outOfSync, snapshot };
  }

  async stop(): Promise<void> {
    await this.watcher.stop();
    await this.runtime.close();
    await Promise.all([this.emulator.stop(), this.conferenceServer.stop()]);
  }
}
