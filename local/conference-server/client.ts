/**
 * A typed client of the reference conference API (shared/spec/conference-api.md) on Node's global fetch, for
 * tests and the local demo. Non-2xx answers become a ConferenceApiError carrying status, the spec's error code
 * and Retry-After. It also drives the server's fault-injection admin endpoints. The add-on has its own client
 * (on UrlFetchApp); this one shares only the wire types in contracts/.
 */
import type {
  Conference,
  ConferenceErrorCode,
  CreateConferenceRequest,
  OccurrenceOverride,
  UpdateConferenceRequest,
} from '../../contracts/conference-api';

export class ConferenceApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ConferenceErrorCode | string,
    message: string,
    /** Seconds from the Retry-After header, when there was one. */
    readonly retryAfter: number | undefined,
    readonly body: unknown,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'ConferenceApiError';
  }
}

export interface FaultRuleInput {
  method?: string;
  pathPattern?: string;
  status?: number;
  count: number;
  retryAfterSeconds?: number;
  delayMs?: number;
}

export interface ConferenceClientOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:8080/api`. */
  baseUrl: string;
  apiKey: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: any;
}

export class ConferenceClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ConferenceClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Any request against the base URL, without throwing on non-2xx (for tests of error answers). */
  async raw(
    method: string,
    path: string,
    init: { body?: unknown; rawBody?: string; headers?: Record<string, string>; auth?: boolean } = {},
  ): Promise<RawResponse> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (init.auth !== false) headers.authorization = `Bearer ${this.apiKey}`;
    let body: string | undefined = init.rawBody;
    if (init.body !== undefined) body = JSON.stringify(init.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    const response = await this.fetchImpl(this.baseUrl + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<RawResponse> {
    const response = await this.raw(method, path, { body, headers });
    if (response.status >= 200 && response.status < 300) return response;
    const error = (response.body as { error?: { code?: string; message?: string } } | undefined)?.error;
    const retryAfterHeader = response.headers.get('retry-after');
    const retryAfter =
      retryAfterHeader !== null && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : undefined;
    throw new ConferenceApiError(
      response.status,
      error?.code ?? 'UNKNOWN',
      error?.message ?? `HTTP ${response.status}`,
      retryAfter,
      response.body,
    );
  }

  /** POST /v1/conferences. `created` is false when the key had already created this conference (200). */
  async createConference(
    request: CreateConferenceRequest,
    idempotencyKey: string,
  ): Promise<{ conference: Conference; created: boolean }> {
    const response = await this.call('POST', '/v1/conferences', request, {
      'idempotency-key': idempotencyKey,
    });
    return { conference: response.body as Conference, created: response.status === 201 };
  }

  async getConference(id: string): Promise<Conference> {
    return (await this.call('GET', `/v1/conferences/${encodeURIComponent(id)}`)).body as Conference;
  }

  async listConferences(filter: { calendarId?: string; eventId?: string } = {}): Promise<Conference[]> {
    const query = new URLSearchParams();
    if (filter.calendarId !== undefined) query.set('calendarId', filter.calendarId);
    if (filter.eventId !== undefined) query.set('eventId', filter.eventId);
    const suffix = query.size > 0 ? `?${query}` : '';
    return ((await this.call('GET', `/v1/conferences${suffix}`)).body as { items: Conference[] }).items;
  }

  /** PATCH /v1/conferences/{id}; `ifMatch` is the version the change was computed from. */
  async updateConference(
    id: string,
    patch: UpdateConferenceRequest,
    options: { ifMatch?: number } = {},
  ): Promise<Conference> {
    const headers = options.ifMatch === undefined ? undefined : { 'if-match': `"${options.ifMatch}"` };
    return (await this.call('PATCH', `/v1/conferences/${encodeURIComponent(id)}`, patch, headers))
      .body as Conference;
  }

  async deleteConference(id: string): Promise<void> {
    await this.call('DELETE', `/v1/conferences/${encodeURIComponent(id)}`);
  }

  async putOccurrence(id: string, key: string, override: OccurrenceOverride): Promise<Conference> {
    const path = `/v1/conferences/${encodeURIComponent(id)}/occurrences/${encodeURIComponent(key)}`;
    return (await this.call('PUT', path, override)).body as Conference;
  }

  async deleteOccurrence(id: string, key: string): Promise<void> {
    await this.call(
      'DELETE',
      `/v1/conferences/${encodeURIComponent(id)}/occurrences/${encodeURIComponent(key)}`,
    );
  }

  /** The admin endpoints live beside the API (`<origin>/admin/v1`), not under the base URL. */
  private adminUrl(): string {
    return this.baseUrl.replace(/\/api$/, '') + '/admin/v1/faults';
  }

  async injectFault(rule: FaultRuleInput): Promise<void> {
    const response = await this.fetchImpl(this.adminUrl(), {
      method: 'POST',
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(rule),
    });
    if (response.status !== 201) throw new Error(`injecting a fault failed: HTTP ${response.status}`);
    await response.arrayBuffer();
  }

  async clearFaults(): Promise<void> {
    const response = await this.fetchImpl(this.adminUrl(), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${this.apiKey}` },
    });
    if (response.status !== 204) throw new Error(`clearing faults failed: HTTP ${response.status}`);
    await response.arrayBuffer();
  }
}
