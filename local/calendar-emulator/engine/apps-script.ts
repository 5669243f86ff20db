/**
 * The Apps Script advanced-service shape over the engine: `Calendar.Events.list/get/insert/patch/
 * update/remove/instances` with Apps Script's argument order (body first, then path parameters,
 * optional arguments, request headers) and its `GoogleJsonResponseException` errors. A local Apps
 * Script runtime installs the returned object as `Calendar.Events` for the running user.
 */
import type { CalendarEngine } from './engine';
import { GoogleApiError } from './errors';
import type {
  Conditions,
  EventResource,
  EventsList,
  InstancesParams,
  ListParams,
  WriteParams,
} from './types';

export interface AppsScriptEvents {
  list(calendarId: string, optionalArgs?: ListParams): EventsList;
  get(
    calendarId: string,
    eventId: string,
    optionalArgs?: object,
    headers?: Record<string, string>,
  ): EventResource;
  insert(
    resource: object,
    calendarId: string,
    optionalArgs?: WriteParams,
    headers?: Record<string, string>,
  ): EventResource;
  patch(
    resource: object,
    calendarId: string,
    eventId: string,
    optionalArgs?: WriteParams,
    headers?: Record<string, string>,
  ): EventResource;
  update(
    resource: object,
    calendarId: string,
    eventId: string,
    optionalArgs?: WriteParams,
    headers?: Record<string, string>,
  ): EventResource;
  remove(
    calendarId: string,
    eventId: string,
    optionalArgs?: WriteParams,
    headers?: Record<string, string>,
  ): void;
  instances(calendarId: string, eventId: string, optionalArgs?: InstancesParams): EventsList;
}

function conditions(headers: Record<string, string> = {}): Conditions {
  const out: Conditions = {};
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === 'if-match') out.ifMatch = v;
    if (k.toLowerCase() === 'if-none-match') out.ifNoneMatch = v;
  }
  return out;
}

/** `Calendar.Events` acting as `user`; results are deep copies, errors are Apps Script's. */
export function appsScriptEvents(engine: CalendarEngine, user: string): AppsScriptEvents {
  const call = <T>(method: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof GoogleApiError) throw engine.toAppsScriptError(e, method);
      throw e;
    }
  };
  return {
    list: (calendarId, args = {}) => call('list', () => engine.list(user, calendarId, args)),
    get: (calendarId, eventId, args = {}, headers = {}) =>
      call('get', () =>
        engine.get(user, calendarId, eventId, args as Record<string, unknown>, conditions(headers)),
      ),
    insert: (resource, calendarId, args = {}) =>
      call('insert', () => engine.insert(user, calendarId, resource, args)),
    patch: (resource, calendarId, eventId, args = {}, headers = {}) =>
      call('patch', () => engine.patch(user, calendarId, eventId, resource, args, conditions(headers))),
    update: (resource, calendarId, eventId, args = {}, headers = {}) =>
      call('update', () => engine.update(user, calendarId, eventId, resource, args, conditions(headers))),
    remove: (calendarId, eventId, args = {}, headers = {}) =>
      call('delete', () => engine.delete(user, calendarId, eventId, args, conditions(headers))),
    instances: (calendarId, eventId, args = {}) =>
      call('instances', () => engine.instances(user, calendarId, eventId, args)),
  };
}
