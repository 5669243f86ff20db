/**
 * The sync core's own view of the world: a Calendar event narrowed to what the engine reads (after validation,
 * see validateEvent.ts), the record this user keeps of each conference it created, and the report of one run.
 * Domain words follow the Calendar API (syncToken, cancelled, recurringEventId, originalStartTime).
 */
import type { ConferenceWritableFields } from '../../contracts/conference-api';

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

/** The event's organizer (the provider's attendee cap keeps this address); `self` is false on an attendee's copy. */
export interface EventOrganizer {
  email?: string;
  self?: boolean;
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
  organizer?: EventOrganizer;
  etag?: string;
  updated?: string;
}

/** What the provider cares about, as last sent or as now wanted. Same shape as the API's writable fields. */
export type ConferenceFields = ConferenceWritableFields;

/**
 * This user's record of a conference the add-on created. Its existence is what makes an event "ours":
 * attendees' copies carry the same conferenceData but no record in *their* store.
 *
 * Compact by design (state/codec.ts stores one in about 40 bytes): a record keeps what ownership and change
 * detection need — the conference id, a digest of the fields last sent, the end of the last occurrence for
 * pruning — never a copy of the fields, so its size does not depend on the guest list or the title.
 */
export interface ConferenceRecord {
  calendarId: string;
  /** The event id. Stored only while the record is unattached; read back from storage it is the argument given. */
  eventId: string;
  conferenceId: string;
  /** Digest of the provider fields last sent (conferenceFields.fieldsDigest); a change is sent when it differs. */
  digest: string;
  /**
   * Milliseconds since the epoch at which the last occurrence ends, rounded up to a day; null when the series is
   * open-ended or the end is unknown (never forgotten by age).
   */
  lastEnd: number | null;
  /** Recurring records: the series' own length (ms), to tell an instance still in its own slot. */
  spanMs?: number;
  /** Occurrence overrides last sent: occurrence key (`YYYYMMDDTHHMMSSZ` / `YYYYMMDD`) → override digest. */
  occurrences: Record<string, string>;
  /**
   * False from createConference until a sync first sees the event carrying this conference id. Calendar calls
   * createConference before the event is saved (or before the user saves the edit), so an event seen without our
   * conference while not yet attached is not a removal.
   */
  attached: boolean;
  /** RFC 3339, when createConference made it (drives expiry of never-attached conferences); unattached only. */
  createdAt?: string;
  /**
   * Set only after the provider lost the conference and the sync recreated it (see applyAction.ts): the id the
   * Calendar event still carries, which then differs from `conferenceId` because the add-on cannot rewrite the
   * event yet. Ownership checks compare the event against this id when present.
   */
  eventConferenceId?: string;
  /**
   * The id the provider lost, kept once the new conference was written onto the event: a copy of the event made
   * before that write (Calendar's "Duplicate") still shows it, and the provider answers 404 for it. Such a copy is
   * recognised as this calendar's by this id and gets a conference of its own.
   */
  replacedConferenceId?: string;
  /**
   * Milliseconds since the epoch at which a sync first saw the event no longer showing the conference (deleted,
   * conference removed or replaced, or only an attendee's copy left after a move). The deletion is sent only when
   * a run at least `deletionGraceMs` later reads the event again and no event of this user shows the conference.
   */
  pendingDeletion?: number;
  /**
   * One part of a split series ("this and following") whose conference another part's record leads: its
   * occurrence changes are sent, its own fields are not (the conference has one title and one schedule: the part
   * holding the meetings still to come). It leads once the leading part is gone.
   */
  secondary?: boolean;
  /**
   * A tombstone: the conference was deleted at this time (ms since the epoch) because no event showed it. Kept
   * for `forgetEndedAfterMs` so that an event restored from the trash, or a draft saved after its conference
   * expired, still showing the dead conference gets a new one written onto it.
   */
  deletedAt?: number;
  /**
   * A create that makes this record's conference again (the provider lost it) went unanswered (a timeout, a
   * 5xx): the provider may hold a conference for this event that no record names. A retried create finds it (one
   * key per event); if the record is deleted instead, the conferences made for the event and named by no record
   * are looked up and deleted (sweepUnansweredRecreates), so none is left at the provider unrecorded.
   */
  recreateUnsure?: boolean;
}

/**
 * A provider change that failed with a retryable error and waits for a later run. Only the id is kept: the retry
 * re-reads the event (Events.get), so it always sends the event's latest state and costs a few bytes.
 */
export interface PendingRetry {
  calendarId: string;
  eventId: string;
  attempts: number;
  /** RFC 3339; not retried before this (honours Retry-After). */
  notBefore: string;
  lastError: string;
  /**
   * Set when the conference API rejected the key (401/403): the configuration fingerprint it rejected. Retried
   * at once when the configuration has changed since, at a slow cadence otherwise.
   */
  rejectedConfig?: string;
}

/**
 * Where an interrupted listing goes on: the query it was (token or full-sync bound) and the page to ask for
 * next. Saved when a run stops early (time budget, provider outage), so the next run resumes there and the token
 * never passes a change that was not applied.
 */
export interface ListingCursor {
  syncToken?: string;
  timeMin?: string;
  /** Absent: start the query from its first page. */
  pageToken?: string;
  /** Runs that stopped at this cursor because of the provider, for the backoff. */
  attempts: number;
  /** RFC 3339: the provider asked to wait (Retry-After) or is backing off; no provider call before this. */
  notBefore?: string;
  lastError?: string;
  /** The run stopped because the API rejected the key: the fingerprint rejected (see PendingRetry). */
  rejectedConfig?: string;
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
  /** Changes left for the next run (time budget, provider outage): it resumes at the saved cursor. */
  deferred: number;
  /** Conferences whose event no longer shows them, waiting for the deletion's confirmation (after the run). */
  pendingDeletions: number;
  /** Other calendars of this user that events moved to; their records were handed over (sync them). */
  movedTo: string[];
  /** Provider requests sent, and the fetchAll waves they went in. */
  requests: number;
  waves: number;
  failures: Array<{ eventId: string; message: string; willRetry: boolean }>;
  tokenStored: boolean;
  /** Why the listing stopped before its last page (no token was stored then); absent when it completed. */
  incomplete?:
    | 'max-pages'
    | 'token-rejected-during-full-sync'
    | 'calendar-unavailable'
    | 'no-sync-token'
    /** The state store could not take this run's write (full?): the token stays, nothing is lost. */
    | 'state-not-saved'
    /** The provider failed (outage, rate limit) or the time budget ran out: the run resumes at its cursor. */
    | 'provider-unavailable'
    | 'time-budget'
    /** A provider backoff is in force: no listing until it is over. */
    | 'waiting';
}
