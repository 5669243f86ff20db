/**
 * CalendarPort over the Calendar advanced service (`Calendar.Events`). Lists with a `fields` mask limited to
 * what the engine reads, and translates Google's errors exactly once, here, into the core's typed errors: an
 * expired (410 fullSyncRequired) or corrupt (400 "Invalid sync token value.") token → SyncTokenRejectedError;
 * rate limits and 5xx → retryable CalendarApiError. Recognised from `e.details` when present, otherwise from
 * the message, with or without the `API call to calendar.events.list failed with error: ` prefix. Writes only
 * `conferenceData` back (Events.patch, If-Match: a 412 answers 'changed'), and lists the writable calendars.
 */
import type { Conference } from '../../contracts/conference-api';
import { CalendarApiError, SyncTokenRejectedError } from '../core/errors';
import type { CalendarPort, EventsPage, ListEventsRequest } from '../core/ports';
import { conferenceDataJson } from './conferenceData';

/** The part of the advanced service used here (the real `Calendar` object satisfies it). */
export interface CalendarEventsService {
  Events: {
    list(calendarId: string, optionalArgs: Record<string, unknown>): unknown;
    get(calendarId: string, eventId: string, optionalArgs: Record<string, unknown>): unknown;
    /** Apps Script's order: body, path parameters, optional arguments, request headers. */
    patch(
      resource: Record<string, unknown>,
      calendarId: string,
      eventId: string,
      optionalArgs: Record<string, unknown>,
      headers: Record<string, string>,
    ): unknown;
  };
  CalendarList: {
    list(optionalArgs: Record<string, unknown>): unknown;
  };
}

/** The event fields the engine reads (model.ts CalendarEvent); nothing else is transferred. */
export const EVENT_FIELDS =
  'id,status,summary,start,end,recurrence,recurringEventId,originalStartTime,' +
  'attendees(email,responseStatus,resource),organizer(email,self),' +
  'conferenceData(conferenceId,conferenceSolution/key/type),etag,updated';
export const LIST_FIELDS = `items(${EVENT_FIELDS}),nextPageToken,nextSyncToken`;

export class AppsScriptCalendarPort implements CalendarPort {
  constructor(private readonly calendar: CalendarEventsService) {}

  listEvents(calendarId: string, request: ListEventsRequest): EventsPage {
    const args: Record<string, unknown> = {
      maxResults: request.maxResults,
      showDeleted: request.showDeleted,
      fields: LIST_FIELDS,
    };
    if (request.syncToken !== undefined) args.syncToken = request.syncToken;
    if (request.pageToken !== undefined) args.pageToken = request.pageToken;
    if (request.timeMin !== undefined) args.timeMin = request.timeMin;
    let response: unknown;
    try {
      response = this.calendar.Events.list(calendarId, args);
    } catch (e) {
      throw translateCalendarError(e, 'list', request.syncToken !== undefined);
    }
    return toEventsPage(response);
  }

  getEvent(calendarId: string, eventId: string): unknown | null {
    try {
      return this.calendar.Events.get(calendarId, eventId, { fields: EVENT_FIELDS }) ?? null;
    } catch (e) {
      const error = translateCalendarError(e, 'get', false);
      if (error instanceof CalendarApiError && error.status === 404) return null;
      throw error;
    }
  }

  listWritableCalendars(): string[] {
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const args: Record<string, unknown> = { minAccessRole: 'writer', showHidden: true, maxResults: 250 };
      if (pageToken !== undefined) args.pageToken = pageToken;
      let response: { items?: unknown; nextPageToken?: unknown };
      try {
        response = (this.calendar.CalendarList.list(args) ?? {}) as typeof response;
      } catch (e) {
        throw translateCalendarError(e, 'calendarList.list', false);
      }
      if (response.items !== undefined && !Array.isArray(response.items)) {
        throw new CalendarApiError('calendarList.list returned items that are not an array', {
          retryable: false,
        });
      }
      for (const item of (response.items as unknown[] | undefined) ?? []) {
        const entry = item as { id?: unknown; deleted?: unknown } | null;
        if (typeof entry?.id === 'string' && entry.deleted !== true && !ids.includes(entry.id))
          ids.push(entry.id);
      }
      const next = response.nextPageToken;
      pageToken = typeof next === 'string' && next !== '' && next !== pageToken ? next : undefined;
    } while (pageToken !== undefined);
    return ids;
  }

  writeConference(
    calendarId: string,
    eventId: string,
    conference: Conference,
    etag: string,
  ): { kind: 'written'; etag?: string } | { kind: 'changed' } {
    let response: unknown;
    try {
      response = this.calendar.Events.patch(
        { conferenceData: conferenceDataJson(conference) },
        calendarId,
        eventId,
        { conferenceDataVersion: 1, fields: 'etag' },
        { 'If-Match': etag },
      );
    } catch (e) {
      const error = translateCalendarError(e, 'patch', false);
      if (error instanceof CalendarApiError && error.status === 412) return { kind: 'changed' };
      throw error;
    }
    const newEtag = (response as { etag?: unknown } | null)?.etag;
    return typeof newEtag === 'string' && newEtag !== ''
      ? { kind: 'written', etag: newEtag }
      : { kind: 'written' };
  }
}

function toEventsPage(response: unknown): EventsPage {
  const r = (response ?? {}) as { items?: unknown; nextPageToken?: unknown; nextSyncToken?: unknown };
  if (r.items !== undefined && !Array.isArray(r.items)) {
    throw new CalendarApiError('events.list returned items that are not an array', { retryable: false });
  }
  const page: EventsPage = { items: (r.items as unknown[] | undefined) ?? [] };
  if (typeof r.nextPageToken === 'string' && r.nextPageToken !== '') page.nextPageToken = r.nextPageToken;
  if (typeof r.nextSyncToken === 'string' && r.nextSyncToken !== '') page.nextSyncToken = r.nextSyncToken;
  return page;
}

const API_PREFIX = /^API call to [\w.]+ failed with error:\s*/;
const RATE_LIMIT_REASONS = ['rateLimitExceeded', 'userRateLimitExceeded'];

/** Google's error texts that identify a status when `e.details` is missing (older runtimes, message-only errors). */
const STATUS_BY_MESSAGE: Array<[RegExp, number, string]> = [
  [/^Sync token is no longer valid/i, 410, 'fullSyncRequired'],
  [/^Invalid sync token value/i, 400, 'invalid'],
  [/^Not Found$/i, 404, 'notFound'],
  [/^(Precondition Failed|conditionNotMet)/i, 412, 'conditionNotMet'],
  [/^User Rate Limit Exceeded/i, 403, 'userRateLimitExceeded'],
  [/^Rate Limit Exceeded/i, 403, 'rateLimitExceeded'],
  [/^Calendar usage limits exceeded/i, 403, 'quotaExceeded'],
  [/^(Backend Error|Internal Error|We're sorry, a server error occurred)/i, 500, 'backendError'],
];

/** The advanced-service methods whose errors are translated here. */
export type CalendarMethod = 'list' | 'get' | 'patch' | 'calendarList.list';

/** Translates anything thrown by the advanced service into SyncTokenRejectedError or CalendarApiError. */
export function translateCalendarError(e: unknown, method: CalendarMethod, withSyncToken: boolean): Error {
  const raw = e as { message?: unknown; details?: unknown } | null;
  const details = (typeof raw?.details === 'object' && raw.details !== null ? raw.details : {}) as {
    code?: unknown;
    message?: unknown;
    errors?: Array<{ reason?: unknown; message?: unknown }>;
  };
  const thrownMessage = typeof raw?.message === 'string' ? raw.message : String(e);
  const firstError = Array.isArray(details.errors) ? details.errors[0] : undefined;
  const apiMessage = (
    typeof details.message === 'string' && details.message !== ''
      ? details.message
      : typeof firstError?.message === 'string'
        ? firstError.message
        : thrownMessage
  ).replace(API_PREFIX, '');
  const known = STATUS_BY_MESSAGE.find(([pattern]) => pattern.test(apiMessage));
  const status = typeof details.code === 'number' ? details.code : known?.[1];
  const reason = typeof firstError?.reason === 'string' ? firstError.reason : known?.[2];
  const resource = method.startsWith('calendarList.') ? method : `events.${method}`;
  const text = `calendar.${resource} failed: ${apiMessage}`;

  if (withSyncToken) {
    // Any 410 on an incremental list means the token is gone (Google's sync guide); fullSyncRequired is its reason.
    if (status === 410 || /^Sync token is no longer valid/i.test(apiMessage)) {
      return new SyncTokenRejectedError('expired', text, { cause: e });
    }
    if (status === 400 && /^Invalid sync token value/i.test(apiMessage)) {
      return new SyncTokenRejectedError('invalid', text, { cause: e });
    }
  }
  const retryable =
    status === 429 ||
    (status !== undefined && status >= 500) ||
    (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.includes(reason));
  return new CalendarApiError(text, { status, reason, retryable }, { cause: e });
}
