/**
 * End-to-end harness: the BUILT add-on (dist/Code.js) in the local Apps Script runtime
 * (local/apps-script-runtime), over the project's real stand-ins: the Calendar emulator engine (one in-process
 * engine per test, shared by every user, on the test's virtual clock) and the reference conference server (one
 * child process per test file, reached over real HTTP by the runtime's UrlFetchApp).
 *
 * Every execution (a createConference call, a trigger run) loads the bundle afresh into a fresh global scope, as
 * Apps Script starts each execution; what survives between executions is what survives in Apps Script: the user's
 * and the script's properties, the installed triggers, Calendar and the conference server.
 *
 * E2E_VERBOSE=1 echoes the bundle's console lines, each marked with the test it belongs to; E2E_DIST=<dir> runs
 * the tier against another build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Conference } from '../../contracts/conference-api';
import {
  AppsScriptRuntime,
  type BuiltConferenceData,
  calendarConferenceData,
  type FetchRecord,
  type LogLine,
  type PropertyData,
  type TriggerRecord,
  VirtualClock,
} from '../../local/apps-script-runtime';
import { CalendarEngine } from '../../local/calendar-emulator/engine';
import { ConferenceApiError, ConferenceClient } from '../../local/conference-server/client';
import { type SpawnedConferenceServer, spawnConferenceServer } from '../../local/conference-server/spawn';

export {
  appsScriptException,
  type BuiltConferenceData,
  type FetchRecord,
  type LogLine,
  MAX_PROPERTY_STORE_BYTES,
  MAX_PROPERTY_VALUE_BYTES,
  requestFailedMessage,
} from '../../local/apps-script-runtime';

/** The built add-on; E2E_DIST points the tier at another build (e.g. a deliberately broken copy). */
export const DIST = process.env.E2E_DIST ?? join(__dirname, '..', '..', 'dist');
export const ALICE = 'alice@example.com';
export const BOB = 'bob@example.com';
export const CAROL = 'carol@example.com';
export const API_KEY = 'sk_e2e_7c1d9a4be05f';

// ---------------------------------------------------------------------------------------------------------------
// The conference server (one child process per test file)

export interface ConferenceServer {
  baseUrl: string;
  client: ConferenceClient;
  process: SpawnedConferenceServer;
  stop(): Promise<void>;
}

/** Spawns the real CLI (`--db :memory:`, port 0, admin endpoints on). */
export async function startConferenceServer(): Promise<ConferenceServer> {
  const child = await spawnConferenceServer({ apiKey: API_KEY, db: ':memory:', port: 0, enableAdmin: true });
  return {
    baseUrl: child.baseUrl,
    client: new ConferenceClient({ baseUrl: child.baseUrl, apiKey: API_KEY }),
    process: child,
    async stop() {
      const stopped = child.stop('SIGTERM');
      const timer = setTimeout(() => child.child.kill('SIGKILL'), 5000);
      await stopped;
      clearTimeout(timer);
    },
  };
}

/** The conference as the server holds it now, or null when the server says 404. */
export async function conferenceOrNull(client: ConferenceClient, id: string): Promise<Conference | null> {
  try {
    return await client.getConference(id);
  } catch (e) {
    if (e instanceof ConferenceApiError && e.status === 404) return null;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The world of one test, and each user's add-on

export interface SyncReport {
  calendarId: string;
  mode: 'incremental' | 'full';
  fullSyncReason?: string;
  pages: number;
  eventsSeen: number;
  updated: number;
  deleted: number;
  occurrencesChanged: number;
  unchanged: number;
  notOurs: number;
  retried: number;
  failures: Array<{ eventId: string; message: string; willRetry: boolean }>;
  tokenStored: boolean;
  incomplete?: string;
}

/** A read-only view of a property store, for assertions (never counted as the script's calls). */
export interface StoreView {
  getProperty(key: string): string | null;
  getProperties(): Record<string, string>;
  getKeys(): string[];
}

const view = (data: PropertyData): StoreView => ({
  getProperty: (key) => data.data.get(key) ?? null,
  getProperties: () => Object.fromEntries(data.data),
  getKeys: () => [...data.data.keys()],
});

/** A write the add-on's Calendar service made (Calendar.Events.patch/update/insert/remove/move), as Calendar got it. */
export interface CalendarWrite {
  user: string;
  method: 'patch' | 'update' | 'insert' | 'delete' | 'move';
  calendarId: string;
  eventId?: string;
  body?: Record<string, any>;
  params: Record<string, unknown>;
  ifMatch?: string;
}

export class E2EWorld {
  readonly engine: CalendarEngine;
  readonly runtime: AppsScriptRuntime;
  private readonly addOns = new Map<string, AddOn>();
  /** Every event write the add-on made in Calendar (not the test's own edits), in order. */
  readonly calendarWrites: CalendarWrite[] = [];
  /**
   * Called just before each of the add-on's Calendar writes reaches the engine (after it read the event): a test
   * makes a concurrent user edit here. The test's own engine calls inside the hook are not recorded.
   */
  beforeCalendarWrite: ((write: CalendarWrite) => void) | undefined;
  private executionDepth = 0;
  private inHook = false;

  constructor(
    readonly server: ConferenceServer,
    readonly clock = new VirtualClock(Date.parse('2026-11-25T12:00:00Z')),
    testName = '',
  ) {
    this.engine = new CalendarEngine({ now: clock.now, secret: 'e2e-secret', defaultTimeZone: 'UTC' });
    this.runtime = new AppsScriptRuntime({
      distDir: DIST,
      calendar: { engine: this.engine },
      clock,
      scriptProperties: { CONFERENCE_API_BASE_URL: server.baseUrl, CONFERENCE_API_KEY: API_KEY },
      onLog: process.env.E2E_VERBOSE
        ? (l) => process.stdout.write(`[${testName}] [${l.user} #${l.execution} ${l.level}] ${l.text}\n`)
        : undefined,
    });
    this.watchCalendarWrites();
  }

  /** Wraps the runtime's executions and the engine's event writes so that the add-on's own writes are recorded. */
  private watchCalendarWrites(): void {
    const runtime = this.runtime;
    const execute = runtime.execute.bind(runtime);
    runtime.execute = ((...args: Parameters<AppsScriptRuntime['execute']>) => {
      this.executionDepth++;
      try {
        return execute(...args);
      } finally {
        this.executionDepth--;
      }
    }) as AppsScriptRuntime['execute'];
    const engine = this.engine as unknown as Record<string, (...a: any[]) => unknown>;
    const shapes: Record<CalendarWrite['method'], (a: any[]) => Omit<CalendarWrite, 'user' | 'method'>> = {
      patch: ([, c, e, b, p, cond]) => ({
        calendarId: c,
        eventId: e,
        body: b,
        params: p ?? {},
        ifMatch: cond?.ifMatch,
      }),
      update: ([, c, e, b, p, cond]) => ({
        calendarId: c,
        eventId: e,
        body: b,
        params: p ?? {},
        ifMatch: cond?.ifMatch,
      }),
      insert: ([, c, b, p]) => ({ calendarId: c, eventId: b?.id, body: b, params: p ?? {} }),
      delete: ([, c, e, p, cond]) => ({ calendarId: c, eventId: e, params: p ?? {}, ifMatch: cond?.ifMatch }),
      move: ([, c, e, d, p]) => ({ calendarId: c, eventId: e, params: { ...(p ?? {}), destination: d } }),
    };
    for (const method of Object.keys(shapes) as Array<CalendarWrite['method']>) {
      const original = engine[method].bind(engine);
      engine[method] = (...args: any[]) => {
        if (this.executionDepth > 0 && !this.inHook) {
          const write: CalendarWrite = { user: args[0], method, ...shapes[method](args) };
          this.calendarWrites.push(write);
          if (this.beforeCalendarWrite) {
            this.inHook = true;
            try {
              this.beforeCalendarWrite(write);
            } finally {
              this.inHook = false;
            }
          }
        }
        return original(...args);
      };
    }
  }

  /**
   * Moves the virtual clock forward by `ms`, running the time-driven triggers at the moments they fall due (as Apps
   * Script does), then any still due. Returns how many ran.
   */
  advance(ms: number): number {
    return this.runtime.advance(ms) + this.runtime.runDueTimeTriggers();
  }

  /** The executions that ended with an error (a trigger's failure is recorded, not thrown). */
  failedExecutions(): Array<{ id: number; functionName: string; error: string }> {
    return this.runtime.executions
      .filter((e) => e.error !== undefined)
      .map((e) => ({ id: e.id, functionName: e.functionName, error: e.error! }));
  }

  /** The add-on's homepage card for `user`, as the runtime's CardService renders it. */
  homepage(user: string): { json: Record<string, unknown>; html: string } {
    return this.runtime.homepage(user);
  }

  /** Sets (or, for undefined, deletes) Script Properties, as an administrator does in Project Settings. */
  setScriptProperties(properties: Record<string, string | undefined>): void {
    const store = this.runtime.services(ALICE).PropertiesService.getScriptProperties();
    for (const [key, value] of Object.entries(properties)) {
      if (value === undefined) store.deleteProperty(key);
      else store.setProperty(key, value);
    }
  }

  /** Provider requests made after the first `since` ones. */
  fetchesSince(since: number): FetchRecord[] {
    return this.fetches.slice(since);
  }

  /** Every UrlFetchApp request so far. */
  get fetches(): FetchRecord[] {
    return this.runtime.fetches;
  }
  get logs(): LogLine[] {
    return this.runtime.logs;
  }
  get executions(): number {
    return this.runtime.executions.length;
  }
  get triggers(): TriggerRecord[] {
    return this.runtime.triggers();
  }
  /** See AppsScriptRuntime.onFetch: a hook to interleave a second execution into a running one. */
  set onFetch(hook: ((record: FetchRecord) => void) | undefined) {
    this.runtime.onFetch = hook;
  }

  /** The add-on as installed by `user` (their own user properties, triggers and lock). */
  addOn(user: string): AddOn {
    let addOn = this.addOns.get(user);
    if (!addOn) {
      addOn = new AddOn(this, user);
      this.addOns.set(user, addOn);
    }
    return addOn;
  }

  propertiesOf(user: string): StoreView {
    return view(this.runtime.userPropertiesOf(user));
  }

  /** Provider calls that change something (everything but GET), optionally only those of one user. */
  writes(user?: string): FetchRecord[] {
    return this.fetches.filter((f) => f.method !== 'GET' && (user === undefined || f.user === user));
  }

  /** The Apps Script services as `user`'s add-on sees them, outside any bundle (for the harness's own tests). */
  services(user: string): Record<string, any> {
    return this.runtime.services(user);
  }

  close(): Promise<void> {
    return this.runtime.close();
  }
}

export class AddOn {
  constructor(
    readonly world: E2EWorld,
    readonly user: string,
  ) {}

  /** Runs one execution: the bundle loaded afresh into fresh globals, locks released at the end. */
  execute<T>(fn: (app: Record<string, any>) => T): T {
    return this.world.runtime.execute(this.user, fn);
  }

  /** Calendar calling the manifest's onCreateFunction for an event (which may not exist yet). */
  createConference(calendarId: string, eventId: string): BuiltConferenceData {
    return this.world.runtime.createConference(this.user, calendarId, eventId);
  }

  initializeSyncing(calendarId: string): SyncReport | undefined {
    return this.world.runtime.call(this.user, 'initializeSyncing', [calendarId]);
  }

  /** This user's EventUpdated trigger of `calendarId`, or undefined when none is installed. */
  trigger(calendarId: string): TriggerRecord | undefined {
    return this.world.runtime
      .triggers(this.user)
      .find((t) => t.source === 'CALENDAR' && t.sourceId === calendarId);
  }

  /** Apps Script running the installed trigger: the handler gets only the calendar id (no event details). */
  fireTrigger(calendarId: string): SyncReport | undefined {
    const trigger = this.trigger(calendarId);
    if (!trigger) throw new Error(`${this.user} has no EventUpdated trigger for ${calendarId}`);
    return this.world.runtime.call(
      this.user,
      trigger.handler,
      [{ calendarId, authMode: 'FULL', triggerUid: trigger.uid }],
      { kind: 'trigger', cause: 'EventUpdated' },
    );
  }
}

/**
 * What Calendar puts on the event after the add-on's onCreateFunction returned `built` (fixtures §2.1 shape),
 * from the manifest of the build under test.
 */
export function eventConferenceData(built: BuiltConferenceData): Record<string, unknown> {
  return calendarConferenceData(JSON.parse(readFileSync(join(DIST, 'appsscript.json'), 'utf8')), built);
}

// ---------------------------------------------------------------------------------------------------------------
// Suite wiring

/**
 * Registers the hooks of one e2e test file: one conference server child process for the file (always stopped),
 * a fresh world (engine, runtime with its properties and triggers, clock) for each test, and the check that no
 * log line ever carries the API key.
 */
export function useE2E(): { server: () => ConferenceServer; world: () => E2EWorld } {
  let server: ConferenceServer | undefined;
  let world: E2EWorld | undefined;
  beforeAll(async () => {
    server = await startConferenceServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    await server!.client.clearFaults();
    world = new E2EWorld(server!, undefined, expect.getState().currentTestName ?? '');
  });
  afterEach(async () => {
    const leaked = world!.logs.filter((l) => l.text.includes(API_KEY));
    await world!.close();
    expect(leaked).toEqual([]);
  });
  return { server: () => server!, world: () => world! };
}
