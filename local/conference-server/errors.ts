/**
 * The conference server's error type: a status, the spec's error code and a message for people, rendered as
 * `{ "error": { "code", "message" } }` by the app's error handler.
 */
import type { ConferenceErrorCode } from '../../contracts/conference-api';

/** The spec's code for each status it names; other statuses fall back by class. */
export function codeForStatus(status: number): ConferenceErrorCode {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 412:
      return 'FAILED_PRECONDITION';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 500:
      return 'INTERNAL';
    case 502:
    case 503:
    case 504:
      return 'UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  }
}

export class ApiError extends Error {
  readonly code: ConferenceErrorCode;
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    code?: ConferenceErrorCode,
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code ?? codeForStatus(status);
  }

  static invalid(message: string): ApiError {
    return new ApiError(400, message);
  }

  static notFound(message = 'conference not found'): ApiError {
    return new ApiError(404, message);
  }
}
