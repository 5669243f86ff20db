/**
 * HttpTransport over UrlFetchApp. `muteHttpExceptions: true`, so every HTTP status comes back as a response and
 * the provider client maps it; only failures without a response throw (DNS, refused connection, timeout,
 * quota, URL refused by the platform), and those become HttpTransportError. Redirects are not followed: a
 * redirect would be an unexpected hop for a request that carries the bearer key.
 */
import {
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  HttpTransportError,
} from '../provider/http';

/** The fetch options this transport sends (`timeoutSeconds` is documented but not yet in the type package). */
export interface UrlFetchParams {
  method: GoogleAppsScript.URL_Fetch.HttpMethod;
  headers: Record<string, string>;
  payload?: string;
  contentType?: string;
  muteHttpExceptions: boolean;
  followRedirects: boolean;
  timeoutSeconds: number;
}

interface UrlFetchResponse {
  getResponseCode(): number;
  getHeaders(): object;
  getContentText(): string;
}

export interface UrlFetchService {
  fetch(url: string, params: UrlFetchParams): UrlFetchResponse;
  /** Absent on the plainest doubles: the requests are then sent one after the other. */
  fetchAll?(requests: Array<UrlFetchParams & { url: string }>): UrlFetchResponse[];
}

/** UrlFetch failures that no retry can fix: the URL itself, or the domain admin's allowlist, is the problem. */
const PERMANENT_FETCH_FAILURES = [/^Invalid argument/i, /^Limit Exceeded/i, /not permitted by your admin/i];

/**
 * "Service invoked too many times for one day: urlfetch.": the daily quota resets within a day, so the change is
 * kept and retried in a few hours rather than dropped.
 */
const DAILY_QUOTA = /for one day/i;
const DAILY_QUOTA_RETRY_SECONDS = 4 * 60 * 60;

export class UrlFetchHttpTransport implements HttpTransport {
  constructor(
    private readonly urlFetch: UrlFetchService,
    private readonly timeoutSeconds = 30,
  ) {}

  send(request: HttpRequest): HttpResponse {
    let response: UrlFetchResponse;
    try {
      response = this.urlFetch.fetch(request.url, this.params(request));
    } catch (e) {
      throw translate(e);
    }
    return toResponse(response);
  }

  /**
   * One fetchAll: the requests run in parallel. With muteHttpExceptions every HTTP status comes back; fetchAll
   * throws only when a request got no response at all, and then it discards every result, so each request of the
   * wave is answered with that failure and the sync loop sends them again, alone.
   */
  sendAll(requests: HttpRequest[]): Array<HttpResponse | HttpTransportError> {
    if (requests.length === 0) return [];
    if (!this.urlFetch.fetchAll) {
      return requests.map((request) => {
        try {
          return this.send(request);
        } catch (e) {
          return e instanceof HttpTransportError ? e : translate(e);
        }
      });
    }
    let responses: UrlFetchResponse[];
    try {
      responses = this.urlFetch.fetchAll(
        requests.map((request) => ({ url: request.url, ...this.params(request) })),
      );
    } catch (e) {
      const error = translate(e);
      return requests.map(() => error);
    }
    return requests.map((_, i) => {
      const response = responses[i];
      return response ? toResponse(response) : new HttpTransportError('fetchAll returned no response', true);
    });
  }

  private params(request: HttpRequest): UrlFetchParams {
    const headers: Record<string, string> = {};
    let contentType: string | undefined;
    for (const [name, value] of Object.entries(request.headers)) {
      // UrlFetchApp takes the content type as its own option and would otherwise default to form encoding.
      if (name.toLowerCase() === 'content-type') contentType = value;
      else headers[name] = value;
    }
    const params: UrlFetchParams = {
      method: request.method.toLowerCase() as GoogleAppsScript.URL_Fetch.HttpMethod,
      headers,
      muteHttpExceptions: true,
      followRedirects: false,
      timeoutSeconds: this.timeoutSeconds,
    };
    if (request.body !== undefined) {
      params.payload = request.body;
      params.contentType = contentType ?? 'application/json; charset=utf-8';
    }
    return params;
  }
}

function translate(e: unknown): HttpTransportError {
  const message = e instanceof Error ? e.message : String(e);
  if (DAILY_QUOTA.test(message)) {
    return new HttpTransportError(message, true, { cause: e, retryAfterSeconds: DAILY_QUOTA_RETRY_SECONDS });
  }
  const retryable = !PERMANENT_FETCH_FAILURES.some((pattern) => pattern.test(message));
  return new HttpTransportError(message, retryable, { cause: e });
}

function toResponse(response: UrlFetchResponse): HttpResponse {
  return {
    status: response.getResponseCode(),
    headers: (response.getHeaders() ?? {}) as Record<string, string>,
    body: response.getContentText() ?? '',
  };
}
