/**
 * UrlFetchApp: `fetch` and `fetchAll` doing real HTTP through the synchronous worker (fetchAll's requests run
 * concurrently), `muteHttpExceptions`, the HTTPResponse API, and the verbatim messages of
 * apps-script-services.md §1 and §13. Only loopback addresses are reached (the local stand-ins); any other host
 * is answered as Apps Script answers an unreachable one.
 */
import { appsScriptException, strictService } from './errors';
import type { ExecutionContext } from './execution';
import {
  isLoopbackUrl,
  type SyncFailure,
  type SyncHttp,
  type SyncRequest,
  type SyncResult,
} from './sync-http';

/** One request as the runtime saw it (for tests and the playground's log). */
export interface FetchRecord {
  user: string;
  execution: number;
  method: string;
  url: string;
  /** HTTP status, or the failure when no response came back ('refused' until it is known). */
  status: number | SyncFailure['failure'];
  /** Set when the request was part of a fetchAll call. */
  batch?: number;
}

export interface FetchParams {
  method?: string;
  headers?: Record<string, string>;
  payload?: unknown;
  contentType?: string;
  muteHttpExceptions?: boolean;
  followRedirects?: boolean;
  timeoutSeconds?: number;
  validateHttpsCertificates?: boolean;
  escaping?: boolean;
}

export class HttpResponse {
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
/** "The URL can have up to 2,082 characters." */
const MAX_URL_LENGTH = 2082;
/** `timeoutSeconds` default (2026 docs). */
const DEFAULT_TIMEOUT_SECONDS = 360;

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

interface Prepared {
  url: string;
  params: FetchParams;
  record: FetchRecord;
  request?: SyncRequest;
}

export interface UrlFetchHooks {
  http: SyncHttp;
  /** Every request, as it starts; a test may run another execution from here to interleave two. */
  onFetch(record: FetchRecord): void;
  /** Every request once its outcome is known. */
  onFetched(record: FetchRecord): void;
}

export function urlFetchApp(hooks: UrlFetchHooks, execution: ExecutionContext) {
  let batches = 0;
  const prepare = (url: unknown, params: FetchParams, batch?: number): Prepared => {
    if (typeof url !== 'string' || url === '') throw appsScriptException(`Invalid argument: ${url}`);
    if (url.length > MAX_URL_LENGTH) throw appsScriptException('Limit Exceeded: URLFetch URL Length.');
    if (params === null || typeof params !== 'object') throw appsScriptException('Invalid argument: params');
    const method = String(params.method ?? 'get').toLowerCase();
    if (!METHODS.includes(method)) throw appsScriptException('Invalid argument: method');
    const record: FetchRecord = {
      user: execution.user,
      execution: execution.id,
      method: method.toUpperCase(),
      url,
      status: 'refused',
      ...(batch === undefined ? {} : { batch }),
    };
    if (!isLoopbackUrl(url)) return { url, params, record };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(params.headers ?? {})) headers[name] = String(value);
    const { body, defaultType } = method === 'get' ? {} : encodePayload(params.payload);
    if (body !== undefined) {
      const type = params.contentType ?? defaultType ?? 'application/x-www-form-urlencoded';
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['Content-Type'] = type;
    }
    const timeoutSeconds = params.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    return {
      url,
      params,
      record,
      request: {
        url,
        method: method.toUpperCase(),
        headers,
        body,
        followRedirects: params.followRedirects !== false,
        timeoutMs: Math.max(1, timeoutSeconds * 1000),
      },
    };
  };
  /** Turns one outcome into a response or Apps Script's exception. */
  const settle = (p: Prepared, result: SyncResult | undefined): HttpResponse => {
    if (!result) {
      // The runtime reaches only the local stand-ins; anything else is answered as an unreachable address.
      hooks.onFetched(p.record);
      throw appsScriptException(`Address unavailable: ${p.url}`);
    }
    if ('failure' in result) {
      p.record.status = result.failure;
      hooks.onFetched(p.record);
      execution.checkTime();
      if (result.failure === 'timeout') throw appsScriptException(`Timeout: ${p.url}`);
      throw appsScriptException(`Address unavailable: ${result.url}`);
    }
    p.record.status = result.status;
    hooks.onFetched(p.record);
    const response = strictService(
      'HTTPResponse',
      new HttpResponse(result.status, result.headers, result.body),
    );
    if (result.status >= 400 && p.params.muteHttpExceptions !== true) {
      throw appsScriptException(requestFailedMessage(p.url, result.status, response.getContentText()));
    }
    return response;
  };
  const send = (prepared: Prepared[]): HttpResponse[] => {
    for (const p of prepared) hooks.onFetch(p.record);
    const live = prepared.filter((p) => p.request);
    const results = hooks.http.requestAll(
      live.map((p) => p.request!),
      execution.remainingMs() + 1,
    );
    const byPrepared = new Map(live.map((p, i) => [p, results[i]]));
    const responses: HttpResponse[] = [];
    let first: unknown;
    for (const p of prepared) {
      try {
        responses.push(settle(p, byPrepared.get(p)));
      } catch (e) {
        first ??= e;
      }
    }
    // One failure throws and discards every result (reference §1.1, fetchAll).
    if (first !== undefined) throw first;
    return responses;
  };
  return strictService('UrlFetchApp', {
    fetch(url: string, params: FetchParams = {}): HttpResponse {
      execution.checkTime();
      execution.stats.fetch++;
      return send([prepare(url, params)])[0];
    },
    fetchAll(requests: Array<string | (FetchParams & { url: string })>): HttpResponse[] {
      execution.checkTime();
      if (!Array.isArray(requests)) throw appsScriptException('Invalid argument: requests');
      execution.stats.fetchAll.push(requests.length);
      const batch = ++batches;
      const prepared = requests.map((r) => {
        if (typeof r === 'string') return prepare(r, {}, batch);
        if (r === null || typeof r !== 'object') throw appsScriptException(`Invalid argument: ${r}`);
        const { url, ...params } = r;
        return prepare(url, params, batch);
      });
      return send(prepared);
    },
    getRequest(url: string, params: FetchParams = {}) {
      execution.checkTime();
      const p = prepare(url, params);
      const headers = p.request?.headers ?? {};
      return {
        url,
        method: p.record.method.toLowerCase(),
        contentType: headers['Content-Type'] ?? params.contentType ?? 'application/x-www-form-urlencoded',
        payload: p.request?.body ? Buffer.from(p.request.body).toString('utf8') : '',
        headers,
        muteHttpExceptions: params.muteHttpExceptions === true,
        followRedirects: params.followRedirects !== false,
      };
    },
  });
}
