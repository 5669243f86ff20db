/**
 * The ports through which the pure sync core reaches the outside: Calendar, the conference provider, this user's
 * state, a lock, the clock and a log. Apps Script adapters (src/platform) and in-memory fakes (test/addon/fakes)
 * implement them; the same contract tests prove both. Every method is synchronous, as Apps Script is.
 */
import type { Conference, OccurrenceOverride } from '../../contracts/conference-api';
import type { ConferenceFields, ConferenceRecord, EventFailure, PendingRetry } from './model';

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
}

export interface CreateConferenceInput {
  /** Deterministic per (calendar, event), ≤255 chars: a retried create never makes a second conference. */
  idempotencyKey: string;
  calendarId: string;
  eventId: string;
  fields: ConferenceFields;
}

/** The conference provider. Errors are ProviderError (retryable or not) or ProviderConfigError. */
export interface ConferenceProvider {
  create(input: CreateConferenceInput): Conference;
  /** PATCH only the given fields. NOT_FOUND surfaces as ProviderError with code NOT_FOUND. */
  update(conferenceId: string, changes: Partial<ConferenceFields>): Conference;
  /** Resolves when the conference is gone, including when it was already gone (404). */
  delete(conferenceId: string): void;
  setOccurrence(conferenceId: string, occurrenceKey: string, override: OccurrenceOverride): void;
  /** Resolves when there is no override, including when there was none (404). */
  clearOccurrence(conferenceId: string, occurrenceKey: string): void;
}

/** This user's durable state. Keys are per calendar: two calendars never share a token or a record. */
export interface StateStore {
  getSyncToken(calendarId: string): string | null;
  setSyncToken(calendarId: string, token: string): void;
  clearSyncToken(calendarId: string): void;

  getRecord(calendarId: string, eventId: string): ConferenceRecord | null;
  putRecord(record: ConferenceRecord): void;
  deleteRecord(calendarId: string, eventId: string): void;
  listRecords(calendarId: string): ConferenceRecord[];

  listPendingRetries(calendarId: string): PendingRetry[];
  putPendingRetry(retry: PendingRetry): void;
  deletePendingRetry(calendarId: string, eventId: string): void;

  listFailures(calendarId: string): EventFailure[];
  putFailure(failure: EventFailure): void;
  clearFailure(calendarId: string, eventId: string): void;
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
  store: StateStore;
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
  /** Retries of one event's provider change before it is reported as given up. */
  maxRetryAttempts: number;
  /**
   * The record of a single (non-recurring) event that ended longer ago than this is forgotten: user properties
   * hold 500 KB in all, and a meeting long over will not be edited again. The conference itself stays with the
   * provider as history. Default 30 days.
   */
  forgetEndedAfterMs: number;
  /**
   * Time after which a run stops calling the provider and parks the remaining changes as retries due at once:
   * Apps Script kills a trigger run at six minutes, and a killed run saves nothing. Default 4.5 minutes.
   */
  providerTimeBudgetMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  fullSyncLookbackMs: 24 * 60 * 60 * 1000,
  pageSize: 2500,
  maxPages: 40,
  unattachedExpiryMs: 24 * 60 * 60 * 1000,
  maxRetryAttempts: 10,
  forgetEndedAfterMs: 30 * 24 * 60 * 60 * 1000,
  providerTimeBudgetMs: 4.5 * 60 * 1000,
};
