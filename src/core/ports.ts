/**
 * The ports through which the pure sync core reaches the outside: Calendar, the conference provider, this user's
 * state, a lock, the clock and a log. Apps Script adapters (src/platform) and in-memory fakes (test/addon/fakes)
 * implement them; the same contract tests prove both. Every method is synchronous, as Apps Script is.
 */
import type { Conference, OccurrenceOverride } from '../../contracts/conference-api';
import type { ConferenceFields } from './model';
import type { PropertyStorePort } from './state';

export interface ListEventsRequest {
  /** Incremental sync from this token; absent for a full sync. */
  syncToken?: string;
  pageToken?: string;
  /** Full sync only: exclusive lower bound on an event's end (RFC 3339). */
  timeMin?: string;
  maxResults: number;
  /** Always true: deleted events must come back with their ids (and details on the organizer's calendar). */
  showDeleted: true;
}

/** One page of `events.list`, items not yet validated: the core validates each one on its own. */
export interface EventsPage {
  items: unknown[];
  nextPageToken?: string;
  nextSyncToken?: string;
}

export interface CalendarPort {
  /** Throws SyncTokenRejectedError when the token is expired (410) or corrupt (400), CalendarApiError otherwise. */
  listEvents(calendarId: string, request: ListEventsRequest): EventsPage;
  /** The event (cancelled ones included, as Google returns them), or null when it does not exist (404). */
  getEvent(calendarId: string, eventId: string): unknown | null;
  /**
   * Ids of the calendars this user can write to (CalendarList.list, minAccessRole writer), hidden ones included:
   * where an event moved out of one of them (events.move) may have gone.
   */
  listWritableCalendars(): string[];
  /**
   * Writes the conference onto the event (Events.patch of `conferenceData` alone, conferenceDataVersion 1,
   * If-Match: etag). 'written' with the event's new etag, or 'changed' when Calendar answered 412 (the event
   * changed since it was read: re-read and decide again). Other failures throw CalendarApiError.
   */
  writeConference(
    calendarId: string,
    eventId: string,
    conference: Conference,
    etag: string,
  ): { kind: 'written'; etag?: string } | { kind: 'changed' };
}

export interface CreateConferenceInput {
  /** Deterministic per (calendar, event), ≤255 chars: a retried create never makes a second conference. */
  idempotencyKey: string;
  calendarId: string;
  eventId: string;
  fields: ConferenceFields;
}

/** One provider request of a wave. */
export type ProviderCall =
  | { kind: 'create'; input: CreateConferenceInput }
  /** PATCH of the given fields. NOT_FOUND surfaces as a ProviderError with code NOT_FOUND. */
  | { kind: 'update'; conferenceId: string; changes: Partial<ConferenceFields> }
  /** Done when the conference is gone, including when it was already gone (404). */
  | { kind: 'delete'; conferenceId: string }
  | { kind: 'setOccurrence'; conferenceId: string; occurrenceKey: string; override: OccurrenceOverride }
  /** Done when there is no override, including when there was none (404). */
  | { kind: 'clearOccurrence'; conferenceId: string; occurrenceKey: string }
  /** GET of one conference: its `conference`, or a ProviderError NOT_FOUND when unknown or deleted. */
  | { kind: 'get'; conferenceId: string }
  /** The live conferences made for this event (GET /v1/conferences?calendarId&eventId): in `conferences`. */
  | { kind: 'findByEvent'; calendarId: string; eventId: string };

/** What became of one call: the conference as the provider now has it (create, update, occurrence), or the error. */
export type ProviderOutcome =
  | { ok: true; conference?: Conference; conferences?: Conference[] }
  | { ok: false; error: unknown };

/**
 * The conference provider. Errors are ProviderError (retryable or not) or ProviderConfigError. `executeAll` sends
 * one wave of calls in parallel (UrlFetchApp.fetchAll) and answers one outcome per call, in order; a failing call
 * never hides the others' outcomes.
 */
export interface ConferenceProvider {
  create(input: CreateConferenceInput): Conference;
  executeAll(calls: ProviderCall[]): ProviderOutcome[];
}

export interface LockPort {
  /** Runs fn holding this user's lock; returns undefined without running it when the lock cannot be had in time. */
  withLock<T>(timeoutMs: number, fn: () => T): T | undefined;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface LogPort {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface SyncPorts {
  calendar: CalendarPort;
  provider: ConferenceProvider;
  /** This user's property store: read once and written once per run (state.ts). */
  state: PropertyStorePort;
  clock: Clock;
  log: LogPort;
}

export interface SyncOptions {
  /** Full sync lists events ending after now minus this many ms (default one day). */
  fullSyncLookbackMs: number;
  /** Page size for events.list (Google's maximum, 2500, by default). */
  pageSize: number;
  /** Upper bound on pages per run, so one run cannot exceed the Apps Script time limit unnoticed. */
  maxPages: number;
  /** A conference never seen attached to its event is deleted after this long (default one day). */
  unattachedExpiryMs: number;
  /** Provider requests sent in parallel in one wave (one UrlFetchApp.fetchAll). */
  waveWidth: number;
  /** Parked events re-read (Events.get) and retried per run at most. */
  maxRetriesPerRun: number;
  /**
   * The record of a meeting whose last occurrence ended longer ago than this is forgotten: user properties hold
   * 500 KB in all, and a meeting long over will not be edited again. The conference itself stays with the
   * provider as history. Default 30 days.
   */
  forgetEndedAfterMs: number;
  /**
   * Time after which a run sends no further wave and saves where it stopped (a cursor), so the next run resumes
   * there: Apps Script kills a trigger run at six minutes, and a killed run saves nothing. Default 4.5 minutes.
   */
  providerTimeBudgetMs: number;
  /**
   * A short digest of the provider configuration (base URL and key, never the key itself). A call the API refused
   * with 401/403 is retried at once when this differs from the one refused, at a slow cadence otherwise.
   */
  configFingerprint: string;
  /**
   * A deletion (event deleted, conference removed or replaced) is sent only once a run at least this long after
   * it was first seen reads the event again (Events.get) and finds that no event shows the conference: undo,
   * restore from the trash, a move and a split keep the conference. Default ten minutes.
   */
  deletionGraceMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  fullSyncLookbackMs: 24 * 60 * 60 * 1000,
  pageSize: 2500,
  maxPages: 40,
  unattachedExpiryMs: 24 * 60 * 60 * 1000,
  waveWidth: 50,
  maxRetriesPerRun: 100,
  forgetEndedAfterMs: 30 * 24 * 60 * 60 * 1000,
  providerTimeBudgetMs: 4.5 * 60 * 1000,
  configFingerprint: '',
  deletionGraceMs: 10 * 60 * 1000,
};
