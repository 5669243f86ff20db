/**
 * Hand-written stand-ins for the Apps Script services the adapters take (Calendar advanced service, UrlFetchApp,
 * PropertiesService, LockService, ScriptApp, ConferenceDataService, console), shared by the adapter, contract and
 * bundle tests. They reproduce the behaviour the adapters depend on as shared/reference/apps-script-services.md
 * records it: error names and message forms, the per-value property limit, muted HTTP responses.
 */
import type { Conference, ConferenceWritableFields } from '../../../contracts/conference-api';
import { placeholderFields } from '../../../src/core/conferenceFields';
import { SyncTokenRejectedError } from '../../../src/core/errors';
import type { UrlFetchParams } from '../../../src/platform/urlFetchTransport';
import type { FakeCalendar } from '../fakes/FakeCalendar';

// ---------------------------------------------------------------------------------------------------------------
// Assertions

/** What `fn` throws (the test fails when it throws nothing), checked against a class when one is given. */
export function thrownBy<T = Error>(fn: () => unknown, type?: abstract new (...args: any[]) => T): T {
  try {
    fn();
  } catch (e) {
    if (type) expect(e).toBeInstanceOf(type);
    return e as T;
  }
  throw new Error('expected a throw');
}

// ---------------------------------------------------------------------------------------------------------------
// Sample data

/** A timed event's conference fields, as the tests send and store them. */
export const SAMPLE_FIELDS: ConferenceWritableFields = {
  title: 'Planning',
  startTime: '2026-12-01T10:00:00+01:00',
  endTime: '2026-12-01T11:00:00+01:00',
  startDate: null,
  endDate: null,
  timeZone: 'Europe/Paris',
  recurrence: [],
  attendees: ['bob@example.com'],
};

/** A provider conference (no dial-in unless given). */
export function sampleConference(overrides: Partial<Conference> = {}): Conference {
  return {
    id: 'c-1',
    ...placeholderFields(),
    calendarId: 'alice@example.com',
    eventId: 'ev1',
    joinUrl: 'https://meet.example.com/j/c-1',
    occurrences: {},
    version: 1,
    createdAt: '2026-11-25T12:00:00Z',
    updatedAt: '2026-11-25T12:00:00Z',
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Calendar advanced service

/** How an advanced-service error reaches the script: both forms of the message occur in the wild (§1.7). */
export type ErrorForm = 'prefixed' | 'bare' | 'details-only' | 'message-only';

/** An error shaped like the Calendar advanced service's `GoogleJsonResponseException`. */
export function googleJsonError(
  method: string,
  code: number,
  reason: string,
  message: string,
  form: ErrorForm = 'prefixed',
): Error {
  const text =
    form === 'bare'
      ? message
      : form === 'details-only'
        ? `API call to calendar.events.${method} failed`
        : `API call to calendar.events.${method} failed with error: ${message}`;
  const error = Object.assign(new Error(text), { name: 'GoogleJsonResponseException' });
  if (form !== 'message-only') {
    Object.assign(error, { details: { code, message, errors: [{ domain: 'global', reason, message }] } });
  }
  return error;
}

export const expiredTokenError = (form: ErrorForm = 'prefixed') =>
  googleJsonError(
    'list',
    410,
    'fullSyncRequired',
    'Sync token is no longer valid, a full sync is required.',
    form,
  );
export const invalidTokenError = (form: ErrorForm = 'prefixed') =>
  googleJsonError('list', 400, 'invalid', 'Invalid sync token value.', form);

/**
 * `Calendar` (the advanced service) over the core's FakeCalendar: the same events, tokens and pages, but with
 * Google's argument shapes and Google's errors (410/400 for rejected tokens, 404 from get), so the adapter's
 * whole job — argument mapping and error translation — is exercised. Records every call's arguments.
 */
export class CalendarServiceStub {
  readonly listCalls: Array<{ calendarId: string; args: Record<string, unknown> }> = [];
  readonly getCalls: Array<{ calendarId: string; eventId: string; args: Record<string, unknown> }> = [];
  readonly patchCalls: Array<{
    resource: Record<string, unknown>;
    calendarId: string;
    eventId: string;
    args: Record<string, unknown>;
    headers: Record<string, string>;
  }> = [];
  readonly calendarListCalls: Array<Record<string, unknown>> = [];
  /** CalendarList.list page size when the request gives none (Google's default is 100). */
  calendarListPageSize = 100;
  private readonly thrown: Error[] = [];

  constructor(
    readonly fake: FakeCalendar,
    private readonly errorForm: ErrorForm = 'prefixed',
  ) {}

  /** The next list calls throw these, one per call (e.g. googleJsonError(...)). */
  throwOnNextList(...errors: Error[]): void {
    this.thrown.push(...errors);
  }

  readonly Events = {
    list: (calendarId: string, args: Record<string, unknown>): unknown => {
      this.listCalls.push({ calendarId, args: { ...args } });
      const error = this.thrown.shift();
      if (error) throw error;
      try {
        return this.fake.listEvents(calendarId, {
          syncToken: args.syncToken as string | undefined,
          pageToken: args.pageToken as string | undefined,
          timeMin: args.timeMin as string | undefined,
          maxResults: args.maxResults as number,
          showDeleted: true,
        });
      } catch (e) {
        if (e instanceof SyncTokenRejectedError) {
          throw e.reason === 'expired'
            ? expiredTokenError(this.errorForm)
            : invalidTokenError(this.errorForm);
        }
        throw e;
      }
    },
    get: (calendarId: string, eventId: string, args: Record<string, unknown> = {}): unknown => {
      this.getCalls.push({ calendarId, eventId, args: { ...args } });
      const event = this.fake.getEvent(calendarId, eventId);
      if (event === null) throw googleJsonError('get', 404, 'notFound', 'Not Found', this.errorForm);
      return event;
    },
    /** Only `conferenceData` with conferenceDataVersion 1 is supported; If-Match from the headers; `fields` etag. */
    patch: (
      resource: Record<string, unknown>,
      calendarId: string,
      eventId: string,
      args: Record<string, unknown> = {},
      headers: Record<string, string> = {},
    ): unknown => {
      this.patchCalls.push({
        resource: copyJson(resource),
        calendarId,
        eventId,
        args: { ...args },
        headers: { ...headers },
      });
      const extra = Object.keys(resource).filter((k) => k !== 'conferenceData');
      if (extra.length > 0 || args.conferenceDataVersion !== 1) {
        throw new Error(`CalendarServiceStub: unsupported patch ${JSON.stringify({ extra, args })}`);
      }
      const ifMatch = Object.entries(headers).find(([k]) => k.toLowerCase() === 'if-match')?.[1];
      let result: ReturnType<FakeCalendar['patchConferenceData']>;
      try {
        result = this.fake.patchConferenceData(calendarId, eventId, resource.conferenceData, ifMatch);
      } catch (e) {
        if ((e as { status?: unknown }).status === 404) {
          throw googleJsonError('patch', 404, 'notFound', 'Not Found', this.errorForm);
        }
        throw e;
      }
      if (result.kind === 'changed') {
        throw googleJsonError('patch', 412, 'conditionNotMet', 'Precondition Failed', this.errorForm);
      }
      const event = this.fake.peek(calendarId, eventId) ?? {};
      return args.fields === 'etag' ? { etag: event.etag } : event;
    },
  };

  /** `CalendarList.list` over the fake's writable calendars, paged; only minAccessRole writer is supported. */
  readonly CalendarList = {
    list: (args: Record<string, unknown> = {}): unknown => {
      this.calendarListCalls.push({ ...args });
      if (args.minAccessRole !== 'writer') {
        throw new Error(`CalendarServiceStub: unsupported minAccessRole ${String(args.minAccessRole)}`);
      }
      const ids = this.fake.listWritableCalendars();
      const size = typeof args.maxResults === 'number' ? args.maxResults : this.calendarListPageSize;
      const from = typeof args.pageToken === 'string' ? Number(args.pageToken.replace(/^cl-/, '')) : 0;
      const items = ids
        .slice(from, from + size)
        .map((id) => ({ kind: 'calendar#calendarListEntry', id, accessRole: 'owner' }));
      const next = from + size < ids.length ? { nextPageToken: `cl-${from + size}` } : {};
      return { kind: 'calendar#calendarList', items, ...next };
    },
  };
}

function copyJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// ---------------------------------------------------------------------------------------------------------------
// PropertiesService

/** Google's measured limit for one property: key plus value, in UTF-8 bytes. */
export const REAL_PROPERTY_LIMIT_BYTES = 8066;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
export const appsScriptException = (message: string) =>
  Object.assign(new Error(message), { name: 'Exception' });

/** A Properties store in memory that refuses oversized values the way Apps Script does. */
export class PropertiesStub {
  readonly data = new Map<string, string>();
  writes = 0;

  getProperty(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  getProperties(): Record<string, string> {
    return Object.fromEntries(this.data);
  }
  getKeys(): string[] {
    return [...this.data.keys()];
  }
  setProperty(key: string, value: string): this {
    this.check(key, value);
    this.writes++;
    this.data.set(key, String(value));
    return this;
  }
  setProperties(properties: Record<string, string>): this {
    for (const [key, value] of Object.entries(properties)) this.check(key, value);
    const next = new Map(this.data);
    for (const [key, value] of Object.entries(properties)) next.set(key, String(value));
    let total = 0;
    for (const [key, value] of next) total += bytes(key) + bytes(value);
    if (total > 500 * 1024) {
      throw appsScriptException(
        'You have exceeded the property storage quota. Please remove some properties and try again.',
      );
    }
    for (const [key, value] of next) this.data.set(key, value);
    this.writes++;
    return this;
  }
  deleteProperty(key: string): this {
    this.data.delete(key);
    return this;
  }
  deleteAllProperties(): this {
    this.data.clear();
    return this;
  }
  private check(key: string, value: string): void {
    if (bytes(key) + bytes(String(value)) > REAL_PROPERTY_LIMIT_BYTES)
      throw appsScriptException('Argument too large: value');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// UrlFetchApp

export type FetchParams = Partial<UrlFetchParams>;

/** An HTTPResponse as UrlFetchApp returns it. */
export function httpResponse(status: number, body: unknown = '', headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { getResponseCode: () => status, getContentText: () => text, getHeaders: () => ({ ...headers }) };
}

/** UrlFetchApp's exception for a failure without a response (`Address unavailable: …`, `DNS error: …`, …). */
export const fetchException = (message: string) => appsScriptException(message);

interface StoredConference {
  [field: string]: unknown;
  id: string;
  version: number;
}

/**
 * A tiny in-memory reference conference API (shared/spec/conference-api.md) behind a UrlFetchApp-shaped
 * `fetch`: Bearer check, Idempotency-Key on create, PATCH/DELETE/occurrence endpoints, versions. Enough for a
 * create → update → delete round trip, with injectable failures.
 */
export class ConferenceApiStub {
  readonly conferences = new Map<string, StoredConference>();
  readonly requests: Array<{ method: string; path: string; headers: Record<string, string>; body: unknown }> =
    [];
  private readonly byIdempotencyKey = new Map<string, string>();
  private readonly injected: Array<ReturnType<typeof httpResponse> | Error> = [];
  private nextId = 1;

  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly withDialIn = true,
  ) {}

  /** The next fetches answer with these (a response, or an Error to throw), one per call. */
  failNext(...outcomes: Array<ReturnType<typeof httpResponse> | Error>): void {
    this.injected.push(...outcomes);
  }

  readonly fetch = (url: string, params: FetchParams = {}) => {
    const method = (params.method ?? 'get').toUpperCase();
    const headers = params.headers ?? {};
    const body = params.payload === undefined ? undefined : JSON.parse(params.payload);
    if (!url.startsWith(this.baseUrl)) throw fetchException(`Address unavailable: ${url}`);
    const path = url.slice(this.baseUrl.length - 1);
    this.requests.push({ method, path, headers, body });
    const outcome = this.injected.shift();
    if (outcome instanceof Error) throw outcome;
    if (outcome) return outcome;
    if (headers.Authorization !== `Bearer ${this.apiKey}`) return apiError(401, 'UNAUTHENTICATED', 'bad key');
    return this.route(method, path, headers, body);
  };

  private route(method: string, path: string, headers: Record<string, string>, body: any) {
    const now = '2026-11-25T12:00:00Z';
    if (method === 'POST' && path === '/v1/conferences') {
      const key = headers['Idempotency-Key'];
      if (!key) return apiError(400, 'INVALID_ARGUMENT', 'Idempotency-Key required');
      const existing = this.byIdempotencyKey.get(key);
      if (existing && this.conferences.has(existing))
        return httpResponse(200, this.conferences.get(existing));
      const id = `conf-${this.nextId++}`;
      const conference: StoredConference = {
        ...placeholderFields(),
        ...body,
        id,
        joinUrl: `https://meet.example.com/j/${id}`,
        ...(this.withDialIn ? { dialIn: { number: '+1 555 0100', pin: '123456' } } : {}),
        occurrences: {},
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      this.conferences.set(id, conference);
      this.byIdempotencyKey.set(key, id);
      return httpResponse(201, conference);
    }
    const match = /^\/v1\/conferences\/([^/]+)(?:\/occurrences\/([^/]+))?$/.exec(path);
    const conference = match ? this.conferences.get(decodeURIComponent(match[1])) : undefined;
    if (!match || !conference) return apiError(404, 'NOT_FOUND', 'no such conference');
    const occurrence = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const occurrences = conference.occurrences as Record<string, unknown>;
    if (occurrence === undefined && method === 'GET') return httpResponse(200, conference);
    if (occurrence === undefined && method === 'PATCH') {
      const changed = Object.entries(body).some(
        ([k, v]) => JSON.stringify(conference[k]) !== JSON.stringify(v),
      );
      Object.assign(conference, body, changed ? { version: conference.version + 1, updatedAt: now } : {});
      return httpResponse(200, conference);
    }
    if (occurrence === undefined && method === 'DELETE') {
      this.conferences.delete(conference.id);
      return httpResponse(204);
    }
    if (occurrence !== undefined && method === 'PUT') {
      occurrences[occurrence] = body;
      conference.version++;
      return httpResponse(200, conference);
    }
    if (occurrence !== undefined && method === 'DELETE') {
      if (!(occurrence in occurrences)) return apiError(404, 'NOT_FOUND', 'no such override');
      delete occurrences[occurrence];
      conference.version++;
      return httpResponse(204);
    }
    return apiError(400, 'INVALID_ARGUMENT', `unsupported ${method} ${path}`);
  }
}

export function apiError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  return httpResponse(status, { error: { code, message } }, headers);
}

// ---------------------------------------------------------------------------------------------------------------
// LockService, ScriptApp, ConferenceDataService, console

export class LockServiceStub {
  busy = false;
  held = false;
  readonly events: string[] = [];
  getUserLock() {
    return {
      tryLock: (ms: number) => {
        this.events.push(`tryLock(${ms})`);
        if (this.busy) return false;
        this.held = true;
        return true;
      },
      releaseLock: () => {
        this.events.push('releaseLock');
        this.held = false;
      },
      hasLock: () => this.held,
    };
  }
}

export interface StubTrigger {
  handler: string;
  sourceId: string | null;
  /** Time-driven triggers only. */
  everyHours?: number;
}

/** ScriptApp's trigger API (calendar and hourly triggers); `triggers` is this user's project triggers. */
export class ScriptAppStub {
  readonly triggers: StubTrigger[] = [];
  created = 0;
  getProjectTriggers() {
    return this.triggers.map((t) => ({
      getHandlerFunction: () => t.handler,
      getTriggerSourceId: () => t.sourceId,
    }));
  }
  newTrigger(handler: string) {
    const create = (sourceId: string | null, everyHours?: number) => () => {
      this.triggers.push(
        everyHours === undefined ? { handler, sourceId } : { handler, sourceId, everyHours },
      );
      this.created++;
      return { getUniqueId: () => `trigger-${this.created}` };
    };
    return {
      forUserCalendar: (calendarId: string) => ({ onEventUpdated: () => ({ create: create(calendarId) }) }),
      timeBased: () => ({ everyHours: (hours: number) => ({ create: create(null, hours) }) }),
    };
  }
}

/** What the ConferenceDataService stub's `build()` returns: a plain description of what was set. */
export interface BuiltConferenceData {
  conferenceSolutionId?: string;
  conferenceId?: string;
  entryPoints: Array<{ type?: string; uri?: string; pin?: string }>;
  parameters: Record<string, string>;
  error?: string;
}

/** A fluent builder: each setter stores its argument through `set` and returns the builder. */
function fluent<S>(state: S, setters: Record<string, (state: S, value: any) => void>) {
  const builder: Record<string, unknown> & { state: S } = { state };
  for (const [name, set] of Object.entries(setters)) {
    builder[name] = (value: unknown) => {
      set(state, value);
      return builder;
    };
  }
  return builder;
}

type EntryPointState = BuiltConferenceData['entryPoints'][number];

/** ConferenceDataService whose builders record what they are given and enforce the documented limits. */
export function conferenceDataServiceStub() {
  const limit = (what: string, value: string, max: number) => {
    if (value.length > max) throw appsScriptException(`${what} longer than ${max}`);
    return value;
  };
  const names = (...values: string[]) => Object.fromEntries(values.map((v) => [v, v]));
  return {
    EntryPointType: names('VIDEO', 'PHONE', 'MORE', 'SIP'),
    ConferenceErrorType: names(
      'AUTHENTICATION',
      'CONFERENCE_SOLUTION_FORBIDDEN',
      'PERMANENT',
      'PERMISSION_DENIED',
      'TEMPORARY',
      'UNKNOWN',
    ),
    newConferenceDataBuilder() {
      const builder = fluent<BuiltConferenceData>(
        { entryPoints: [], parameters: {} },
        {
          setConferenceSolutionId: (d, id: string) => {
            d.conferenceSolutionId = id;
          },
          setConferenceId: (d, id: string) => {
            d.conferenceId = limit('conferenceId', id, 512);
          },
          addEntryPoint: (d, ep: { state: EntryPointState }) => {
            d.entryPoints.push(ep.state);
          },
          addConferenceParameter: (d, p: { state: { key: string; value: string } }) => {
            d.parameters[p.state.key] = p.state.value;
          },
          setError: (d, e: { state: { type: string } }) => {
            d.error = e.state.type;
          },
        },
      );
      builder.build = () => JSON.parse(JSON.stringify(builder.state)) as BuiltConferenceData;
      return builder;
    },
    newEntryPoint: () =>
      fluent<EntryPointState>(
        {},
        {
          setEntryPointType: (s, type: string) => {
            s.type = type;
          },
          setUri: (s, uri: string) => {
            const needed = s.type === 'PHONE' ? /^tel:/ : /^https?:/;
            if (!needed.test(uri)) throw appsScriptException(`bad uri for ${s.type}: ${uri}`);
            s.uri = limit('uri', uri, 1300);
          },
          setPin: (s, pin: string) => {
            s.pin = limit('pin', pin, 128);
          },
        },
      ),
    newConferenceParameter: () =>
      fluent(
        { key: '', value: '' },
        {
          setKey: (s, key: string) => {
            s.key = limit('key', key, 50);
          },
          setValue: (s, value: string) => {
            s.value = limit('value', value, 1024);
          },
        },
      ),
    newConferenceError: () =>
      fluent(
        { type: '' },
        {
          setConferenceErrorType: (s, type: string) => {
            s.type = type;
          },
        },
      ),
  };
}

/** What a CardService stub builder's `build()` returns: `setX(v)` as `X: v`, `addY(v)` appended to `Y: [...]`. */
export type BuiltCard = { kind: string } & Record<string, any>;

/** A builder that records every call; nested builders are recorded by their own state. */
function cardRecorder(kind: string): any {
  const state: Record<string, unknown> = { kind };
  const self: any = new Proxy(
    {},
    {
      get(_target, name: string) {
        if (name === 'state') return state;
        if (name === 'build') return () => JSON.parse(JSON.stringify(state)) as BuiltCard;
        return (value: unknown) => {
          const nested =
            value !== null && typeof value === 'object' ? (value as { state?: unknown }).state : undefined;
          const recorded = nested ?? value;
          if (name.startsWith('add')) {
            const list = (state[name.slice(3)] ?? []) as unknown[];
            list.push(recorded);
            state[name.slice(3)] = list;
          } else {
            state[name.replace(/^set/, '')] = recorded;
          }
          return self;
        };
      },
    },
  );
  return self;
}

/** CardService whose `newX()` builders record what they are given (see BuiltCard). */
export function cardServiceStub() {
  return new Proxy({}, { get: (_target, name: string) => () => cardRecorder(name.replace(/^new/, '')) });
}

/** The texts of every TextParagraph of a built card, per section header ('' for none). */
export function cardTexts(card: BuiltCard): Array<[string, string]> {
  return (card.Section ?? []).flatMap((section: BuiltCard) =>
    (section.Widget ?? []).map(
      (widget: BuiltCard) => [section.Header ?? '', widget.Text] as [string, string],
    ),
  );
}

/** A console that keeps every line, to assert on logs (and on what they never contain). */
export class ConsoleStub {
  readonly lines: Array<{ level: 'log' | 'warn' | 'error'; text: string }> = [];
  log = (...args: unknown[]) => this.lines.push({ level: 'log', text: args.map(String).join(' ') });
  warn = (...args: unknown[]) => this.lines.push({ level: 'warn', text: args.map(String).join(' ') });
  error = (...args: unknown[]) => this.lines.push({ level: 'error', text: args.map(String).join(' ') });
  text(): string {
    return this.lines.map((l) => l.text).join('\n');
  }
}
