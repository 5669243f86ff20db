/**
 * The Apps Script advanced-service shape over the engine: `Calendar.Events.list/get/insert/patch/
 * update/remove/instances/move` with Apps Script's argument order (body first, then path parameters,
 * optional arguments, request headers) and its `GoogleJsonResponseException` errors. A local Apps
 * Script runtime installs the returned object as `Calendar.Events` for the running user.
 */
import type { CalendarEngine } from './engine';
import { GoogleApiError } from './errors';
import { applyFieldMask, EVENT_SHAPE, EVENTS_SHAPE, parseFieldMask } from './fieldMask';
import type {
  Conditions,
  EventResource,
  EventsList,
  InstancesParams,
  ListParams,
  WriteParams,
} from './types';

export interface AppsScriptEvents {
  list(calendarId: string, optionalArgs?: ListParams & PartialResponse): EventsList;
  get(
    calendarId: string,
    eventId: string,
    optionalArgs?: object,
    headers?: Record<string, string>,
  ): EventResource;
  insert(
    resource: object,
    calendarId: string,
    optionalArgs?: WriteParams & PartialResponse,
    headers?: Record<string, string>,
  ): EventResource;
  patch(
    resource: object,
    calendarId: string,
    eventId: string,
    optionalArgs?: WriteParams & PartialResponse,
    headers?: Record<string, string>,
  ): EventResource;
  update(
    resource: object,
    calendarId: string,
    eventId: string,
    optionalArgs?: WriteParams & PartialResponse,
    headers?: Record<string, string>,
  ): EventResource;
  remove(
    calendarId: string,
    eventId: string,
    optionalArgs?: WriteParams & PartialResponse,
    headers?: Record<string, string>,
  ): void;
  instances(
    calendarId: string,
    eventId: string,
    optionalArgs?: InstancesParams & PartialResponse,
  ): EventsList;
}

/**
 * What `appsScriptEvents` returns: the methods above plus those added later. Kept apart so that code
 * implementing `AppsScriptEvents` itself (another binding of the same face) still type-checks.
 */
export interface AppsScriptEventsFull extends AppsScriptEvents {
  /** `Calendar.Events.move(calendarId, eventId, destination, optionalArgs)`: path parameters in discovery order. */
  move(
    calendarId: string,
    eventId: string,
    destination: string,
    optionalArgs?: WriteParams & PartialResponse,
  ): EventResource;
  /** `Calendar.Events.import(resource, calendarId, optionalArgs)` */
  import(resource: object, calendarId: string, optionalArgs?: WriteParams & PartialResponse): EventResource;
  /** `Calendar.Events.quickAdd(calendarId, text, optionalArgs)` */
  quickAdd(calendarId: string, text: string, optionalArgs?: WriteParams & PartialResponse): EventResource;
}

/** Google's standard `fields` parameter, accepted by every method that returns a resource. */
interface PartialResponse {
  fields?: string;
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
export function appsScriptEvents(engine: CalendarEngine, user: string): AppsScriptEventsFull {
  const call = <T>(method: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof GoogleApiError) throw engine.toAppsScriptError(e, method);
      throw e;
    }
  };
  /** `fields` is checked first (a bad one is the call's error) and applied to the result, as Google does. */
  const masked = <A extends object, T>(
    method: string,
    args: A,
    shape: typeof EVENT_SHAPE,
    fn: (rest: A) => T,
  ): T =>
    call(method, () => {
      const { fields, ...rest } = args as A & { fields?: unknown };
      if (typeof fields !== 'string') return fn(rest as A);
      const mask = parseFieldMask(fields, shape);
      return applyFieldMask(fn(rest as A), mask);
    });
  return {
    list: (calendarId, args = {}) =>
      masked('list', args, EVENTS_SHAPE, (rest) => engine.list(user, calendarId, rest)),
    get: (calendarId, eventId, args = {}, headers = {}) =>
      masked('get', args, EVENT_SHAPE, (rest) =>
        engine.get(user, calendarId, eventId, rest as Record<string, unknown>, conditions(headers)),
      ),
    insert: (resource, calendarId, args = {}) =>
      masked('insert', args, EVENT_SHAPE, (rest) => engine.insert(user, calendarId, resource, rest)),
    patch: (resource, calendarId, eventId, args = {}, headers = {}) =>
      masked('patch', args, EVENT_SHAPE, (rest) =>
        engine.patch(user, calendarId, eventId, resource, rest, conditions(headers)),
      ),
    update: (resource, calendarId, eventId, args = {}, headers = {}) =>
      masked('update', args, EVENT_SHAPE, (rest) =>
        engine.update(user, calendarId, eventId, resource, rest, conditions(headers)),
      ),
    remove: (calendarId, eventId, args = {}, headers = {}) =>
      call('delete', () => engine.delete(user, calendarId, eventId, args, conditions(headers))),
    instances: (calendarId, eventId, args = {}) =>
      masked('instances', args, EVENTS_SHAPE, (rest) => engine.instances(user, calendarId, eventId, rest)),
    move: (calendarId, eventId, destination, args = {}) =>
      masked('move', args, EVENT_SHAPE, (rest) => engine.move(user, calendarId, eventId, destination, rest)),
    import: (resource, calendarId, args = {}) =>
      masked('import', args, EVENT_SHAPE, (rest) => engine.importEvent(user, calendarId, resource, rest)),
    quickAdd: (calendarId, text, args = {}) =>
      masked('quickAdd', args, EVENT_SHAPE, (rest) => engine.quickAdd(user, calendarId, text, rest)),
  };
}
