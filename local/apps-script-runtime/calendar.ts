/**
 * The Calendar advanced service (`Calendar`, v3): `Calendar.Events.*` with Apps Script's argument orders
 * (body first, then path parameters, optional arguments, request headers) and its `GoogleJsonResponseException`
 * errors (apps-script-services.md §0, §11). Two bindings with the same face:
 * - over the emulator's HTTP API (the emulator is one shared process that Google's client, curl and the page talk
 *   to as well), synchronous as the script sees it, acting as the execution's user (the bearer token's text);
 * - straight onto an in-process emulator engine (deterministic tests on a virtual clock).
 */
import {
  type AppsScriptEvents,
  appsScriptEvents,
  type CalendarEngine,
  GoogleApiError,
} from '../calendar-emulator/engine';
import { appsScriptException, strictService } from './errors';
import { count, type ExecutionContext } from './execution';
import type { SyncHttp } from './sync-http';

/** Where the Calendar service's calls go. */
export type CalendarBinding =
  | { kind: 'http'; rootUrl: string; http: SyncHttp }
  | { kind: 'engine'; engine: CalendarEngine };

type Args = Record<string, unknown>;
type Headers = Record<string, string>;

/**
 * Google's error body (`{"error":{"code","message","errors"}}`) turned into Apps Script's exception; `method` is
 * `events.<method>` or `calendarList.<method>` (the message names `calendar.<resource>.<method>`).
 */
function googleJsonResponseException(method: string, status: number, text: string): Error {
  let body: { error?: { code?: number; message?: string; errors?: unknown[] } } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not Google's body: the status alone is all there is.
  }
  const message = body.error?.message ?? `HTTP ${status}`;
  const error = new Error(`API call to calendar.${method} failed with error: ${message}`) as Error & {
    details: unknown;
  };
  error.name = 'GoogleJsonResponseException';
  error.details = { code: body.error?.code ?? status, message, errors: body.error?.errors ?? [] };
  return error;
}

function query(args: Args): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) q.append(key, String(v));
    else q.append(key, String(value));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** One synchronous request to the emulator as the execution's user; a status of 400 or more throws Apps Script's way. */
function httpCaller(http: SyncHttp, execution: ExecutionContext) {
  return (
    method: string,
    httpMethod: string,
    url: string,
    args: Args = {},
    headers: Headers = {},
    body?: unknown,
  ) => {
    const sent: Record<string, string> = { Authorization: `Bearer ${execution.user}` };
    for (const [k, v] of Object.entries(headers ?? {})) sent[k] = String(v);
    if (body !== undefined) sent['Content-Type'] = 'application/json';
    const result = http.request(
      {
        url: url + query(args ?? {}),
        method: httpMethod,
        headers: sent,
        body: body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8'),
        followRedirects: false,
        timeoutMs: 60_000,
      },
      execution.remainingMs() + 1,
    );
    execution.checkTime();
    if ('failure' in result) {
      throw appsScriptException("We're sorry, a server error occurred. Please wait a bit and try again.");
    }
    const text = Buffer.from(result.body).toString('utf8');
    if (result.status >= 400) throw googleJsonResponseException(method, result.status, text);
    return text === '' ? undefined : JSON.parse(text);
  };
}

function httpEvents(rootUrl: string, http: SyncHttp, execution: ExecutionContext): AppsScriptEvents {
  const base = `${rootUrl.replace(/\/$/, '')}/calendar/v3/calendars/`;
  const path = (calendarId: string, eventId?: string, tail = '') =>
    `${base}${encodeURIComponent(String(calendarId))}/events${eventId === undefined ? '' : `/${encodeURIComponent(String(eventId))}`}${tail}`;
  const request = httpCaller(http, execution);
  const call = (
    method: string,
    httpMethod: string,
    url: string,
    args?: Args,
    headers?: Headers,
    body?: unknown,
  ) => request(`events.${method}`, httpMethod, url, args, headers, body);
  return {
    list: (calendarId, args = {}, headers = {}) =>
      call('list', 'GET', path(calendarId), args as Args, headers),
    get: (calendarId, eventId, args = {}, headers = {}) =>
      call('get', 'GET', path(calendarId, eventId), args as Args, headers),
    insert: (resource, calendarId, args = {}, headers = {}) =>
      call('insert', 'POST', path(calendarId), args as Args, headers, resource),
    patch: (resource, calendarId, eventId, args = {}, headers = {}) =>
      call('patch', 'PATCH', path(calendarId, eventId), args as Args, headers, resource),
    update: (resource, calendarId, eventId, args = {}, headers = {}) =>
      call('update', 'PUT', path(calendarId, eventId), args as Args, headers, resource),
    remove: (calendarId, eventId, args = {}, headers = {}) => {
      call('delete', 'DELETE', path(calendarId, eventId), args as Args, headers);
    },
    instances: (calendarId, eventId, args = {}, headers = {}) =>
      call('instances', 'GET', path(calendarId, eventId, '/instances'), args as Args, headers),
    // `destination` is a required query parameter, but a positional argument in Apps Script.
    move: (
      calendarId: string,
      eventId: string,
      destination: string,
      args: Args = {},
      headers: Headers = {},
    ) => call('move', 'POST', path(calendarId, eventId, '/move'), { ...(args ?? {}), destination }, headers),
  } as AppsScriptEvents;
}

/** `Calendar.CalendarList`: the execution's user's calendar list (`users/me/calendarList`). */
interface AppsScriptCalendarList {
  list(optionalArgs?: Args, headers?: Headers): unknown;
  get(calendarId: string, optionalArgs?: Args, headers?: Headers): unknown;
}

function httpCalendarList(
  rootUrl: string,
  http: SyncHttp,
  execution: ExecutionContext,
): AppsScriptCalendarList {
  const base = `${rootUrl.replace(/\/$/, '')}/calendar/v3/users/me/calendarList`;
  const request = httpCaller(http, execution);
  return {
    list: (args = {}, headers = {}) => request('calendarList.list', 'GET', base, args, headers),
    get: (calendarId, args = {}, headers = {}) =>
      request('calendarList.get', 'GET', `${base}/${encodeURIComponent(String(calendarId))}`, args, headers),
  };
}

function engineCalendarList(engine: CalendarEngine, user: string): AppsScriptCalendarList {
  const call = <T>(method: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof GoogleApiError)) throw e;
      // The engine's conversion (with or without the prefix, as the engine was configured), for this resource.
      const out = engine.toAppsScriptError(e, method);
      out.message = out.message.replace(
        /^API call to calendar\.events\./,
        'API call to calendar.calendarList.',
      );
      throw out;
    }
  };
  return {
    list: (args = {}) => call('list', () => engine.listCalendarList(user, args)),
    get: (calendarId) => call('get', () => engine.getCalendarListEntry(user, calendarId)),
  };
}

const HELPERS = [
  'newEvent',
  'newEventDateTime',
  'newEventAttendee',
  'newConferenceData',
  'newEntryPoint',
  'newConferenceSolutionKey',
  'newCreateConferenceRequest',
  'newEventReminder',
  'newEventReminders',
  'newEventExtendedProperties',
] as const;

/** The `Calendar` global of one execution; every call is counted by method and checks the time limit. */
export function calendarService(binding: CalendarBinding, execution: ExecutionContext) {
  const events =
    binding.kind === 'http'
      ? httpEvents(binding.rootUrl, binding.http, execution)
      : appsScriptEvents(binding.engine, execution.user);
  const counted: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [method, fn] of Object.entries(events) as Array<[string, (...a: unknown[]) => unknown]>) {
    counted[method] = (...args: unknown[]) => {
      execution.checkTime();
      count(execution.stats.calendar, method);
      return fn(...args);
    };
  }
  const calendarList =
    binding.kind === 'http'
      ? httpCalendarList(binding.rootUrl, binding.http, execution)
      : engineCalendarList(binding.engine, execution.user);
  const countedList: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [method, fn] of Object.entries(calendarList) as Array<[string, (...a: unknown[]) => unknown]>) {
    countedList[method] = (...args: unknown[]) => {
      execution.checkTime();
      count(execution.stats.calendar, `calendarList.${method}`);
      return fn(...args);
    };
  }
  const service: Record<string, unknown> = {
    Events: strictService('Calendar.Events', counted),
    CalendarList: strictService('Calendar.CalendarList', countedList),
  };
  for (const helper of HELPERS) service[helper] = () => ({});
  return strictService('Calendar', service);
}
