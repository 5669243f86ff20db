/**
 * One sync run of one calendar: retry what is due, list the changes (incremental from the stored token, or one
 * bounded full sync when there is none or it was rejected), validate, plan and apply each event, and store the new
 * token only after the last page. The procedure follows Google's guides
 * (https://developers.google.com/workspace/calendar/api/guides/sync and
 * https://developers.google.com/workspace/add-ons/calendar/conferencing/sync-calendar-changes) without the
 * defects of their sample (shared/reference/calendar-api.md §6): guarded reads, a token per calendar, no orderBy
 * or updatedMin, typed token rejection, showDeleted, ownership by record, and a real update branch.
 * Locking is the caller's (one run per user at a time).
 */
import { type ApplyOutcome, applyAction } from './applyAction';
import {
  CalendarApiError,
  describeError,
  InvalidEventError,
  ProviderConfigError,
  ProviderError,
  SyncTokenRejectedError,
} from './errors';
import type { CalendarEvent, EventFailure, PendingRetry, SyncReport } from './model';
import {
  callsProvider,
  planAction,
  planExpiries,
  planForgets,
  type SyncAction,
  seriesIdOfInstance,
  seriesIdOfSplit,
} from './planActions';
import {
  DEFAULT_SYNC_OPTIONS,
  type EventsPage,
  type ListEventsRequest,
  type SyncOptions,
  type SyncPorts,
} from './ports';
import { ProviderCircuit } from './providerCircuit';
import { retryNotBefore } from './retryPolicy';
import { validateEvent } from './validateEvent';

export function syncCalendar(
  ports: SyncPorts,
  calendarId: string,
  options?: Partial<SyncOptions>,
): SyncReport {
  const guarded: SyncPorts = { ...ports, provider: new ProviderCircuit(ports.provider) };
  return new SyncRun(guarded, calendarId, { ...DEFAULT_SYNC_OPTIONS, ...options }).run();
}

type ListingResult =
  | { kind: 'complete'; nextSyncToken: string }
  | { kind: 'rejected'; error: SyncTokenRejectedError }
  | { kind: 'incomplete'; reason: NonNullable<SyncReport['incomplete']>; message: string };
/** What a run ends with: a rejected token has already been turned into a full sync or an incomplete result. */
type ListingEnd = Exclude<ListingResult, { kind: 'rejected' }>;

class SyncRun {
  private readonly report: SyncReport;
  private readonly nowMs: number;
  /** Loaded once, so that an event that syncs cleanly costs no store write unless something must be cleared. */
  private failed = new Set<string>();
  private pending = new Map<string, PendingRetry>();
  /** A retry that could not be written: the token must not pass it. */
  private retryNotSaved = false;

  constructor(
    private readonly ports: SyncPorts,
    private readonly calendarId: string,
    private readonly options: SyncOptions,
  ) {
    this.nowMs = ports.clock.now();
    this.report = emptyReport(calendarId);
  }

  run(): SyncReport {
    this.failed = new Set(this.ports.store.listFailures(this.calendarId).map((f) => f.eventId));
    this.pending = new Map(this.ports.store.listPendingRetries(this.calendarId).map((r) => [r.eventId, r]));
    this.retryDuePending();
    const listing = this.checkRetriesSaved(this.listChanges());
    if (listing.kind === 'complete') {
      this.ports.store.setSyncToken(this.calendarId, listing.nextSyncToken);
      this.report.tokenStored = true;
      this.expireUnattached();
      this.forgetLongEnded();
    } else {
      this.report.incomplete = listing.reason;
      this.report.failures.push({ eventId: '', message: listing.message, willRetry: true });
      this.ports.log.warn(`sync of ${this.calendarId} stopped early: ${listing.message}`);
    }
    this.logSummary();
    return this.report;
  }

  /**
   * The token may pass a change only once it is applied or parked for a retry. When parking failed (the user's
   * property store full, say), the run ends without the token, so the next one lists those changes again.
   */
  private checkRetriesSaved(listing: ListingEnd): ListingEnd {
    if (listing.kind !== 'complete' || !this.retryNotSaved) return listing;
    return {
      kind: 'incomplete',
      reason: 'retry-not-saved',
      message: 'a change waiting for a retry could not be saved; the token stays so it is listed again',
    };
  }

  /** Pending provider changes whose time has come, re-planned from the latest event state they hold. */
  private retryDuePending(): void {
    for (const retry of [...this.pending.values()]) {
      if (Date.parse(retry.notBefore) > this.nowMs) continue;
      this.report.retried++;
      this.syncEvent(retry.event, retry.attempts);
    }
  }

  private listChanges(): ListingEnd {
    const token = this.ports.store.getSyncToken(this.calendarId);
    if (token === null) return this.fullSync('no-token');
    this.report.mode = 'incremental';
    const incremental = this.listAllPages({ syncToken: token });
    if (incremental.kind !== 'rejected') return incremental;
    // Expired (410) or corrupt (400) token: wipe it and do one bounded full sync; no recursion.
    this.ports.log.warn(`sync token of ${this.calendarId} rejected (${incremental.error.reason}); full sync`);
    this.ports.store.clearSyncToken(this.calendarId);
    return this.fullSync(incremental.error.reason === 'expired' ? 'token-expired' : 'token-invalid');
  }

  /**
   * Events ending after now minus the look-back, deleted ones included. No orderBy and no updatedMin: either
   * may keep Google from returning a nextSyncToken, and updatedMin can itself be refused (defect B4).
   */
  private fullSync(reason: NonNullable<SyncReport['fullSyncReason']>): ListingEnd {
    this.report.mode = 'full';
    this.report.fullSyncReason = reason;
    const timeMin = new Date(this.nowMs - this.options.fullSyncLookbackMs).toISOString();
    const result = this.listAllPages({ timeMin });
    if (result.kind !== 'rejected') return result;
    // Refused again without any token of ours: trying once more would loop. Report it and stop.
    return {
      kind: 'incomplete',
      reason: 'token-rejected-during-full-sync',
      message: `full sync rejected: ${result.error.message}`,
    };
  }

  /** Pages to the last one, processing each page as it comes; the token is only taken from the last page. */
  private listAllPages(query: Pick<ListEventsRequest, 'syncToken' | 'timeMin'>): ListingResult {
    let pageToken: string | undefined;
    for (let pages = 0; pages < this.options.maxPages; pages++) {
      const request: ListEventsRequest = { ...query, maxResults: this.options.pageSize, showDeleted: true };
      if (pageToken !== undefined) request.pageToken = pageToken;
      const fetched = this.fetchPage(request);
      if (fetched.kind !== 'page') return fetched;
      const page = fetched.page;
      this.report.pages++;
      for (const item of page.items) this.processItem(item);
      if (page.nextPageToken === undefined) {
        if (page.nextSyncToken !== undefined) return { kind: 'complete', nextSyncToken: page.nextSyncToken };
        return {
          kind: 'incomplete',
          reason: 'no-sync-token',
          message: 'the last page carried no nextSyncToken',
        };
      }
      pageToken = page.nextPageToken;
    }
    return {
      kind: 'incomplete',
      reason: 'max-pages',
      message: `stopped after ${this.options.maxPages} pages; no token stored, the next run lists again`,
    };
  }

  /** A rejected token and a retryable Calendar error are outcomes; anything else propagates, token untouched. */
  private fetchPage(request: ListEventsRequest): { kind: 'page'; page: EventsPage } | ListingResult {
    try {
      return { kind: 'page', page: this.ports.calendar.listEvents(this.calendarId, request) };
    } catch (error) {
      if (error instanceof SyncTokenRejectedError) return { kind: 'rejected', error };
      if (error instanceof CalendarApiError && error.retryable) {
        return { kind: 'incomplete', reason: 'calendar-unavailable', message: error.message };
      }
      throw error;
    }
  }

  private processItem(raw: unknown): void {
    this.report.eventsSeen++;
    const event = validateEvent(raw);
    if (event instanceof InvalidEventError) {
      this.recordFailure(event.eventId ?? '', 'invalid-event', event.message, false);
      return;
    }
    const pending = this.pending.get(event.id);
    if (pending && Date.parse(pending.notBefore) > this.nowMs) {
      // Still waiting (Retry-After, backoff): keep the wait, but retry with this newer state of the event.
      this.savePendingRetry({ ...pending, event });
      return;
    }
    this.syncEvent(event, pending?.attempts ?? 0);
  }

  /** Plans and applies one event; whatever goes wrong stays with this event and the run goes on. */
  private syncEvent(event: CalendarEvent, previousAttempts: number): void {
    try {
      const action = this.plan(event);
      if (callsProvider(action) && this.outOfTime()) {
        this.defer(event, previousAttempts);
        return;
      }
      this.count(applyAction(this.ports, action));
      this.settle(event.id);
    } catch (error) {
      this.onEventError(event, error, previousAttempts);
    }
  }

  private outOfTime(): boolean {
    return this.ports.clock.now() - this.nowMs > this.options.providerTimeBudgetMs;
  }

  /** Parked as a retry due at once: the token may pass it, and the next run starts with it. */
  private defer(event: CalendarEvent, attempts: number): void {
    this.park(event, attempts, this.nowMs, 'deferred: the run used up its time budget');
    this.report.deferred++;
  }

  /** Keeps the event's latest state as a pending retry, not tried before `notBeforeMs`. */
  private park(event: CalendarEvent, attempts: number, notBeforeMs: number, lastError: string): void {
    const retry: PendingRetry = {
      calendarId: this.calendarId,
      eventId: event.id,
      event,
      attempts,
      notBefore: new Date(notBeforeMs).toISOString(),
      lastError,
    };
    this.savePendingRetry(retry);
    this.pending.set(event.id, retry);
  }

  private plan(event: CalendarEvent): SyncAction {
    const store = this.ports.store;
    const own = store.getRecord(this.calendarId, event.id);
    const seriesId = event.recurringEventId ?? seriesIdOfInstance(event.id);
    const master = own === null && seriesId ? store.getRecord(this.calendarId, seriesId) : null;
    const splitId = own === null && master === null ? seriesIdOfSplit(event.id) : null;
    const splitFrom = splitId ? store.getRecord(this.calendarId, splitId) : null;
    return planAction(event, { own, master, splitFrom }, this.nowMs, this.options);
  }

  /** The event is in step: drop its pending retry and its reported failure, if it had any. */
  private settle(eventId: string): void {
    this.dropPending(eventId);
    if (this.failed.delete(eventId)) this.ports.store.clearFailure(this.calendarId, eventId);
  }

  private onEventError(event: CalendarEvent, error: unknown, previousAttempts: number): void {
    const message = describeError(error);
    if (error instanceof ProviderError && error.retryable) {
      this.keepForRetry(event, error, previousAttempts + 1, message);
      return;
    }
    this.dropPending(event.id);
    // 400/401/403/413 and bad configuration: the same request would fail the same way.
    const permanent = error instanceof ProviderError || error instanceof ProviderConfigError;
    if (!permanent) this.ports.log.error(`unexpected error syncing event ${event.id}`, { error: message });
    this.recordFailure(event.id, permanent ? 'provider-rejected' : 'unexpected-error', message, false, event);
  }

  private keepForRetry(event: CalendarEvent, error: ProviderError, attempts: number, message: string): void {
    if (attempts > this.options.maxRetryAttempts) {
      this.dropPending(event.id);
      this.recordFailure(event.id, 'gave-up', `gave up after ${attempts} attempts: ${message}`, false, event);
      return;
    }
    this.park(
      event,
      attempts,
      retryNotBefore(this.nowMs, attempts, event.id, error.retryAfterSeconds),
      message,
    );
    this.recordFailure(event.id, 'provider-retrying', message, true, event);
  }

  private dropPending(eventId: string): void {
    if (this.pending.delete(eventId)) this.ports.store.deletePendingRetry(this.calendarId, eventId);
  }

  private recordFailure(
    eventId: string,
    kind: EventFailure['kind'],
    message: string,
    willRetry: boolean,
    event?: CalendarEvent,
  ): void {
    const at = new Date(this.nowMs).toISOString();
    this.report.failures.push({ eventId, message, willRetry });
    const failure: EventFailure = { calendarId: this.calendarId, eventId, at, kind, message };
    if (event?.summary) failure.summary = event.summary;
    const start = event?.start?.dateTime ?? event?.start?.date;
    if (start) failure.start = start;
    try {
      this.ports.store.putFailure(failure);
      this.failed.add(eventId);
    } catch (error) {
      // Only the status card misses it; the report and the log still carry the failure.
      this.ports.log.error(`could not record the failure of event ${eventId}`, {
        error: describeError(error),
      });
    }
  }

  private savePendingRetry(retry: PendingRetry): void {
    try {
      this.ports.store.putPendingRetry(retry);
    } catch (error) {
      this.retryNotSaved = true;
      this.ports.log.error(`could not save the retry of event ${retry.eventId}`, {
        error: describeError(error),
      });
    }
  }

  /**
   * Conferences made for edits the user never saved; only after a complete listing, which could attach them. The
   * record alone is no proof, so each event is read first: an event that exists is planned like a listed one
   * (attached if it carries our conference, deleted only if it visibly does not); a 404 means it never was saved.
   */
  private expireUnattached(): void {
    const records = this.ports.store.listRecords(this.calendarId);
    for (const action of planExpiries(records, this.nowMs, this.options)) {
      if (action.kind !== 'delete') continue;
      try {
        const raw = this.ports.calendar.getEvent(this.calendarId, action.eventId);
        const event = raw === null ? null : validateEvent(raw);
        if (event !== null && !(event instanceof InvalidEventError)) this.syncEvent(event, 0);
        else if (event === null) this.count(applyAction(this.ports, action));
        // An event Calendar has but we cannot read is no ground for a delete: kept for a later run.
      } catch (error) {
        // Kept: the next complete run finds the same expired record and tries again.
        this.ports.log.warn(`could not expire the unattached conference of ${action.eventId}`, {
          error: describeError(error),
        });
        this.report.failures.push({
          eventId: action.eventId,
          message: describeError(error),
          willRetry: true,
        });
      }
    }
  }

  /**
   * Keeps the user's property store (500 KB in all) from filling with meetings long over, and with failures nobody
   * acted on for as long (an event that syncs cleanly clears its own at once).
   */
  private forgetLongEnded(): void {
    const store = this.ports.store;
    for (const record of planForgets(store.listRecords(this.calendarId), this.nowMs, this.options)) {
      store.deleteRecord(this.calendarId, record.eventId);
      this.dropPending(record.eventId);
      if (this.failed.delete(record.eventId)) store.clearFailure(this.calendarId, record.eventId);
      this.report.forgotten++;
    }
    for (const failure of store.listFailures(this.calendarId)) {
      if (this.nowMs - Date.parse(failure.at) > this.options.forgetEndedAfterMs) {
        store.clearFailure(this.calendarId, failure.eventId);
        this.failed.delete(failure.eventId);
      }
    }
  }

  private count(outcome: ApplyOutcome): void {
    const r = this.report;
    if (outcome === 'not-ours') r.notOurs++;
    else if (outcome === 'unchanged') r.unchanged++;
    else if (outcome === 'updated') r.updated++;
    else if (outcome === 'deleted') r.deleted++;
    else r.occurrencesChanged++;
  }

  private logSummary(): void {
    const r = this.report;
    const line =
      `sync ${r.calendarId}: ${r.mode}${r.fullSyncReason ? ` (${r.fullSyncReason})` : ''}, pages ${r.pages}, ` +
      `seen ${r.eventsSeen}, updated ${r.updated}, deleted ${r.deleted}, occurrences ${r.occurrencesChanged}, ` +
      `unchanged ${r.unchanged}, not ours ${r.notOurs}, retried ${r.retried}, forgotten ${r.forgotten}, ` +
      `deferred ${r.deferred}, ` +
      `failures ${r.failures.length}, ` +
      `token ${r.tokenStored ? 'stored' : 'not stored'}${r.incomplete ? `, incomplete: ${r.incomplete}` : ''}`;
    this.ports.log.info(line, { report: r });
  }
}

function emptyReport(calendarId: string): SyncReport {
  return {
    calendarId,
    mode: 'incremental',
    pages: 0,
    eventsSeen: 0,
    updated: 0,
    deleted: 0,
    occurrencesChanged: 0,
    unchanged: 0,
    notOurs: 0,
    retried: 0,
    forgotten: 0,
    deferred: 0,
    failures: [],
    tokenStored: false,
  };
}
