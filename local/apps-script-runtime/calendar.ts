/**
 * The Calendar advanced service (`Calendar`, v3): `Calendar.Events.*` with Apps Script's argument orders
 * (body first, then path parameters, optional arguments, request headers) and its `GoogleJsonResponseException`
 * errors (apps-script-services.md §0, §11). Two bindings with the same face:
 * - over the emulator's HTTP API (the emulator is one shared process that Google's client, curl and the page talk
 *   to as well), synchronous as the script sees it, acting as the execution's user (the bearer token's text);
 * - straight onto an in-process emulator engine (deterministic tests on a virtual clock).
 */
import { type AppsScriptEvents, appsScriptEvents, type CalendarEngine } from '../calendar-emulator/engine';
import { appsScriptException, strictService } from './errors';
import { count, type ExecutionContext } from './execution';
import type { SyncHttp } from './sync-http';

/** Where the Calendar service's calls go. */
export type CalendarBinding =
  | { kind: 'http'; rootUrl: string; http: SyncHttp }
  | { kind: 'engine'; engine: CalendarEngine };

type Args = Record<string, unknown>;
type Headers = Record<string, string>;

/** Google's error body (`{"error":{"code","message","errors"}}`) turned into Apps Script's exception. */
function googleJsonResponseException(method: string, status: number, text: string): Error {
  let body: { error?: { code?: number; message?: string; errors?: unknown[] } } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not Google's body: the status alone is all there is.
  }
  const message = body.error?.message ?? `HTTP ${status}`;
  const error = new Error(`API call to calendar.events.${method} failed with error: ${message}`) as Error & {
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

function httpEvents(rootUrl: string, http: SyncHttp, execution: ExecutionContext): AppsScriptEvents {
  const base = `${rootUrl.replace(/\/$/, '')}/calendar/v3/calendars/`;
  const path = (calendarId: string, eventId?: string, tail = '') =>
    `${base}${encodeURIComponent(String(calendarId))}/events${eventId === undefined ? '' : `/${encodeURIComponent(String(eventId))}`}${tail}`;
  const call = (
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
  } as AppsScriptEvents;
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
  const service: Record<string, unknown> = { Events: strictService('Calendar.Events', counted) };
  for (const helper of HELPERS) service[helper] = () => ({});
  return strictService('Calendar', service);
}
