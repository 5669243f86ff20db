/**
 * Google API errors for the Calendar emulator: one class carrying Google's error body, the
 * constructors for every error the emulator can raise (bodies copied from
 * reference/calendar-fixtures.md §5 and calendar-api.md §1.7 / §2.2), and the Apps Script form of an
 * error (`GoogleJsonResponseException`) used by a local Apps Script runtime.
 */

export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message: string;
  locationType?: string;
  location?: string;
}

export interface GoogleErrorBody {
  error: { errors: GoogleErrorItem[]; code: number; message: string };
}

/** An error the engine throws; `toBody()` is exactly what the HTTP front sends. */
export class GoogleApiError extends Error {
  readonly code: number;
  readonly errors: GoogleErrorItem[];

  constructor(code: number, item: GoogleErrorItem) {
    super(item.message);
    this.name = 'GoogleApiError';
    this.code = code;
    this.errors = [item];
  }

  get reason(): string {
    return this.errors[0].reason;
  }

  toBody(): GoogleErrorBody {
    // Key order as Google sends it: errors, code, message.
    return { error: { errors: this.errors.map((e) => ({ ...e })), code: this.code, message: this.message } };
  }
}

function err(code: number, domain: string, reason: string, message: string, location?: [string, string]) {
  const item: GoogleErrorItem = { domain, reason, message };
  if (location) {
    item.locationType = location[0];
    item.location = location[1];
  }
  return new GoogleApiError(code, item);
}

export const Errors = {
  notFound: () => err(404, 'global', 'notFound', 'Not Found'),
  deleted: () => err(410, 'global', 'deleted', 'Resource has been deleted'),
  conditionNotMet: () => err(412, 'global', 'conditionNotMet', 'Precondition Failed', ['header', 'If-Match']),
  duplicate: () => err(409, 'global', 'duplicate', 'The requested identifier already exists.'),
  fullSyncRequired: () =>
    err(410, 'calendar', 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', [
      'parameter',
      'syncToken',
    ]),
  updatedMinTooLongAgo: () =>
    err(
      410,
      'calendar',
      'updatedMinTooLongAgo',
      'The requested minimum modification time lies too far in the past.',
      ['parameter', 'updatedMin'],
    ),
  /** Corrupt or foreign sync token: a 400, not a 410 (fixtures §5.2; reason "invalid" unverified). */
  invalidSyncToken: () => err(400, 'global', 'invalid', 'Invalid sync token value.'),
  invalidPageToken: () => err(400, 'global', 'invalid', 'Invalid page token value.'),
  /** COMMUNITY text (calendar-api.md §1.3); domain unconfirmed. */
  syncTokenWithRequestRestrictions: () =>
    err(
      400,
      'calendar',
      'syncTokenWithRequestRestrictions',
      'Sync token cannot be used with other request restrictions.',
    ),
  timeRangeEmpty: (location = 'timeMax') =>
    err(400, 'calendar', 'timeRangeEmpty', 'The specified time range is empty.', ['parameter', location]),
  orderingNotAvailable: () =>
    err(400, 'global', 'badRequest', 'The requested ordering is not available for the particular query.'),
  invalid: (message: string, location?: string) =>
    err(400, 'global', 'invalid', message, location ? ['parameter', location] : undefined),
  required: (message: string) => err(400, 'global', 'required', message),
  invalidParameter: (name: string, message?: string) =>
    err(400, 'global', 'invalidParameter', message ?? `Invalid value for parameter: ${name}`, [
      'parameter',
      name,
    ]),
  parseError: () => err(400, 'global', 'parseError', 'Parse Error'),
  badRequest: (message = 'Bad Request') => err(400, 'global', 'badRequest', message),
  authError: () => err(401, 'global', 'authError', 'Invalid Credentials', ['header', 'Authorization']),
  forbiddenForNonOrganizer: () =>
    err(
      403,
      'calendar',
      'forbiddenForNonOrganizer',
      'Shared properties can only be changed by the organizer of the event.',
    ),
  notModified: () => err(304, 'global', 'notModified', 'Not Modified'),
  /** A missing required query parameter, as Google's front end words it. */
  requiredParameter: (name: string) =>
    err(400, 'global', 'required', `Required parameter: ${name}`, ['parameter', name]),
  /** 403 for a role below what the method needs (wording from public reports of Google's answers). */
  requiredAccessLevel: (role: 'writer' | 'owner') =>
    err(403, 'calendar', 'requiredAccessLevel', `You need to have ${role} access to this calendar.`),
  /** events.move of one instance of a series (reason as Google names it; wording unconfirmed). */
  cannotChangeOrganizerOfInstance: () =>
    err(400, 'calendar', 'cannotChangeOrganizerOfInstance', 'Cannot change the organizer of an instance.'),
  /** events.move by someone who is not the organizer (wording unconfirmed). */
  cannotChangeOrganizer: () =>
    err(400, 'calendar', 'cannotChangeOrganizer', 'Cannot change the organizer of this event.'),
  /** Only default events can be moved (events.move reference); reason and wording unconfirmed. */
  eventTypeRestriction: (message: string) => err(400, 'calendar', 'eventTypeRestriction', message),
  /** acl changes to the calendar owner's own rule (reason as Google names it; wording unconfirmed). */
  cannotChangeOwnAcl: () =>
    err(400, 'calendar', 'cannotChangeOwnAcl', 'Cannot change your own access level.'),
  /**
   * More guests than an event may have. The limit is a switch (default 1000); Google's exact body for
   * this case is not in its documentation, so the reason and wording here are the emulator's own.
   */
  tooManyAttendees: (cap: number) =>
    err(400, 'calendar', 'tooManyAttendees', `An event can have at most ${cap} guests.`, [
      'body',
      'attendees',
    ]),
  /** A watch with a channel id already in use (reason as Google names it). */
  channelIdNotUnique: (id: string) => err(400, 'push', 'channelIdNotUnique', `Channel id ${id} not unique`),
  /** A route of the 38 v3 methods the emulator does not serve: distinct from a 404 for a wrong id. */
  notImplemented: (method: string) =>
    err(
      501,
      'global',
      'notImplemented',
      `calendar.${method} is not implemented by this emulator (see local/calendar-emulator/README.md).`,
    ),
};

/** Google's body for an injected fault: known reasons get their documented domain and message. */
export function faultError(status: number, reason?: string): GoogleApiError {
  const known: Record<string, [string, string]> = {
    rateLimitExceeded: ['usageLimits', 'Rate Limit Exceeded'],
    userRateLimitExceeded: ['usageLimits', 'User Rate Limit Exceeded'],
    quotaExceeded: ['usageLimits', 'Calendar usage limits exceeded.'],
    backendError: ['global', 'Backend Error'],
    notFound: ['global', 'Not Found'],
    deleted: ['global', 'Resource has been deleted'],
    conditionNotMet: ['global', 'Precondition Failed'],
    authError: ['global', 'Invalid Credentials'],
    fullSyncRequired: ['calendar', 'Sync token is no longer valid, a full sync is required.'],
    badRequest: ['global', 'Bad Request'],
    forbidden: ['global', 'Forbidden'],
  };
  const defaults: Record<number, string> = {
    400: 'badRequest',
    401: 'authError',
    403: 'forbidden',
    404: 'notFound',
    410: 'deleted',
    412: 'conditionNotMet',
    429: 'rateLimitExceeded',
    500: 'backendError',
    503: 'backendError',
  };
  const r = reason ?? defaults[status] ?? 'backendError';
  const [domain, message] = known[r] ?? ['global', r];
  return err(status, domain, r, message);
}

/** What Apps Script's advanced Calendar service throws (apps-script-services.md §0, §11, §13 #28). */
export interface AppsScriptError extends Error {
  name: 'GoogleJsonResponseException';
  details: { code: number; message: string; errors: GoogleErrorItem[] };
}

/**
 * Builds the Apps Script form of an API error. `method` is the API method name
 * (`list`, `get`, `insert`, `patch`, `update`, `delete`, `instances`; `remove` maps to `delete`
 * because that is the name Google puts in the message). `prefix=false` gives the bare form the
 * official samples compare against.
 */
export function toAppsScriptError(e: GoogleApiError, method: string, prefix = true): AppsScriptError {
  const apiMethod = method === 'remove' ? 'delete' : method;
  const message = prefix
    ? `API call to calendar.events.${apiMethod} failed with error: ${e.message}`
    : e.message;
  const out = new Error(message) as AppsScriptError;
  out.name = 'GoogleJsonResponseException';
  out.details = { code: e.code, message: e.message, errors: e.errors.map((x) => ({ ...x })) };
  return out;
}
