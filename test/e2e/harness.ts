/**
 * End-to-end harness: the BUILT add-on (dist/Code.js) loaded by gas-local, as Apps Script loads it, over the
 * project's real stand-ins: the Calendar emulator engine (one in-process engine per test, shared by every user)
 * and the reference conference server (one child process per test file, reached over real HTTP through a
 * synchronous UrlFetchApp). The Apps Script services the bundle names (PropertiesService, LockService, ScriptApp,
 * ConferenceDataService, console) are small faithful stand-ins following shared/reference/apps-script-services.md.
 *
 * Every execution (a createConference call, a trigger run) loads the bundle afresh into a fresh global scope, as
 * Apps Script starts each execution; what survives between executions is what survives in Apps Script: the user's
 * and the script's properties, the installed triggers, Calendar and the conference server.
 *
 * E2E_VERBOSE=1 echoes the bundle's console lines; E2E_DIST=<dir> runs the tier against another build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as gas from 'gas-local';
import type { Conference } from '../../contracts/conference-api';
import { appsScriptEvents, CalendarEngine } from '../../local/calendar-emulator/engine';
import { ConferenceApiError, ConferenceClient } from '../../local/conference-server/client';
import { type SpawnedConferenceServer, spawnConferenceServer } from '../../local/conference-server/spawn';
import { isLoopbackUrl, type SyncFailure, SyncHttp } from './syncHttp';

/** The built add-on; E2E_DIST points the tier at another build (e.g. a deliberately broken copy). */
export const DIST = process.env.E2E_DIST ?? join(__dirname, '..', '..', 'dist');
export const ALICE = 'alice@example.com';
export const BOB = 'bob@example.com';
export const CAROL = 'carol@example.com';
export const API_KEY = 'sk_e2e_7c1d9a4be05f';

/** Errors of Apps Script's built-in services: `name === 'Exception'`, message without prefix. */
export function appsScriptException(message: string): Error {
  const error = new Error(message);
  error.name = 'Exception';
  return error;
}

// ---------------------------------------------------------------------------------------------------------------
// Clock

/** A clock that only moves when told to; shared by the engine and the bundle's `Date`. */
export class FakeClock {
  constructor(private ms: number) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
  iso(): string {
    return new Date(this.ms).toISOString();
  }
}

/** A `Date` whose `new Date()` and `Date.now()` read the fake clock; everything else is the real Date. */
export function dateOn(clock: FakeClock): DateConstructor {
  class ClockDate extends Date {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.now());
      else super(...(args as [string]));
    }
    static now(): number {
      return clock.now();
    }
  }
  return ClockDate as unknown as DateConstructor;
}

// ---------------------------------------------------------------------------------------------------------------
// The conference server (one child process per test file)

export interface ConferenceServer {
  baseUrl: string;
  client: ConferenceClient;
  http: SyncHttp;
  process: SpawnedConferenceServer;
  stop(): Promise<void>;
}

/** Spawns the real CLI (`--db :memory:`, port 0, admin endpoints on) and the fetch worker. */
export async function startConferenceServer(): Promise<ConferenceServer> {
  const child = await spawnConferenceServer({ apiKey: API_KEY, db: ':memory:', port: 0, enableAdmin: true });
  const http = new SyncHttp();
  return {
    baseUrl: child.baseUrl,
    client: new ConferenceClient({ baseUrl: child.baseUrl, apiKey: API_KEY }),
    http,
    process: child,
    async stop() {
      await http.close();
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
// PropertiesService

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
/** "9 KB / val" (quotas page). */
export const MAX_PROPERTY_VALUE_BYTES = 9 * 1024;
/** "500 KB / property store"; keys count toward it. */
export const MAX_PROPERTY_STORE_BYTES = 500 * 1024;

export class PropertiesStore {
  readonly data = new Map<string, string>();
  writes = 0;

  getProperty(key: string): string | null {
    return this.data.get(String(key)) ?? null;
  }
  getProperties(): Record<string, string> {
    return Object.fromEntries(this.data);
  }
  getKeys(): string[] {
    return [...this.data.keys()];
  }
  setProperty(key: string, value: unknown): this {
    return this.setProperties({ [key]: value as string });
  }
  setProperties(properties: Record<string, unknown>, deleteAllOthers = false): this {
    const next = new Map(deleteAllOthers ? [] : this.data);
    for (const [key, raw] of Object.entries(properties)) {
      const value = String(raw);
      if (utf8(value) > MAX_PROPERTY_VALUE_BYTES) throw appsScriptException('Argument too large: value');
      next.set(key, value);
    }
    let total = 0;
    for (const [k, v] of next) total += utf8(k) + utf8(v);
    if (total > MAX_PROPERTY_STORE_BYTES) {
      throw appsScriptException(
        'You have exceeded the property storage quota. Please remove some properties and try again.',
      );
    }
    this.data.clear();
    for (const [k, v] of next) this.data.set(k, v);
    this.writes++;
    return this;
  }
  deleteProperty(key: string): this {
    this.data.delete(String(key));
    return this;
  }
  deleteAllProperties(): this {
    this.data.clear();
    return this;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// LockService

class LockState {
  holder: object | null = null;
}

/** One handle of a user (or script) lock; Apps Script releases it when the execution ends. */
export class Lock {
  constructor(
    private readonly state: LockState,
    private readonly execution: Execution,
  ) {}
  tryLock(_timeoutMs: number): boolean {
    if (this.state.holder === this) return true;
    // Executions here are sequential: a lock held by another handle is never released while we wait.
    if (this.state.holder !== null) return false;
    this.state.holder = this;
    this.execution.heldLocks.add(this);
    return true;
  }
  waitLock(timeoutMs: number): void {
    if (!this.tryLock(timeoutMs))
      throw appsScriptException('Lock timeout: another process was holding the lock for too long.');
  }
  hasLock(): boolean {
    return this.state.holder === this;
  }
  releaseLock(): void {
    if (this.state.holder === this) this.state.holder = null;
    this.execution.heldLocks.delete(this);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// ScriptApp

export const EventType = {
  CLOCK: 'CLOCK',
  ON_CHANGE: 'ON_CHANGE',
  ON_EDIT: 'ON_EDIT',
  ON_EVENT_UPDATED: 'ON_EVENT_UPDATED',
  ON_FORM_SUBMIT: 'ON_FORM_SUBMIT',
  ON_OPEN: 'ON_OPEN',
} as const;
export const TriggerSource = {
  CALENDAR: 'CALENDAR',
  CLOCK: 'CLOCK',
  DOCUMENTS: 'DOCUMENTS',
  FORMS: 'FORMS',
  SPREADSHEETS: 'SPREADSHEETS',
} as const;
export const AuthMode = {
  CUSTOM_FUNCTION: 'CUSTOM_FUNCTION',
  FULL: 'FULL',
  LIMITED: 'LIMITED',
  NONE: 'NONE',
};

export class Trigger {
  constructor(
    readonly user: string,
    private readonly handler: string,
    private readonly sourceId: string,
    private readonly uniqueId: string,
  ) {}
  getHandlerFunction(): string {
    return this.handler;
  }
  getTriggerSourceId(): string {
    return this.sourceId;
  }
  getUniqueId(): string {
    return this.uniqueId;
  }
  getEventType(): string {
    return EventType.ON_EVENT_UPDATED;
  }
  getTriggerSource(): string {
    return TriggerSource.CALENDAR;
  }
}

const MAX_TRIGGERS_PER_USER = 20;

function scriptAppFor(world: E2EWorld, user: string) {
  const mine = () => world.triggers.filter((t) => t.user === user);
  return {
    EventType,
    TriggerSource,
    AuthMode,
    getProjectTriggers: () => mine(),
    deleteTrigger(trigger: Trigger) {
      const i = world.triggers.indexOf(trigger);
      if (i >= 0) world.triggers.splice(i, 1);
    },
    newTrigger(handler: string) {
      return {
        forUserCalendar(calendarId: string) {
          return {
            onEventUpdated() {
              return {
                create(): Trigger {
                  if (mine().length >= MAX_TRIGGERS_PER_USER) {
                    throw appsScriptException(
                      'This script has too many triggers. Triggers must be deleted from the script before more can be added.',
                    );
                  }
                  const trigger = new Trigger(
                    user,
                    String(handler),
                    String(calendarId),
                    world.nextTriggerUid(),
                  );
                  world.triggers.push(trigger);
                  return trigger;
                },
              };
            },
          };
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// ConferenceDataService

export const EntryPointType = { VIDEO: 'VIDEO', PHONE: 'PHONE', MORE: 'MORE', SIP: 'SIP' } as const;
export const ConferenceErrorType = {
  AUTHENTICATION: 'AUTHENTICATION',
  CONFERENCE_SOLUTION_FORBIDDEN: 'CONFERENCE_SOLUTION_FORBIDDEN',
  PERMANENT: 'PERMANENT',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  TEMPORARY: 'TEMPORARY',
  UNKNOWN: 'UNKNOWN',
} as const;

/** What a built ConferenceData holds, in the Calendar API's `conferenceData` vocabulary. */
export interface ConferenceDataJson {
  conferenceSolutionId?: string;
  conferenceId?: string;
  entryPoints?: Array<Record<string, string>>;
  parameters?: { addOnParameters: { parameters: Record<string, string> } };
  notes?: string;
  error?: { conferenceErrorType: string; authenticationUrl?: string };
}

/** Builder validation failures (the real texts are not known: shared/reference §9 marks them UNCONFIRMED). */
const invalid = (what: string) =>
  appsScriptException(`Invalid argument: ${what} (e2e ConferenceDataService)`);

class EntryPoint {
  readonly fields: Record<string, string> = {};
  setEntryPointType(type: string) {
    this.fields.entryPointType = String(type).toLowerCase();
    return this;
  }
  setUri(uri: string) {
    this.fields.uri = String(uri);
    return this;
  }
  setPin(v: string) {
    return this.code('pin', v);
  }
  setPasscode(v: string) {
    return this.code('passcode', v);
  }
  setAccessCode(v: string) {
    return this.code('accessCode', v);
  }
  setMeetingCode(v: string) {
    return this.code('meetingCode', v);
  }
  setPassword(v: string) {
    return this.code('password', v);
  }
  setRegionCode(v: string) {
    this.fields.regionCode = String(v);
    return this;
  }
  private code(name: string, value: string) {
    if (String(value).length > 128) throw invalid(`${name} longer than 128 characters`);
    this.fields[name] = String(value);
    return this;
  }
  validate(): Record<string, string> {
    const { entryPointType: type, uri } = this.fields;
    if (!type) throw invalid('entry point without a type');
    if (!uri) throw invalid('entry point without a uri');
    if (uri.length > 1300) throw invalid('entry point uri longer than 1300 characters');
    const schemes: Record<string, RegExp> = {
      video: /^https?:/,
      more: /^https?:/,
      phone: /^tel:/,
      sip: /^sip:/,
    };
    if (!schemes[type]?.test(uri)) throw invalid(`${type} entry point uri with the wrong scheme`);
    return { ...this.fields };
  }
}

class ConferenceParameter {
  key?: string;
  value?: string;
  setKey(key: string) {
    if (String(key).length > 50) throw invalid('parameter key longer than 50 characters');
    this.key = String(key);
    return this;
  }
  setValue(value: string) {
    if (String(value).length > 1024) throw invalid('parameter value longer than 1024 characters');
    this.value = String(value);
    return this;
  }
}

class ConferenceError {
  type?: string;
  authenticationUrl?: string;
  setConferenceErrorType(type: string) {
    this.type = String(type);
    return this;
  }
  setAuthenticationUrl(url: string) {
    this.authenticationUrl = String(url);
    return this;
  }
}

export class BuiltConferenceData {
  constructor(readonly json: ConferenceDataJson) {}
  printJson(): string {
    return JSON.stringify(this.json);
  }
}

class ConferenceDataBuilder {
  private solutionId?: string;
  private conferenceId?: string;
  private readonly entryPoints: EntryPoint[] = [];
  private readonly parameters: ConferenceParameter[] = [];
  private error?: ConferenceError;
  private notes?: string;

  setConferenceSolutionId(id: string) {
    this.solutionId = String(id);
    return this;
  }
  setConferenceId(id: string) {
    if (String(id).length > 512) throw invalid('conference id longer than 512 characters');
    this.conferenceId = String(id);
    return this;
  }
  addEntryPoint(entryPoint: EntryPoint) {
    if (this.entryPoints.length >= 300) throw invalid('more than 300 entry points');
    this.entryPoints.push(entryPoint);
    return this;
  }
  addConferenceParameter(parameter: ConferenceParameter) {
    if (this.parameters.length >= 300) throw invalid('more than 300 parameters');
    this.parameters.push(parameter);
    return this;
  }
  setError(error: ConferenceError) {
    this.error = error;
    return this;
  }
  setNotes(notes: string) {
    if (String(notes).length > 2048) throw invalid('notes longer than 2048 characters');
    this.notes = String(notes);
    return this;
  }
  build(): BuiltConferenceData {
    if (!this.solutionId) throw invalid('no conference solution id');
    const json: ConferenceDataJson = { conferenceSolutionId: this.solutionId };
    if (this.error) {
      if (!this.error.type) throw invalid('conference error without a type');
      json.error = { conferenceErrorType: this.error.type };
      if (this.error.authenticationUrl) json.error.authenticationUrl = this.error.authenticationUrl;
      return new BuiltConferenceData(json);
    }
    if (!this.conferenceId) throw invalid('no conference id');
    if (this.entryPoints.length === 0) throw invalid('no entry point');
    json.conferenceId = this.conferenceId;
    json.entryPoints = this.entryPoints.map((e) => e.validate());
    const kinds = json.entryPoints.map((e) => e.entryPointType);
    for (const unique of ['video', 'sip', 'more']) {
      if (kinds.filter((k) => k === unique).length > 1) throw invalid(`more than one ${unique} entry point`);
    }
    if (this.parameters.length > 0) {
      const parameters: Record<string, string> = {};
      for (const p of this.parameters) {
        if (p.key === undefined || p.value === undefined) throw invalid('parameter without key or value');
        parameters[p.key] = p.value;
      }
      json.parameters = { addOnParameters: { parameters } };
    }
    if (this.notes !== undefined) json.notes = this.notes;
    return new BuiltConferenceData(json);
  }
}

export const conferenceDataService = {
  EntryPointType,
  ConferenceErrorType,
  EntryPointFeature: { UNKNOWN_FEATURE: 'UNKNOWN_FEATURE', TOLL: 'TOLL', TOLL_FREE: 'TOLL_FREE' },
  newConferenceDataBuilder: () => new ConferenceDataBuilder(),
  newEntryPoint: () => new EntryPoint(),
  newConferenceParameter: () => new ConferenceParameter(),
  newConferenceError: () => new ConferenceError(),
};

interface ManifestSolution {
  id: string;
  name: string;
  logoUrl?: string;
}

/**
 * What Calendar puts on the event after the add-on's onCreateFunction returned `built`: the solution's key, name
 * and icon from the manifest, and the add-on's id, entry points and parameters (fixtures §2.1 shape).
 */
export function eventConferenceData(built: BuiltConferenceData): Record<string, unknown> {
  const json = JSON.parse(built.printJson()) as ConferenceDataJson;
  if (json.error)
    throw new Error(`createConference returned a ConferenceError: ${JSON.stringify(json.error)}`);
  const manifest = JSON.parse(readFileSync(join(DIST, 'appsscript.json'), 'utf8'));
  const solutions: ManifestSolution[] = manifest.addOns?.calendar?.conferenceSolution ?? [];
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

// ---------------------------------------------------------------------------------------------------------------
// UrlFetchApp

export interface FetchRecord {
  user: string;
  method: string;
  url: string;
  /** HTTP status, or the failure when no response came back. */
  status: number | SyncFailure['failure'];
}

interface FetchParams {
  method?: string;
  headers?: Record<string, string>;
  payload?: unknown;
  contentType?: string;
  muteHttpExceptions?: boolean;
  followRedirects?: boolean;
  timeoutSeconds?: number;
}

class HttpResponse {
  constructor(
    private readonly status: number,
    private readonly headerList: Array<[string, string]>,
    private readonly body: Uint8Array,
  ) {}
  getResponseCode(): number {
    return this.status;
  }
  getContentText(charset?: string): string {
    const encoding = (charset ?? 'utf-8').toLowerCase().replace('_', '-');
    return Buffer.from(this.body).toString(encoding === 'utf-8' ? 'utf8' : (encoding as BufferEncoding));
  }
  /** Signed Java bytes, as Apps Script returns them. */
  getContent(): number[] {
    return [...this.body].map((b) => (b > 127 ? b - 256 : b));
  }
  getHeaders(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of this.headerList) out[name] = value;
    return out;
  }
  getAllHeaders(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of this.headerList) {
      const held = out[name];
      out[name] = held === undefined ? value : Array.isArray(held) ? [...held, value] : [held, value];
    }
    return out;
  }
}

const METHODS = ['get', 'delete', 'patch', 'post', 'put'];

function encodePayload(payload: unknown): { body?: Uint8Array; defaultType?: string } {
  if (payload === undefined || payload === null) return {};
  if (typeof payload === 'string') return { body: Buffer.from(payload, 'utf8') };
  if (Array.isArray(payload)) return { body: Uint8Array.from(payload as number[], (b) => b & 0xff) };
  if (typeof payload === 'object') {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(payload as Record<string, unknown>)) form.append(k, String(v));
    return { body: Buffer.from(form.toString(), 'utf8'), defaultType: 'application/x-www-form-urlencoded' };
  }
  return { body: Buffer.from(String(payload), 'utf8') };
}

/** "Request failed for <origin> returned code N. Truncated server response: …" (reference §13 #1). */
export function requestFailedMessage(url: string, status: number, body: string): string {
  const shown = body.length > 147 ? `${body.slice(0, 147)}...` : body;
  return (
    `Request failed for ${new URL(url).origin} returned code ${status}. ` +
    `Truncated server response: ${shown} (use muteHttpExceptions option to examine full response)`
  );
}

interface FetchAllRequest extends FetchParams {
  url: string;
}

function urlFetchAppFor(world: E2EWorld, user: string) {
  /** Validates and records one request; throws what Apps Script throws before sending anything. */
  const prepare = (url: string, params: FetchParams) => {
    if (typeof url !== 'string' || url === '') throw appsScriptException(`Invalid argument: ${url}`);
    if (url.length > 2082) throw appsScriptException('Limit Exceeded: URLFetch URL Length.');
    const method = String(params.method ?? 'get').toLowerCase();
    if (!METHODS.includes(method)) throw appsScriptException(`Invalid argument: method`);
    const record: FetchRecord = { user, method: method.toUpperCase(), url, status: 'refused' };
    world.fetches.push(record);
    world.onFetch?.(record);
    return { url, params, method, record };
  };
  /** Sends one prepared request; throws for a failure, and for status >= 400 unless muteHttpExceptions. */
  const send = ({ url, params, method, record }: ReturnType<typeof prepare>): HttpResponse => {
    // The harness reaches only the local stand-ins; anything else is refused as an unreachable address.
    if (!isLoopbackUrl(url)) throw appsScriptException(`Address unavailable: ${url}`);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(params.headers ?? {})) headers[name] = String(value);
    const { body, defaultType } = method === 'get' ? {} : encodePayload(params.payload);
    if (body !== undefined) {
      const type = params.contentType ?? defaultType ?? 'application/x-www-form-urlencoded';
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['Content-Type'] = type;
    }
    const result = world.server.http.request({
      url,
      method: method.toUpperCase(),
      headers,
      body,
      followRedirects: params.followRedirects !== false,
      timeoutMs: (params.timeoutSeconds ?? 360) * 1000,
    });
    if ('failure' in result) {
      record.status = result.failure;
      if (result.failure === 'timeout') throw appsScriptException(`Timeout: ${url}`);
      throw appsScriptException(`Address unavailable: ${result.url}`);
    }
    record.status = result.status;
    const response = new HttpResponse(result.status, result.headers, result.body);
    if (result.status >= 400 && params.muteHttpExceptions !== true) {
      throw appsScriptException(requestFailedMessage(url, result.status, response.getContentText()));
    }
    return response;
  };
  return {
    fetch(url: string, params: FetchParams = {}): HttpResponse {
      return send(prepare(url, params));
    },
    /**
     * Every request validated first, then sent (sequentially here: the e2e tier needs the semantics, not the
     * speed); results in input order, and one failure without muteHttpExceptions throws and discards them all.
     */
    fetchAll(requests: Array<string | FetchAllRequest>): HttpResponse[] {
      if (!Array.isArray(requests)) throw appsScriptException('Invalid argument: requests');
      const prepared = requests.map((r) => {
        if (typeof r === 'string') return prepare(r, {});
        if (r === null || typeof r !== 'object') throw appsScriptException(`Invalid argument: ${r}`);
        const { url, ...params } = r;
        return prepare(url, params);
      });
      return prepared.map(send);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// console

export interface LogLine {
  user: string;
  level: 'log' | 'info' | 'warn' | 'error';
  text: string;
}

function consoleFor(world: E2EWorld, user: string) {
  const write =
    (level: LogLine['level']) =>
    (...args: unknown[]) => {
      const text = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      world.logs.push({ user, level, text });
      if (process.env.E2E_VERBOSE) process.stdout.write(`[${user} ${level}] ${text}\n`);
    };
  return { log: write('log'), info: write('info'), warn: write('warn'), error: write('error') };
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

/** One Apps Script execution: the locks it took are released when it ends. */
interface Execution {
  heldLocks: Set<Lock>;
}

export class E2EWorld {
  readonly engine: CalendarEngine;
  readonly scriptProperties = new PropertiesStore();
  readonly userProperties = new Map<string, PropertiesStore>();
  readonly triggers: Trigger[] = [];
  readonly fetches: FetchRecord[] = [];
  readonly logs: LogLine[] = [];
  private readonly userLocks = new Map<string, LockState>();
  private readonly scriptLock = new LockState();
  private readonly addOns = new Map<string, AddOn>();
  private triggerCounter = 0;
  executions = 0;
  /**
   * Called as each UrlFetchApp.fetch starts, while the calling execution is in the middle of its work (holding its
   * lock): a test can run another execution from here to interleave two executions as Apps Script may.
   */
  onFetch: ((record: FetchRecord) => void) | undefined;

  constructor(
    readonly server: ConferenceServer,
    readonly clock = new FakeClock(Date.parse('2026-11-25T12:00:00Z')),
  ) {
    this.engine = new CalendarEngine({ now: clock.now, secret: 'e2e-secret', defaultTimeZone: 'UTC' });
    this.scriptProperties.setProperties({
      CONFERENCE_API_BASE_URL: server.baseUrl,
      CONFERENCE_API_KEY: API_KEY,
    });
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

  propertiesOf(user: string): PropertiesStore {
    let store = this.userProperties.get(user);
    if (!store) {
      store = new PropertiesStore();
      this.userProperties.set(user, store);
    }
    return store;
  }

  nextTriggerUid(): string {
    this.triggerCounter++;
    return String(4034124084959907000 + this.triggerCounter);
  }

  /** Provider calls that change something (everything but GET), optionally only those of one user. */
  writes(user?: string): FetchRecord[] {
    return this.fetches.filter((f) => f.method !== 'GET' && (user === undefined || f.user === user));
  }

  /** The Apps Script services as `user`'s add-on sees them, outside any bundle (for the harness's own tests). */
  services(user: string): Record<string, any> {
    return this.globalsFor(user, { heldLocks: new Set() });
  }

  /** Fresh globals for one execution of `user`'s add-on: what gas-local turns into the script's global scope. */
  globalsFor(user: string, execution: Execution): Record<string, unknown> {
    let userLock = this.userLocks.get(user);
    if (!userLock) {
      userLock = new LockState();
      this.userLocks.set(user, userLock);
    }
    const locks = userLock;
    const properties = this.propertiesOf(user);
    return {
      Calendar: { Events: appsScriptEvents(this.engine, user) },
      UrlFetchApp: urlFetchAppFor(this, user),
      PropertiesService: {
        getScriptProperties: () => this.scriptProperties,
        getUserProperties: () => properties,
        getDocumentProperties: () => null,
      },
      LockService: {
        getUserLock: () => new Lock(locks, execution),
        getScriptLock: () => new Lock(this.scriptLock, execution),
        getDocumentLock: () => null,
      },
      ScriptApp: scriptAppFor(this, user),
      ConferenceDataService: conferenceDataService,
      console: consoleFor(this, user),
      // The bundle's `new Date()` / `Date.now()` must read the test's clock, not the machine's.
      Date: dateOn(this.clock),
    };
  }
}

export class AddOn {
  constructor(
    readonly world: E2EWorld,
    readonly user: string,
  ) {}

  /** Runs one execution: the bundle loaded afresh into fresh globals, locks released at the end. */
  execute<T>(fn: (app: Record<string, any>) => T): T {
    const execution: Execution = { heldLocks: new Set() };
    const globals = this.world.globalsFor(this.user, execution);
    const app = gas.require(DIST, globals, { filter: (f) => /\.(js|gs)$/.test(f) });
    this.world.executions++;
    try {
      return fn(app);
    } finally {
      for (const lock of [...execution.heldLocks]) lock.releaseLock();
    }
  }

  /** Calendar calling the manifest's onCreateFunction for an event (which may not exist yet). */
  createConference(calendarId: string, eventId: string): BuiltConferenceData {
    return this.execute((app) => app.createConference({ eventData: { calendarId, eventId } }));
  }

  initializeSyncing(calendarId: string): SyncReport | undefined {
    return this.execute((app) => app.initializeSyncing(calendarId));
  }

  /** This user's EventUpdated trigger of `calendarId`, or undefined when none is installed. */
  trigger(calendarId: string): Trigger | undefined {
    return this.world.triggers.find(
      (t) =>
        t.user === this.user &&
        t.getTriggerSourceId() === calendarId &&
        t.getEventType() === EventType.ON_EVENT_UPDATED,
    );
  }

  /** Apps Script running the installed trigger: the handler gets only the calendar id (no event details). */
  fireTrigger(calendarId: string): SyncReport | undefined {
    const trigger = this.trigger(calendarId);
    if (!trigger) throw new Error(`${this.user} has no EventUpdated trigger for ${calendarId}`);
    return this.execute((app) =>
      app[trigger.getHandlerFunction()]({
        calendarId,
        authMode: AuthMode.FULL,
        triggerUid: trigger.getUniqueId(),
      }),
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Suite wiring

/**
 * Registers the hooks of one e2e test file: one conference server child process for the file (always stopped),
 * a fresh world (engine, properties, triggers, clock) for each test, and the check that no log line ever carries
 * the API key.
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
    world = new E2EWorld(server!);
  });
  afterEach(() => {
    expect(world!.logs.filter((l) => l.text.includes(API_KEY))).toEqual([]);
  });
  return { server: () => server!, world: () => world! };
}
