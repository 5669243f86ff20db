/**
 * Client of the reference conference API (shared/spec/conference-api.md) behind the ConferenceProvider port.
 * Builds the requests (Bearer key, JSON, Idempotency-Key on create), validates every response it relies on, and
 * turns every failure into a ProviderError: 429, 5xx and transport failures are retryable (Retry-After kept),
 * other 4xx are permanent, 401 included. The key appears only in the Authorization header; any text that comes
 * back from the network is scrubbed of it before it can reach a message.
 */
import {
  CONFERENCE_ID_PATTERN,
  CONFERENCE_LIMITS,
  type Conference,
  type ConferenceWritableFields,
  type CreateConferenceRequest,
  type DialIn,
  type OccurrenceOverride,
} from '../../contracts/conference-api';
import { ProviderError } from '../core/errors';
import type { ConferenceProvider, CreateConferenceInput, ProviderCall, ProviderOutcome } from '../core/ports';
import type { ProviderConfig } from './config';
import {
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  HttpTransportError,
  headerValue,
} from './http';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Codes for failures that have no API error code of their own. */
export const TRANSPORT_ERROR_CODE = 'TRANSPORT';
export const MALFORMED_RESPONSE_CODE = 'MALFORMED_RESPONSE';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  412: 'FAILED_PRECONDITION',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export class ReferenceConferenceProvider implements ConferenceProvider {
  constructor(
    private readonly config: ProviderConfig,
    private readonly transport: HttpTransport,
  ) {}

  create(input: CreateConferenceInput): Conference {
    const outcome = this.executeAll([{ kind: 'create', input }])[0] as ProviderOutcome;
    if (!outcome.ok) throw outcome.error;
    return outcome.conference as Conference;
  }

  /**
   * One wave: every call built into a request, all sent at once (fetchAll), each response mapped back to its call.
   * A request that cannot even be built fails alone; the others still go out.
   */
  executeAll(calls: ProviderCall[]): ProviderOutcome[] {
    const outcomes: Array<ProviderOutcome | undefined> = calls.map(() => undefined);
    const built: Array<{ index: number; plan: RequestPlan; request: HttpRequest }> = [];
    calls.forEach((call, index) => {
      try {
        const plan = planRequest(call);
        built.push({ index, plan, request: this.request(plan) });
      } catch (error) {
        outcomes[index] = { ok: false, error };
      }
    });
    const responses = this.sendAll(built.map((b) => b.request));
    built.forEach(({ index, plan }, i) => {
      const response = responses[i];
      try {
        outcomes[index] = this.interpret(plan, response);
      } catch (error) {
        outcomes[index] = { ok: false, error };
      }
    });
    return outcomes.map((o) => o ?? { ok: false, error: new Error('no outcome') });
  }

  private sendAll(requests: HttpRequest[]): Array<HttpResponse | HttpTransportError | unknown> {
    if (requests.length === 0) return [];
    if (this.transport.sendAll) return this.transport.sendAll(requests);
    return requests.map((request) => {
      try {
        return this.transport.send(request);
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    });
  }

  private request(plan: RequestPlan): HttpRequest {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.config.apiKey}`,
      Accept: 'application/json',
      ...plan.headers,
    };
    if (plan.body !== undefined) headers['Content-Type'] = JSON_CONTENT_TYPE;
    return {
      method: plan.method,
      url: this.config.baseUrl + plan.path,
      headers,
      body: plan.body === undefined ? undefined : JSON.stringify(plan.body),
    };
  }

  /**
   * What a 2xx carries: the conference (create, GET, PATCH, PUT), the list (GET by event), nothing for DELETE;
   * a ProviderError otherwise.
   */
  private interpret(plan: RequestPlan, response: unknown): ProviderOutcome {
    if (!isHttpResponse(response)) throw this.transportError(plan.method, plan.path, response);
    if (response.status >= 200 && response.status < 300) {
      if (plan.returns === 'conference')
        return { ok: true, conference: this.conferenceFrom(plan.method, plan.path, response) };
      if (plan.returns === 'list')
        return { ok: true, conferences: this.conferencesFrom(plan.method, plan.path, response) };
      return { ok: true };
    }
    // DELETE endpoints: 404 means the thing is already gone, which is what the caller wanted.
    if (plan.method === 'DELETE' && response.status === 404) return { ok: true };
    throw this.errorFrom(plan.method, plan.path, response);
  }

  private transportError(method: HttpMethod, path: string, e: unknown): ProviderError {
    const retryable = e instanceof HttpTransportError ? e.retryable : true;
    const retryAfterSeconds = e instanceof HttpTransportError ? e.retryAfterSeconds : undefined;
    const reason = e instanceof Error ? e.message : String(e ?? 'no response');
    return new ProviderError(
      `${method} ${path}: no response from the conference API (${this.scrub(reason)})`,
      { code: TRANSPORT_ERROR_CODE, retryable, retryAfterSeconds },
      { cause: e },
    );
  }

  /** Single calls, for callers outside a wave; each is a wave of one. */
  update(conferenceId: string, changes: Partial<ConferenceWritableFields>): Conference {
    return this.one({ kind: 'update', conferenceId, changes }).conference as Conference;
  }

  delete(conferenceId: string): void {
    this.one({ kind: 'delete', conferenceId });
  }

  setOccurrence(conferenceId: string, occurrenceKey: string, override: OccurrenceOverride): void {
    this.one({ kind: 'setOccurrence', conferenceId, occurrenceKey, override });
  }

  clearOccurrence(conferenceId: string, occurrenceKey: string): void {
    this.one({ kind: 'clearOccurrence', conferenceId, occurrenceKey });
  }

  /** The conference; a ProviderError NOT_FOUND when it is unknown or deleted. */
  get(conferenceId: string): Conference {
    return this.one({ kind: 'get', conferenceId }).conference as Conference;
  }

  /** The live conferences made for this event, newest first. */
  findByEvent(calendarId: string, eventId: string): Conference[] {
    return this.one({ kind: 'findByEvent', calendarId, eventId }).conferences ?? [];
  }

  private one(call: ProviderCall): { conference?: Conference; conferences?: Conference[] } {
    const outcome = this.executeAll([call])[0] as ProviderOutcome;
    if (!outcome.ok) throw outcome.error;
    return outcome;
  }

  private errorFrom(method: HttpMethod, path: string, response: HttpResponse): ProviderError {
    const status = response.status;
    const apiError = parseErrorBody(response.body);
    const code = apiError?.code ?? CODE_BY_STATUS[status] ?? `HTTP_${status}`;
    const retryable = status === 429 || status === 408 || status >= 500;
    const detail = apiError?.message ? `: ${this.scrub(apiError.message)}` : '';
    return new ProviderError(`${method} ${path} failed with ${status} ${code}${detail}`, {
      status,
      code,
      retryable,
      retryAfterSeconds: retryable
        ? parseRetryAfter(headerValue(response.headers, 'Retry-After'))
        : undefined,
    });
  }

  private conferenceFrom(method: HttpMethod, path: string, response: HttpResponse): Conference {
    const parsed = parseBody(response.body);
    const problem = conferenceProblem(parsed);
    if (problem !== null) throw malformed(method, path, response, problem);
    return normaliseConference(parsed as Record<string, unknown>);
  }

  /** The `items` of a listing (`{ "items": [Conference…] }`), each validated as a Conference. */
  private conferencesFrom(method: HttpMethod, path: string, response: HttpResponse): Conference[] {
    const parsed = parseBody(response.body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw malformed(method, path, response, 'body is not a JSON object');
    const items = (parsed as { items?: unknown }).items;
    if (!Array.isArray(items)) throw malformed(method, path, response, 'missing or invalid items');
    return items.map((item, n) => {
      const problem = conferenceProblem(item);
      if (problem !== null) throw malformed(method, path, response, `items[${n}]: ${problem}`);
      return normaliseConference(item as Record<string, unknown>);
    });
  }

  /** Removes the key from text that came from elsewhere (a server or proxy could echo the request). */
  private scrub(text: string): string {
    return this.config.apiKey === '' ? text : text.split(this.config.apiKey).join('[redacted]');
  }
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * Retryable: a garbled 2xx is most likely a proxy or a half-written response, and every call here is safe to
 * repeat (create carries its Idempotency-Key; GETs change nothing).
 */
function malformed(method: HttpMethod, path: string, response: HttpResponse, problem: string): ProviderError {
  return new ProviderError(`${method} ${path}: malformed response from the conference API (${problem})`, {
    status: response.status,
    code: MALFORMED_RESPONSE_CODE,
    retryable: true,
  });
}

function isHttpResponse(value: unknown): value is HttpResponse {
  return typeof value === 'object' && value !== null && !(value instanceof Error) && 'status' in value;
}

/** What one call becomes on the wire, before the key and the base URL are added. */
interface RequestPlan {
  method: HttpMethod;
  path: string;
  body?: unknown;
  headers: Record<string, string>;
  /** What a 2xx body holds: one conference, a listing (`items`), or nothing to read. */
  returns: 'conference' | 'list' | 'nothing';
}

function planRequest(call: ProviderCall): RequestPlan {
  switch (call.kind) {
    case 'create': {
      const { input } = call;
      const key = input.idempotencyKey;
      if (key.length < 1 || key.length > CONFERENCE_LIMITS.maxIdempotencyKeyLength) {
        throw new ProviderError(
          `Idempotency-Key must be 1–${CONFERENCE_LIMITS.maxIdempotencyKeyLength} characters`,
          {
            code: 'INVALID_ARGUMENT',
            retryable: false,
          },
        );
      }
      const body: CreateConferenceRequest = {
        ...input.fields,
        calendarId: input.calendarId,
        eventId: input.eventId,
      };
      return {
        method: 'POST',
        path: 'v1/conferences',
        body,
        headers: { 'Idempotency-Key': key },
        returns: 'conference',
      };
    }
    case 'update':
      return {
        method: 'PATCH',
        path: conferencePath(call.conferenceId),
        body: call.changes,
        headers: {},
        returns: 'conference',
      };
    case 'delete':
      return {
        method: 'DELETE',
        path: conferencePath(call.conferenceId),
        headers: {},
        returns: 'nothing',
      };
    case 'setOccurrence':
      return {
        method: 'PUT',
        path: occurrencePath(call.conferenceId, call.occurrenceKey),
        body: call.override,
        headers: {},
        returns: 'conference',
      };
    case 'clearOccurrence':
      return {
        method: 'DELETE',
        path: occurrencePath(call.conferenceId, call.occurrenceKey),
        headers: {},
        returns: 'nothing',
      };
    case 'get':
      // An id outside the API's alphabet names no conference (and '' would turn the path into the listing).
      if (!CONFERENCE_ID_PATTERN.test(call.conferenceId)) {
        throw new ProviderError('GET v1/conferences/{id}: not a conference id', {
          status: 404,
          code: 'NOT_FOUND',
          retryable: false,
        });
      }
      return { method: 'GET', path: conferencePath(call.conferenceId), headers: {}, returns: 'conference' };
    case 'findByEvent': {
      const query = `calendarId=${encodeURIComponent(call.calendarId)}&eventId=${encodeURIComponent(call.eventId)}`;
      return { method: 'GET', path: `v1/conferences?${query}`, headers: {}, returns: 'list' };
    }
  }
}

function conferencePath(conferenceId: string): string {
  return `v1/conferences/${encodeURIComponent(conferenceId)}`;
}

function occurrencePath(conferenceId: string, occurrenceKey: string): string {
  return `${conferencePath(conferenceId)}/occurrences/${encodeURIComponent(occurrenceKey)}`;
}

function parseErrorBody(body: string): { code?: string; message?: string } | null {
  try {
    const error = (JSON.parse(body) as { error?: unknown }).error;
    if (typeof error !== 'object' || error === null) return null;
    const { code, message } = error as Record<string, unknown>;
    return {
      code: typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code) ? code : undefined,
      message: typeof message === 'string' ? message.slice(0, 500) : undefined,
    };
  } catch {
    return null;
  }
}

/** `Retry-After` in seconds (the form the API uses); an HTTP date or garbage gives no hint. */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d{1,9}\s*$/.test(value)) return undefined;
  return Number(value.trim());
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNullableString = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
const isStringArray = (v: unknown): boolean => v === undefined || (Array.isArray(v) && v.every(isString));

/** Why a response body is not a Conference we can rely on, or null when it is one. */
function conferenceProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'body is not a JSON object';
  const c = value as Record<string, unknown>;
  if (!isString(c.id) || !CONFERENCE_ID_PATTERN.test(c.id)) return 'missing or invalid id';
  if (!isString(c.joinUrl) || !/^https?:\/\/[^\s]+$/i.test(c.joinUrl)) return 'missing or invalid joinUrl';
  if (typeof c.version !== 'number' || !Number.isInteger(c.version) || c.version < 1)
    return 'invalid version';
  if (c.title !== undefined && !isString(c.title)) return 'invalid title';
  for (const f of [
    'startTime',
    'endTime',
    'startDate',
    'endDate',
    'timeZone',
    'calendarId',
    'eventId',
  ] as const) {
    if (!isNullableString(c[f])) return `invalid ${f}`;
  }
  if (!isStringArray(c.recurrence)) return 'invalid recurrence';
  if (!isStringArray(c.attendees)) return 'invalid attendees';
  if (c.dialIn !== undefined && c.dialIn !== null) {
    const d = c.dialIn as Partial<DialIn>;
    if (typeof d !== 'object' || !isString(d.number) || !isNullableString(d.pin)) return 'invalid dialIn';
  }
  if (c.occurrences !== undefined && (typeof c.occurrences !== 'object' || c.occurrences === null)) {
    return 'invalid occurrences';
  }
  return null;
}

/** A validated body as a Conference, absent optional fields filled with their empty values. */
function normaliseConference(c: Record<string, unknown>): Conference {
  const str = (v: unknown): string | null => (isString(v) ? v : null);
  const dialIn = c.dialIn as DialIn | null | undefined;
  return {
    id: c.id as string,
    joinUrl: c.joinUrl as string,
    version: c.version as number,
    title: str(c.title) ?? '',
    startTime: str(c.startTime),
    endTime: str(c.endTime),
    startDate: str(c.startDate),
    endDate: str(c.endDate),
    timeZone: str(c.timeZone),
    recurrence: (c.recurrence as string[] | undefined) ?? [],
    attendees: (c.attendees as string[] | undefined) ?? [],
    calendarId: str(c.calendarId) ?? '',
    eventId: str(c.eventId) ?? '',
    ...(dialIn ? { dialIn: { number: dialIn.number, pin: dialIn.pin ?? '' } } : {}),
    occurrences: (c.occurrences as Record<string, OccurrenceOverride> | undefined) ?? {},
    createdAt: str(c.createdAt) ?? '',
    updatedAt: str(c.updatedAt) ?? '',
  };
}
