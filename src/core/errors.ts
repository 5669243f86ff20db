/**
 * Typed errors. Platform errors are translated into these once, at the adapter; the core decides by type and
 * field, never by message text.
 */

/**
 * The stored sync token was refused: expired (410 fullSyncRequired) or corrupt (400 "Invalid sync token value.").
 * The core clears the token and runs one bounded full sync.
 */
export class SyncTokenRejectedError extends Error {
  readonly reason: 'expired' | 'invalid';
  constructor(reason: 'expired' | 'invalid', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SyncTokenRejectedError';
    this.reason = reason;
  }
}

/** Any other Calendar API failure. `status` is the HTTP code when known; `retryable` for 403/429 rate limits and 5xx. */
export class CalendarApiError extends Error {
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly retryable: boolean;
  constructor(
    message: string,
    details: { status?: number; reason?: string; retryable: boolean },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CalendarApiError';
    this.status = details.status;
    this.reason = details.reason;
    this.retryable = details.retryable;
  }
}

/** An event from Calendar that does not have the shape the engine needs. Recorded per event; never blocks a sync. */
export class InvalidEventError extends Error {
  readonly eventId: string | undefined;
  constructor(message: string, eventId?: string) {
    super(message);
    this.name = 'InvalidEventError';
    this.eventId = eventId;
  }
}

/**
 * The provider answered with an error, or could not be reached. `retryable`: 429, 5xx, timeouts and network
 * failures; everything else (400, 401, 403, 404, 412, 413) is permanent for that request. Messages never carry
 * the API key.
 */
export class ProviderError extends Error {
  readonly status: number | undefined;
  readonly code: string;
  readonly retryable: boolean;
  /** From Retry-After, in seconds, when the provider sent one. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    message: string,
    details: { status?: number; code: string; retryable: boolean; retryAfterSeconds?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderError';
    this.status = details.status;
    this.code = details.code;
    this.retryable = details.retryable;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** The add-on's configuration (Script Properties) is missing or unsafe; says which property and why. */
export class ProviderConfigError extends Error {
  readonly property: string;
  constructor(property: string, message: string) {
    super(message);
    this.name = 'ProviderConfigError';
    this.property = property;
  }
}

/** `Name: message` of anything thrown, for logs and per-event failures. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
