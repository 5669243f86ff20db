/**
 * The sync core's own view of the world: a Calendar event narrowed to what the engine reads (after validation,
 * see validateEvent.ts), the record this user keeps of each conference it created, and the report of one run.
 * Domain words follow the Calendar API (syncToken, cancelled, recurringEventId, originalStartTime).
 */
import type { ConferenceWritableFields, OccurrenceOverride } from '../../contracts/conference-api';

/** `start`/`end`/`originalStartTime` of an event: exactly one of dateTime (timed) or date (all-day). */
export interface EventTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

export interface EventAttendee {
  email?: string;
  responseStatus?: string;
  resource?: boolean;
}

/** The part of `conferenceData` the engine reads to tell whether the event still carries our conference. */
export interface EventConference {
  conferenceId?: string;
  solutionType?: string;
}

/**
 * A validated event from `Calendar.Events.list` / `get`. A deleted event may carry only `id` and `status`;
 * a cancelled occurrence of a recurring event carries `id`, `recurringEventId` and `originalStartTime`.
 */
export interface CalendarEvent {
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  summary?: string;
  start?: EventTime;
  end?: EventTime;
  recurrence?: string[];
  recurringEventId?: string;
  originalStartTime?: EventTime;
  attendees?: EventAttendee[];
  conference?: EventConference;
  etag?: string;
  updated?: string;
}

/** What the provider cares about, as last sent or as now wanted. Same shape as the API's writable fields. */
export type ConferenceFields = ConferenceWritableFields;

/**
 * This user's record of a conference the add-on created. Its existence is what makes an event "ours":
 * attendees' copies carry the same conferenceData but no record in *their* store.
 */
export interface ConferenceRecord {
  calendarId: string;
  eventId: string;
  conferenceId: string;
  /** What the provider was last told; a change is PATCHed only when it differs from this. */
  sent: ConferenceFields;
  /** Occurrence overrides last sent, by occurrence key (`YYYYMMDDTHHMMSSZ` / `YYYYMMDD`). */
  occurrences: Record<string, OccurrenceOverride>;
  /**
   * False from createConference until a sync first sees the event carrying this conference id. Calendar calls
   * createConference before the event is saved (or before the user saves the edit), so an event seen without our
   * conference while not yet attached is not a removal.
   */
  attached: boolean;
  /** RFC 3339, when createConference made it (drives expiry of never-attached conferences). */
  createdAt: string;
  /**
   * Set only after the provider lost the conference and the sync recreated it (see applyAction.ts): the id the
   * Calendar event still carries, which then differs from `conferenceId` because the add-on cannot rewrite the
   * event yet. Ownership checks compare the event against this id when present.
   */
  eventConferenceId?: string;
}

/** A provider change that failed with a retryable error and waits for the next run. */
export interface PendingRetry {
  calendarId: string;
  eventId: string;
  /** The latest validated event state to re-plan from; newer listings of the same id replace it. */
  event: CalendarEvent;
  attempts: number;
  /** RFC 3339; not retried before this (honours Retry-After). */
  notBefore: string;
  lastError: string;
}

/** A per-event failure kept where a person can see it (status card, logs), cleared when the event syncs. */
export interface EventFailure {
  calendarId: string;
  eventId: string;
  at: string;
  kind: 'invalid-event' | 'provider-rejected' | 'provider-retrying' | 'gave-up' | 'unexpected-error';
  message: string;
  /** The event's title and start when known, so a person can tell which meeting it is. */
  summary?: string;
  start?: string;
}

export interface SyncReport {
  calendarId: string;
  mode: 'incremental' | 'full' | 'skipped';
  /** Why a full sync ran: no token yet, or the stored one was rejected. */
  fullSyncReason?: 'no-token' | 'token-expired' | 'token-invalid';
  pages: number;
  eventsSeen: number;
  updated: number;
  deleted: number;
  occurrencesChanged: number;
  unchanged: number;
  notOurs: number;
  retried: number;
  /** Records of single events long over, dropped to keep the property store small (no provider call). */
  forgotten: number;
  /** Changes parked for the next run because this one ran out of its time budget. */
  deferred: number;
  failures: Array<{ eventId: string; message: string; willRetry: boolean }>;
  tokenStored: boolean;
  /** Why the listing stopped before its last page (no token was stored then); absent when it completed. */
  incomplete?:
    | 'max-pages'
    | 'token-rejected-during-full-sync'
    | 'calendar-unavailable'
    | 'no-sync-token'
    /** A change to retry could not be written to the state store (full?): the token stays, nothing is lost. */
    | 'retry-not-saved';
}
