/**
 * The provider client's only view of HTTP: one synchronous `send`. The Apps Script adapter (UrlFetchApp) and test
 * stubs implement it; keeping it this small is what lets the client stay pure and be tested without Apps Script.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  /** Already serialised (JSON text); absent for requests without a body. */
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** Header names as the server sent them; look them up with `headerValue` (case-insensitive). */
  headers: Record<string, string | string[]>;
  body: string;
}

export interface HttpTransport {
  /** Returns every HTTP response, whatever its status; throws HttpTransportError when no response came back. */
  send(request: HttpRequest): HttpResponse;
  /**
   * Sends the requests in parallel (UrlFetchApp.fetchAll) and answers, in order, each response or the
   * HttpTransportError of a request that got none. Never throws. Without it, requests go one at a time.
   */
  sendAll?(requests: HttpRequest[]): Array<HttpResponse | HttpTransportError>;
}

/**
 * No HTTP response at all: DNS failure, connection refused, timeout, or the platform refusing the call.
 * `retryable` is false only when trying again cannot help (a URL the platform will never fetch).
 */
export class HttpTransportError extends Error {
  readonly retryable: boolean;
  /** When the platform knows how long the failure lasts (a daily quota), in seconds. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    message: string,
    retryable: boolean,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.name = 'HttpTransportError';
    this.retryable = retryable;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** A header's value, looked up case-insensitively (HTTP/2 servers send lower-case names, others do not). */
export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === wanted) {
      const value = headers[key];
      return Array.isArray(value) ? value[0] : value;
    }
  }
  return undefined;
}
