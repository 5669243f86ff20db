/**
 * The local Apps Script runtime: runs the BUILT add-on (dist/Code.js and its manifest; never src/) the way Apps
 * Script does. One execution = a fresh global scope with the bundle loaded into it, for one user; what survives
 * between executions is what survives in Apps Script: properties, caches, triggers, Calendar and the conference
 * server. The runtime fires installed triggers itself: EventUpdated triggers after a change to their calendar
 * (watch.ts), time-driven ones on the runtime's clock. Every execution is recorded with its statistics and log.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vm from 'node:vm';
import type { CalendarEngine } from '../calendar-emulator/engine';
import { CacheData, cacheService } from './cache';
import { type CalendarBinding, calendarService } from './calendar';
import { type Card, cardService, renderCardHtml } from './card-service';
import { dateOn, RealClock, type RuntimeClock } from './clock';
import { type BuiltConferenceData, type ConferenceDataJson, conferenceDataService } from './conference-data';
import { appsScriptException, EXCEEDED_MAXIMUM_EXECUTION_TIME, NotModelledError } from './errors';
import { ExecutionContext, type ExecutionKind, type ExecutionStats, type LogLine } from './execution';
import { LockState, lockService } from './lock';
import { PropertyData, propertiesService } from './properties';
import { AuthMode, clockEvent, localScriptId, scriptApp, type TriggerRecord } from './script-app';
import { SyncHttp } from './sync-http';
import { type FetchRecord, urlFetchApp } from './url-fetch';
import { consoleFor, loggerFor, session, utilities } from './utilities';

/** 30 s for add-on callbacks (the often-cited figure; UNCONFIRMED in the reference), 6 min for triggers (§6). */
export const DEFAULT_LIMITS = { callbackMs: 30_000, triggerMs: 6 * 60_000 };

/** How many fetch records and log lines the runtime keeps. */
const MAX_KEPT = 10_000;

/** Apps Script services that exist but are not modelled: using one fails with an error naming it. */
const UNMODELLED_GLOBALS = [
  'SpreadsheetApp',
  'DocumentApp',
  'SlidesApp',
  'FormApp',
  'DriveApp',
  'GmailApp',
  'MailApp',
  'CalendarApp',
  'ContactsApp',
  'GroupsApp',
  'HtmlService',
  'ContentService',
  'XmlService',
  'Charts',
  'Maps',
  'Jdbc',
  'LanguageApp',
  'Browser',
  'DataStudioApp',
  'SitesApp',
  'ScriptProperties',
  'UserProperties',
];

export interface RuntimeOptions {
  /** The folder holding Code.js and appsscript.json (`npm run build` output). */
  distDir: string;
  /** Calendar: the emulator over HTTP (`rootUrl`, e.g. `http://127.0.0.1:PORT/`), or an in-process engine. */
  calendar: { rootUrl: string } | { engine: CalendarEngine };
  /** Default: the real clock. */
  clock?: RuntimeClock;
  limits?: Partial<typeof DEFAULT_LIMITS>;
  /** Script Properties set on start (kept over what a state file holds). */
  scriptProperties?: Record<string, string>;
  /** Properties and triggers are loaded from and written to this JSON file (after every change). */
  stateFile?: string;
  /** Each log line of every execution, as it is written. */
  onLog?(line: LogLine): void;
  /** Each UrlFetchApp request as it starts / once answered. */
  onFetch?(record: FetchRecord): void;
  onFetched?(record: FetchRecord): void;
  /** Each execution once it ended. */
  onExecution?(record: ExecutionRecord): void;
}

export interface ExecutionRecord {
  id: number;
  user: string;
  kind: ExecutionKind;
  /** The global function called (or '(direct)' for execute()). */
  functionName: string;
  /** What started it: 'EventUpdated', 'time-driven', 'calendar' (onCreateFunction), 'homepage', 'call'. */
  cause: string;
  /** Runtime clock at the start. */
  startedAt: number;
  durationMs: number;
  stats: ExecutionStats;
  logs: LogLine[];
  /** `Exception: …` as Apps Script's execution log shows a failure. */
  error?: string;
}

export interface Manifest {
  timeZone?: string;
  dependencies?: { enabledAdvancedServices?: Array<{ userSymbol: string; serviceId: string }> };
  addOns?: {
    common?: { homepageTrigger?: { runFunction?: string } };
    calendar?: {
      homepageTrigger?: { runFunction?: string };
      conferenceSolution?: Array<{ id: string; name: string; logoUrl?: string; onCreateFunction: string }>;
    };
  };
}

interface StateFile {
  version: 1;
  scriptProperties: Record<string, string>;
  userProperties: Record<string, Record<string, string>>;
  triggers: TriggerRecord[];
  triggerCounter: number;
}

export class AppsScriptRuntime {
  readonly clock: RuntimeClock;
  readonly manifest: Manifest;
  readonly limits: typeof DEFAULT_LIMITS;
  /** UrlFetchApp requests, oldest first (the last 10,000: a long-running playground must not grow without end). */
  readonly fetches: FetchRecord[] = [];
  /** Log lines of every execution, oldest first (the last 10,000). */
  readonly logs: LogLine[] = [];
  /** The most recent executions (at most 1,000). */
  readonly executions: ExecutionRecord[] = [];
  /**
   * Called as each UrlFetchApp request starts, while the calling execution is in the middle of its work (holding
   * its lock): a test can run another execution from here to interleave two executions as Apps Script may.
   */
  onFetch: ((record: FetchRecord) => void) | undefined;

  readonly scriptProperties = new PropertyData();
  private readonly userProperties = new Map<string, PropertyData>();
  private readonly scriptLock = new LockState();
  private readonly userLocks = new Map<string, LockState>();
  private readonly scriptCache = new CacheData();
  private readonly userCaches = new Map<string, CacheData>();
  private triggerList: TriggerRecord[] = [];
  private triggerCounter = 0;
  private executionCounter = 0;
  private readonly script: vm.Script;
  private readonly http = new SyncHttp();
  private readonly binding: CalendarBinding;
  private readonly scriptId: string;
  private clockTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RuntimeOptions) {
    this.clock = options.clock ?? new RealClock();
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const codePath = join(options.distDir, 'Code.js');
    const manifestPath = join(options.distDir, 'appsscript.json');
    if (!existsSync(codePath) || !existsSync(manifestPath)) {
      throw new Error(
        `no built add-on in ${options.distDir} (Code.js and appsscript.json): run npm run build`,
      );
    }
    this.manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    this.script = new vm.Script(readFileSync(codePath, 'utf8'), { filename: 'Code.js' });
    this.scriptId = localScriptId(options.distDir);
    this.binding =
      'engine' in options.calendar
        ? { kind: 'engine', engine: options.calendar.engine }
        : { kind: 'http', rootUrl: options.calendar.rootUrl, http: this.http };
    if (options.stateFile && existsSync(options.stateFile)) this.loadState(options.stateFile);
    if (options.scriptProperties) {
      const given = options.scriptProperties;
      this.scriptProperties.write((next) => {
        for (const [k, v] of Object.entries(given)) next.set(k, v);
      });
    }
    this.scriptProperties.onChange = () => this.saveState();
    for (const data of this.userProperties.values()) data.onChange = () => this.saveState();
    this.saveState();
  }

  // -------------------------------------------------------------------------------------------------------------
  // State

  /** One user's property store (created empty on first use). */
  userPropertiesOf(user: string): PropertyData {
    let data = this.userProperties.get(user);
    if (!data) {
      data = new PropertyData();
      data.onChange = () => this.saveState();
      this.userProperties.set(user, data);
    }
    return data;
  }

  /** Every installed trigger (copies), optionally of one user. */
  triggers(user?: string): TriggerRecord[] {
    return this.triggerList.filter((t) => user === undefined || t.user === user).map((t) => ({ ...t }));
  }

  private loadState(file: string): void {
    let state: StateFile;
    try {
      state = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(
        `the runtime's state file ${file} is not valid JSON (${(e as Error).message}); delete it or start with --fresh`,
      );
    }
    this.scriptProperties.load(state.scriptProperties ?? {});
    for (const [user, values] of Object.entries(state.userProperties ?? {}))
      this.userPropertiesOf(user).load(values);
    this.triggerList = state.triggers ?? [];
    this.triggerCounter = state.triggerCounter ?? 0;
  }

  private saveState(): void {
    const file = this.options.stateFile;
    if (!file) return;
    const state: StateFile = {
      version: 1,
      scriptProperties: this.scriptProperties.toJSON(),
      userProperties: Object.fromEntries([...this.userProperties].map(([u, d]) => [u, d.toJSON()])),
      triggers: this.triggerList,
      triggerCounter: this.triggerCounter,
    };
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(tmp, file);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Executions

  /** The globals of one execution: every modelled service, bound to that execution. */
  private globalsFor(execution: ExecutionContext): Record<string, unknown> {
    const user = execution.user;
    const registry = {
      list: () => this.triggerList,
      add: (record: Omit<TriggerRecord, 'uid'>) => {
        this.triggerCounter++;
        const full = { ...record, uid: String(4034124084959907000 + this.triggerCounter) };
        this.triggerList.push(full);
        this.saveState();
        return full;
      },
      remove: (uid: string) => {
        this.triggerList = this.triggerList.filter((t) => t.uid !== uid);
        this.saveState();
      },
    };
    const lockStates = {
      script: this.scriptLock,
      user: (email: string) => {
        const s = this.userLocks.get(email) ?? new LockState();
        this.userLocks.set(email, s);
        return s;
      },
    };
    const caches = {
      script: this.scriptCache,
      user: (email: string) => {
        const c = this.userCaches.get(email) ?? new CacheData();
        this.userCaches.set(email, c);
        return c;
      },
    };
    const globals: Record<string, unknown> = {
      UrlFetchApp: urlFetchApp(
        {
          http: this.http,
          onFetch: (record) => {
            this.fetches.push(record);
            if (this.fetches.length > MAX_KEPT) this.fetches.splice(0, this.fetches.length - MAX_KEPT);
            this.options.onFetch?.(record);
            this.onFetch?.(record);
          },
          onFetched: (record) => this.options.onFetched?.(record),
        },
        execution,
      ),
      PropertiesService: propertiesService(
        { script: this.scriptProperties, user: (email) => this.userPropertiesOf(email) },
        execution,
      ),
      LockService: lockService(lockStates, execution),
      CacheService: cacheService(caches, this.clock.now, execution),
      ScriptApp: scriptApp(
        { registry, now: this.clock.now, scriptId: this.scriptId, isAddOn: !!this.manifest.addOns },
        execution,
      ),
      ConferenceDataService: conferenceDataService,
      CardService: cardService,
      Utilities: utilities({ now: this.clock.now, sleep: (ms) => this.sleep(ms) }, execution),
      Session: session(user, this.manifest.timeZone ?? 'Etc/UTC'),
      Logger: loggerFor(execution),
      console: consoleFor(execution),
      // The bundle's `new Date()` / `Date.now()` read the runtime's clock, not the machine's.
      Date: dateOn(this.clock),
    };
    // Advanced services exist only when the manifest enables them, as in Apps Script.
    for (const s of this.manifest.dependencies?.enabledAdvancedServices ?? []) {
      if (s.serviceId === 'calendar') globals[s.userSymbol] = calendarService(this.binding, execution);
      else
        Object.defineProperty(globals, s.userSymbol, {
          get() {
            throw new NotModelledError(`the ${s.serviceId} advanced service (${s.userSymbol})`);
          },
        });
    }
    for (const name of UNMODELLED_GLOBALS) {
      Object.defineProperty(globals, name, {
        get() {
          throw new NotModelledError(name);
        },
      });
    }
    return globals;
  }

  private sleep(ms: number): void {
    if (this.clock.virtual) this.clock.advance(ms);
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  }

  private newExecution(user: string, kind: ExecutionKind): ExecutionContext {
    const limit = kind === 'trigger' ? this.limits.triggerMs : this.limits.callbackMs;
    return new ExecutionContext(
      ++this.executionCounter,
      user,
      kind,
      kind === 'direct' ? Number.POSITIVE_INFINITY : limit,
      this.clock.now,
      this.clock.virtual,
      (line) => {
        this.logs.push(line);
        if (this.logs.length > MAX_KEPT) this.logs.splice(0, this.logs.length - MAX_KEPT);
        this.options.onLog?.(line);
      },
    );
  }

  /**
   * Runs `body` in one execution of `user`: a fresh context with the bundle loaded, locks released at the end.
   * `body` gets the script's global scope (its functions). Throws what the script threw.
   */
  execute<T>(
    user: string,
    body: (app: Record<string, any>) => T,
    how: { kind?: ExecutionKind; functionName?: string; cause?: string } = {},
  ): T {
    const kind = how.kind ?? 'callback';
    const execution = this.newExecution(user, kind);
    const started = this.clock.now();
    const startedReal = performance.now();
    let error: unknown;
    try {
      const context = vm.createContext(this.globalsFor(execution));
      this.script.runInContext(context, {
        timeout: Number.isFinite(execution.limitMs) ? execution.limitMs : undefined,
      });
      return body(context);
    } catch (e) {
      error = timeoutToException(e);
      throw error;
    } finally {
      execution.end();
      const record: ExecutionRecord = {
        id: execution.id,
        user,
        kind,
        functionName: how.functionName ?? '(direct)',
        cause: how.cause ?? 'call',
        startedAt: started,
        durationMs: Math.round(performance.now() - startedReal),
        stats: execution.stats,
        logs: execution.logs,
        ...(error === undefined ? {} : { error: describeError(error) }),
      };
      this.executions.push(record);
      if (this.executions.length > 1000) this.executions.splice(0, this.executions.length - 1000);
      this.options.onExecution?.(record);
    }
  }

  /** Calls one global function of the bundle in a new execution, under the kind's time limit. */
  call<T = unknown>(
    user: string,
    functionName: string,
    args: unknown[] = [],
    how: { kind?: ExecutionKind; cause?: string } = {},
  ): T {
    const kind = how.kind ?? 'callback';
    return this.execute(
      user,
      (app) => {
        if (typeof app[functionName] !== 'function') {
          throw new Error(`the add-on (dist/Code.js) has no global function ${functionName}`);
        }
        const limit = kind === 'trigger' ? this.limits.triggerMs : this.limits.callbackMs;
        app.__localRuntimeCall = () => app[functionName](...args);
        try {
          // The vm timeout also stops code that never calls a service (a busy loop).
          return vm.runInContext('__localRuntimeCall()', app, { timeout: limit }) as T;
        } finally {
          delete app.__localRuntimeCall;
        }
      },
      { kind, functionName, cause: how.cause ?? 'call' },
    );
  }

  /** The Apps Script services as `user`'s script would see them, outside any bundle and without a time limit. */
  services(user: string): Record<string, any> {
    return this.globalsFor(this.newExecution(user, 'direct'));
  }

  // -------------------------------------------------------------------------------------------------------------
  // What Calendar does

  /** Calendar calling the conference solution's onCreateFunction for an event (which may not exist yet). */
  createConference(
    user: string,
    calendarId: string,
    eventId: string,
    solutionId?: string,
  ): BuiltConferenceData {
    const solutions = this.manifest.addOns?.calendar?.conferenceSolution ?? [];
    const solution = solutionId ? solutions.find((s) => s.id === solutionId) : solutions[0];
    if (!solution) throw new Error(`the manifest has no conference solution ${solutionId ?? ''}`.trim());
    return this.call(user, solution.onCreateFunction, [{ eventData: { calendarId, eventId } }], {
      cause: 'calendar',
    });
  }

  /**
   * What Calendar puts on the event after the onCreateFunction returned `built`: the solution's key, name and icon
   * from the manifest, and the add-on's id, entry points and parameters. A ConferenceError is refused.
   */
  calendarConferenceData(built: BuiltConferenceData): Record<string, unknown> {
    return calendarConferenceData(this.manifest, built);
  }

  /** The homepage card (manifest homepageTrigger) of `user`, as JSON and as HTML. */
  homepage(user: string): { json: Record<string, unknown>; html: string } {
    const fn =
      this.manifest.addOns?.calendar?.homepageTrigger?.runFunction ??
      this.manifest.addOns?.common?.homepageTrigger?.runFunction;
    if (!fn) throw new Error('the manifest has no homepageTrigger');
    const event = {
      commonEventObject: {
        hostApp: 'CALENDAR',
        platform: 'WEB',
        userLocale: 'en',
        timeZone: { id: 'UTC', offset: 0 },
      },
    };
    const returned = this.call<Card | Card[]>(user, fn, [event], { cause: 'homepage' });
    const card = Array.isArray(returned) ? returned[0] : returned;
    if (!card || typeof (card as Card).json !== 'object')
      throw new Error(`${fn} did not return a built Card`);
    return { json: card.json, html: renderCardHtml(card.json) };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Triggers

  /** Runs every EventUpdated trigger installed for `calendarId` (of every user, or one), as Apps Script does. */
  fireEventUpdated(
    calendarId: string,
    onlyUser?: string,
  ): Array<{ user: string; result?: unknown; error?: string }> {
    const due = this.triggerList.filter(
      (t) =>
        t.source === 'CALENDAR' &&
        t.sourceId === calendarId &&
        (onlyUser === undefined || t.user === onlyUser),
    );
    return due.map((t) =>
      this.runTrigger(t, { calendarId, authMode: AuthMode.FULL, triggerUid: t.uid }, 'EventUpdated'),
    );
  }

  /** Runs one trigger; its failure is recorded (as in Apps Script's executions list), not thrown. */
  private runTrigger(
    t: TriggerRecord,
    event: unknown,
    cause: string,
  ): { user: string; result?: unknown; error?: string } {
    try {
      return { user: t.user, result: this.call(t.user, t.handler, [event], { kind: 'trigger', cause }) };
    } catch (e) {
      return { user: t.user, error: describeError(e) };
    }
  }

  /** Fires every time-driven trigger due by the runtime's clock (each once, even if several runs were missed). */
  runDueTimeTriggers(): number {
    const now = this.clock.now();
    const due = this.triggerList
      .filter((t) => t.source === 'CLOCK' && t.nextRunAt !== undefined && t.nextRunAt <= now)
      .sort((a, b) => (a.nextRunAt ?? 0) - (b.nextRunAt ?? 0));
    for (const t of due) {
      const at = t.nextRunAt ?? now;
      if (t.everyMs) {
        let next = at + t.everyMs;
        while (next <= now) next += t.everyMs;
        t.nextRunAt = next;
      } else this.triggerList = this.triggerList.filter((x) => x !== t);
      this.saveState();
      this.runTrigger(t, clockEvent(t.uid, at), 'time-driven');
    }
    return due.length;
  }

  /**
   * Moves the clock forward by `ms`, firing time-driven triggers at the moments they fall due (on a virtual
   * clock the clock stops at each; on the real clock the runtime's offset grows and due triggers fire once).
   */
  advance(ms: number): number {
    const target = this.clock.now() + ms;
    let fired = 0;
    for (;;) {
      const next = Math.min(
        ...this.triggerList
          .filter((t) => t.source === 'CLOCK' && t.nextRunAt !== undefined)
          .map((t) => t.nextRunAt as number),
      );
      if (!(next <= target)) break;
      const now = this.clock.now();
      if (next > now) this.clock.advance(next - now);
      fired += this.runDueTimeTriggers();
    }
    const now = this.clock.now();
    if (target > now) this.clock.advance(target - now);
    return fired;
  }

  /** On the real clock: checks for due time-driven triggers every second until close(). */
  startClock(intervalMs = 1000): void {
    if (this.clockTimer) return;
    this.clockTimer = setInterval(() => this.runDueTimeTriggers(), intervalMs);
    this.clockTimer.unref();
  }

  async close(): Promise<void> {
    if (this.clockTimer) clearInterval(this.clockTimer);
    this.clockTimer = undefined;
    await this.http.close();
  }
}

/**
 * What Calendar puts on the event after the onCreateFunction returned `built`: the solution's key, name and icon
 * from the manifest, and the add-on's id, entry points and parameters. A ConferenceError is refused.
 */
export function calendarConferenceData(
  manifest: Manifest,
  built: BuiltConferenceData,
): Record<string, unknown> {
  const json = JSON.parse(built.printJson()) as ConferenceDataJson;
  if (json.error)
    throw new Error(`createConference returned a ConferenceError: ${JSON.stringify(json.error)}`);
  const solutions = manifest.addOns?.calendar?.conferenceSolution ?? [];
  const solution = solutions.find((s) => s.id === json.conferenceSolutionId);
  if (!solution) throw new Error(`no conference solution ${json.conferenceSolutionId} in the manifest`);
  return {
    entryPoints: json.entryPoints,
    conferenceSolution: {
      key: { type: 'addOn' },
      name: solution.name,
      ...(solution.logoUrl ? { iconUri: solution.logoUrl } : {}),
    },
    conferenceId: json.conferenceId,
    ...(json.notes ? { notes: json.notes } : {}),
    ...(json.parameters ? { parameters: json.parameters } : {}),
  };
}

function timeoutToException(e: unknown): unknown {
  if ((e as { code?: string })?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
    return appsScriptException(EXCEEDED_MAXIMUM_EXECUTION_TIME);
  return e;
}

/** A failure as Apps Script's execution log shows it (`Exception: …`, `TypeError: …`). */
export function describeError(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) {
    const err = e as Error;
    return `${err.name ?? 'Error'}: ${err.message}`;
  }
  return String(e);
}
