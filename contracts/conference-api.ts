/**
 * The reference conference API's wire types (shared/spec/conference-api.md), the one contract that both the
 * add-on's provider client and the reference conference server speak. Types and constants only: nothing here
 * may depend on Apps Script or Node, because both sides import it.
 */

/** Fields a client may write (all but calendarId/eventId also through PATCH). */
export interface ConferenceWritableFields {
  title: string;
  startTime: string | null;
  endTime: string | null;
  startDate: string | null;
  endDate: string | null;
  timeZone: string | null;
  recurrence: string[];
  attendees: string[];
}

export interface DialIn {
  number: string;
  pin: string;
}

export interface OccurrenceOverride {
  startTime?: string | null;
  endTime?: string | null;
  startDate?: string | null;
  endDate?: string | null;
  cancelled?: boolean;
}

export interface Conference extends ConferenceWritableFields {
  id: string;
  calendarId: string;
  eventId: string;
  joinUrl: string;
  dialIn?: DialIn;
  occurrences: Record<string, OccurrenceOverride>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** `POST /v1/conferences` body: every writable field is optional except where the server says otherwise. */
export type CreateConferenceRequest = Partial<ConferenceWritableFields> & {
  calendarId?: string;
  eventId?: string;
};

/** `PATCH /v1/conferences/{id}` body. */
export type UpdateConferenceRequest = Partial<ConferenceWritableFields>;

export type ConferenceErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'FAILED_PRECONDITION'
  | 'PAYLOAD_TOO_LARGE'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL'
  | 'UNAVAILABLE';

export interface ConferenceErrorBody {
  error: { code: ConferenceErrorCode; message: string };
}

/** Limits fixed by the spec. */
export const CONFERENCE_LIMITS = {
  maxBodyBytes: 1024 * 1024,
  maxTitleLength: 1024,
  maxRecurrenceLines: 100,
  maxAttendees: 1000,
  maxIdempotencyKeyLength: 255,
  maxListItems: 1000,
} as const;

/** Occurrence keys: the instance's originalStartTime in UTC, `YYYYMMDDTHHMMSSZ`, or `YYYYMMDD` for all-day. */
export const OCCURRENCE_KEY_PATTERN = /^\d{8}(T\d{6}Z)?$/;

/** Conference ids: 1–64 chars of `[A-Za-z0-9_-]`. */
export const CONFERENCE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
