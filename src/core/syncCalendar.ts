/**
 * One sync run of one calendar, planned then applied in batches: retry what is due, list the changes
 * (incremental from the stored token, from a saved cursor, or one bounded full sync), and for each page validate
 * and plan every item against the state read at the start, send the provider calls in parallel waves
 * (`executeAll`, one UrlFetchApp.fetchAll each), settle the outcomes in memory, and write the state once at the
 * end. The token is stored only after the last page; a run cut short (provider outage, time budget) saves a
 * cursor at the page it stopped in, so the next run resumes there and nothing is skipped.
 *
 * Two calls for one conference never share a wave and keep their order: items are taken in rounds, one item per
 * conference a round, each round planned against the state the previous one settled.
 *
 * The procedure follows Google's guides (https://developers.google.com/workspace/calendar/api/guides/sync and
 * https://developers.google.com/workspace/add-ons/calendar/conferencing/sync-calendar-changes) without the defects
 * of their sample: guarded reads, a token per calendar, no orderBy or updatedMin, typed token rejection,
 * showDeleted, ownership by record, and a real update branch. Locking is the caller's (one run per user at a time).
 */
import type { Conference } from '../../contracts/conference-api';
import {
  type ApplyOutcome,
  forget,
  prepare,
  putRecord,
  recreateCall,
  settle,
  settleRecreate,
} from './applyAction';
import { clampNotes, diffFields, fieldsFromEvent, hasChanges } from './conferenceFields';
import {
  CalendarApiError,
  describeError,
  InvalidEventError,
  ProviderError,
  SyncTokenRejectedError,
} from './errors';
import type {
  CalendarEvent,
  ConferenceFields,
  ConferenceRecord,
  EventFailure,
  ListingCursor,
  PendingRetry,
  SyncReport,
} from './model';
import {
  isAttendeeCopy,
  isDeletionDue,
  isExpiredUnattached,
  planAction,
  planForgets,
  type SeenBy,
  type SyncAction,
  seriesIdOfInstance,
  seriesIdOfSplit,
  splitStart,
} from './planActions';
import {
  DEFAULT_SYNC_OPTIONS,
  type EventsPage,
  type ListEventsRequest,
  type ProviderCall,
  type SyncOptions,
  type SyncPorts,
} from './ports';
import { retryNotBefore } from './retryPolicy';
import {
  type CalendarState,
  eventKey,
  MAX_FAILURES_PER_CALENDAR,
  MAX_RETRIES_PER_CALENDAR,
  StateStoreFullError,
  UserState,
} from './state';
import { validateEvent } from './validateEvent';

export interface SyncContext {
  /** The state read under the lock (serializedSync.ts); read here when absent. */
  state?: UserState;
  /** The rerun request this sync serves, recorded with its write. */
  serves?: string | null;
}

export function syncCalendar(
  ports: SyncPorts,
  calendarId: string,
  options?: Partial<SyncOptions>,
  context: SyncContext = {},
): SyncReport {
  const snapshot = context.state === undefined ? ports.state.readAll() : undefined;
  const state = context.state ?? new UserState(snapshot ?? {});
  // A calendar whose stored state cannot be read would be rewritten as empty: say so where a person looks.
  for (const { calendarId: id, reason } of state.unreadable) {
    ports.log.error(`the stored state of ${id} could not be read (${reason}); its records start afresh`);
  }
  const run = new SyncRun(ports, state, calendarId, { ...DEFAULT_SYNC_OPTIONS, ...options });
  if (context.serves) state.edit(calendarId).served = context.serves;
  const report = run.run();
  save(ports, state, calendarId, report, context.serves ?? null);
  return report;
}

/**
 * The run's one write. When the store cannot take it, nothing of the run is kept but the note that says so and
 * the rerun it served: the token stays where it was, so the next run lists the same changes again.
 */
function save(
  ports: SyncPorts,
  state: UserState,
  calendarId: string,
  report: SyncReport,
  serves: string | null,
): void {
  try {
    // A run whose state fits again clears the note that a previous one did not.
    if (state.usage().full !== null && state.hasRoomFor(0)) state.clearFullNote();
    state.commit(ports.state);
    return;
  } catch (error) {
    if (!(error instanceof StateStoreFullError)) throw error;
    // Failures are only what the card shows; the changes themselves are in the records, retries and cursor. Without
    // them the run's state is no larger than what the store took before, so syncing (and its clean-up) goes on.
    const cal = state.edit(calendarId);
    if (cal.failures.size > 0) {
      const dropped = 'the property store is full; the failures shown on the card are dropped';
      ports.log.warn(`sync of ${calendarId}: ${dropped}`);
      cal.failuresDropped += cal.failures.size;
      cal.failures.clear();
      try {
        state.commit(ports.state);
        return;
      } catch (again) {
        if (!(again instanceof StateStoreFullError)) throw again;
      }
    }
    const bytes = state.usage().bytes;
    report.tokenStored = false;
    report.incomplete = 'state-not-saved';
    const message = `the property store cannot take this run's state (${bytes} bytes): nothing of it was kept; the next run lists the same changes again`;
    report.failures.push({ eventId: '', message, willRetry: true });
    ports.log.error(`sync of ${calendarId}: ${message}`, { error: describeError(error) });
    try {
      const fallback = new UserState(ports.state.readAll());
      if (serves) fallback.edit(calendarId).served = serves;
      fallback.noteFull({ at: new Date(ports.clock.now()).toISOString(), bytes });
      fallback.commit(ports.state);
    } catch (noteError) {
      // Not even the note fits: the log and the report carry it; the next run tries again from the same token.
      ports.log.error('could not note the full property store', { error: describeError(noteError) });
    }
  }
}

type ListingResult =
  | { kind: 'complete'; nextSyncToken: string }
  | { kind: 'rejected'; error: SyncTokenRejectedError }
  | { kind: 'incomplete'; reason: NonNullable<SyncReport['incomplete']>; message: string };
type ListingEnd = Exclude<ListingResult, { kind: 'rejected' }>;

/** Events to plan and apply; `seenBy` 'get' when each was read on its own just now (see planActions SeenBy). */
type Batch = Array<{ event: CalendarEvent; attempts: number; seenBy?: SeenBy }>;

/** Why a batch stopped before its end. */
type Stop = { reason: 'provider-unavailable'; error: ProviderError } | { reason: 'time-budget' };

/** One action under way: its event, the call in flight, and how often that call has been sent this run. */
interface Step {
  event: CalendarEvent;
  action: SyncAction;
  call: ProviderCall;
  sends: number;
  /**
   * The call re-creates the conference of this event (a series master for an occurrence change) with these
   * fields: the provider lost it (a 404), or the add-on had deleted it before the event came back. Once made, it
   * is written onto the event (read with `etag`, or read again when absent).
   */
  recreate: boolean;
  recreating?: { eventId: string; wanted: ConferenceFields; etag?: string; calendarId?: string };
  /** The event came from the retry list: its attempts so far. */
  attempts: number;
}

class SyncRun {
  private readonly report: SyncReport;
  private readonly startMs: number;
  private readonly cal: CalendarState;
  private resumingAfterOutage = false;
  /** Events to read and apply once more before the run ends (a split part that now leads the conference). */
  private readonly followUps = new Set<string>();
  /** Events whose deletion (or attendee's copy) this run saw first: perhaps moved (followMovesAtOnce). */
  private readonly newlyGone = new Set<string>();
  /** `_R` parts of a split of ours seen deleted before they were adopted: perhaps moved (followMovesAtOnce). */
  private readonly goneSplitParts = new Set<string>();
  /** Unrecorded attendee's copies showing a conference of ours, by event id: perhaps moved (followMovesAtOnce). */
  private readonly movedCopies = new Map<string, string>();
  /** The user's writable calendars, listed at most once per run (moves). */
  private writable: string[] | null = null;

  constructor(
    private readonly ports: SyncPorts,
    private readonly state: UserState,
    private readonly calendarId: string,
    private readonly options: SyncOptions,
  ) {
    this.startMs = ports.clock.now();
    this.report = emptyReport(calendarId);
    this.cal = state.edit(calendarId);
  }

  run(): SyncReport {
    const cursor = this.cal.cursor;
    if (cursor?.notBefore !== undefined && this.stillWaiting(cursor.notBefore, cursor.rejectedConfig)) {
      this.report.mode = 'skipped';
      this.report.incomplete = 'waiting';
      this.report.failures.push({
        eventId: '',
        message: `the conference API is backing off until ${this.cal.cursor?.notBefore} (${this.cal.cursor?.lastError ?? 'unavailable'})`,
        willRetry: true,
      });
      this.logSummary();
      return this.report;
    }
    const stoppedInRetries = this.retryDue();
    const listing = stoppedInRetries
      ? this.stoppedListing(stoppedInRetries, this.cal.cursor)
      : this.listChanges();
    if (listing.kind === 'complete') {
      this.cal.token = listing.nextSyncToken;
      this.cal.cursor = null;
      this.report.tokenStored = true;
      this.expireUnattached();
      this.followMovesAtOnce();
      this.confirmDeletions();
      this.sweepUnansweredRecreates();
      this.forgetLongEnded();
    } else {
      this.report.incomplete = listing.reason;
      // A provider outage is already reported against the events it stopped; the log says where the run stopped.
      const reported =
        listing.reason === 'provider-unavailable' && this.report.failures.some((f) => f.willRetry);
      if (!reported) this.report.failures.push({ eventId: '', message: listing.message, willRetry: true });
      this.ports.log.warn(`sync of ${this.calendarId} stopped early: ${listing.message}`);
    }
    this.runFollowUps();
    this.report.pendingDeletions = [...this.cal.records.values()].filter(
      (r) => r.pendingDeletion !== undefined,
    ).length;
    this.logSummary();
    return this.report;
  }

  /**
   * An event first seen gone this run may have moved to another of the user's calendars (the source's feed shows a
   * move as a deletion): looked for there at once, so that the conference follows it from its first edit and any
   * copy made there (not only at the deletion's confirmation, an hour later). What is not found waits as before.
   */
  private followMovesAtOnce(): void {
    for (const eventId of [...this.newlyGone].slice(0, this.options.maxRetriesPerRun)) {
      const record = this.cal.records.get(eventKey(eventId));
      // A pending deletion, or a tombstone whose event only an attendee's copy shows here (moved before the new
      // conference it was to get was made: the revive is then made there).
      if (!record || (record.pendingDeletion === undefined && record.deletedAt === undefined)) continue;
      try {
        this.handOverIfMoved({ ...record, eventId });
      } catch (error) {
        this.ports.log.warn(`could not look for where event ${eventId} went`, {
          error: describeError(error),
        });
        return;
      }
    }
    for (const eventId of [...this.goneSplitParts].slice(0, this.options.maxRetriesPerRun)) {
      const origin = seriesIdOfSplit(eventId) as string;
      const from = this.cal.records.get(eventKey(origin));
      if (!from || from.deletedAt !== undefined || from.eventId === '') continue;
      try {
        this.handOverSplitPart(eventId, { ...from, eventId: origin });
      } catch (error) {
        this.ports.log.warn(`could not look for where event ${eventId} went`, {
          error: describeError(error),
        });
        return;
      }
    }
    for (const [eventId, shown] of [...this.movedCopies].slice(0, this.options.maxRetriesPerRun)) {
      try {
        const calendarId = this.findMovedCopy(eventId, shown);
        // That calendar's records of it, if any, are its own business: only an unknown event is read there.
        if (calendarId === null || this.state.peek(calendarId).records.has(eventKey(eventId))) continue;
        this.readAgainThere(calendarId, eventId, 'shows a conference of ours; moved here unclaimed');
      } catch (error) {
        this.ports.log.warn(`could not look for where event ${eventId} went`, {
          error: describeError(error),
        });
        return;
      }
    }
  }

  /**
   * A part split from a series of ours that moved to another of the user's calendars before this calendar adopted
   * it: it leads the conference there (a record and a read again in that calendar), the series here follows.
   */
  private handOverSplitPart(eventId: string, from: ConferenceRecord): void {
    const calendarId = this.findMovedCopy(eventId, shownId(from));
    // Its record went there with it (it was adopted before the move): nothing to hand over.
    if (calendarId === null || this.state.peek(calendarId).records.has(eventKey(eventId))) return;
    // It leads unless a part that starts later does.
    const lead = this.leadingPartOf(from.conferenceId, from.eventId);
    const follows = lead !== null && splitStart(lead.eventId) > splitStart(eventId);
    const destination = this.state.edit(calendarId);
    putRecord(destination, {
      calendarId,
      eventId,
      conferenceId: from.conferenceId,
      ...(from.eventConferenceId === undefined ? {} : { eventConferenceId: from.eventConferenceId }),
      digest: '',
      lastEnd: null,
      occurrences: {},
      attached: true,
      ...(follows ? { secondary: true } : {}),
    });
    this.readAgainThere(calendarId, eventId, 'split from a series of another calendar');
    putRecord(this.cal, { ...from, secondary: true });
    if (!follows && lead !== null && lead.eventId !== from.eventId) {
      const there = lead.calendarId === this.calendarId ? this.cal : this.state.edit(lead.calendarId);
      const record = there.records.get(eventKey(lead.eventId));
      if (record) putRecord(there, { ...record, eventId: lead.eventId, secondary: true });
    }
    this.ports.log.info(
      'a part split from a series moved to another calendar; the conference follows it there',
      {
        from: this.calendarId,
        to: calendarId,
        eventId,
        conferenceId: from.conferenceId,
      },
    );
  }

  /** The destination's feed may have passed the event before its record arrived: its next run reads it again. */
  private readAgainThere(calendarId: string, eventId: string, why: string): void {
    this.state.edit(calendarId).retries.set(eventId, {
      calendarId,
      eventId,
      attempts: 0,
      notBefore: new Date(this.startMs).toISOString(),
      lastError: why,
    });
    if (!this.report.movedTo.includes(calendarId)) this.report.movedTo.push(calendarId);
  }

  /**
   * Deletions whose grace period is over: each event is read again. One that another of the user's calendars now
   * holds (events.move) hands its record over; one that shows the conference again keeps it; the rest are sent
   * (a split part that still shows it keeps the conference, see leaveToSibling).
   */
  private confirmDeletions(): void {
    // A deletion parked after a failed DELETE is the retry list's (its backoff, its refused key).
    const due = [...this.cal.records.values()].filter(
      (r) => isDeletionDue(r, this.startMs, this.options) && !this.cal.retries.has(r.eventId),
    );
    const events: Batch = [];
    for (const record of due.slice(0, this.options.maxRetriesPerRun)) {
      if (record.eventId === '') continue;
      try {
        const raw = this.ports.calendar.getEvent(this.calendarId, record.eventId);
        const event =
          raw === null ? { id: record.eventId, status: 'cancelled' as const } : validateEvent(raw);
        if (event instanceof InvalidEventError) continue;
        const showsHere = event.status !== 'cancelled' && event.conference?.conferenceId === shownId(record);
        if ((!showsHere || isAttendeeCopy(event)) && this.handOverIfMoved(record)) continue;
        events.push({ event, attempts: 0, seenBy: 'get' });
      } catch (error) {
        // Kept pending: the next run tries again.
        this.ports.log.warn(`could not confirm the deletion of the conference of ${record.eventId}`, {
          error: describeError(error),
        });
      }
    }
    const stop = this.processBatch(events);
    if (stop)
      this.report.failures.push({
        eventId: '',
        message: 'deletions wait for the conference API',
        willRetry: true,
      });
  }

  /**
   * Whether the event went to another calendar this user can write to and shows the conference there as its
   * organizer's copy; if so the record moves to that calendar (no provider call) and the report says where.
   */
  private handOverIfMoved(record: ConferenceRecord): boolean {
    const calendarId = this.findMovedCopy(record.eventId, shownId(record));
    if (calendarId === null) return false;
    const there = this.state.edit(calendarId);
    // A tombstone follows only to a calendar that has no record of the event (its revive is made there).
    if (record.deletedAt !== undefined && there.records.has(eventKey(record.eventId))) return false;
    const { pendingDeletion: _pending, ...kept } = record;
    putRecord(there, { ...kept, calendarId, eventId: record.eventId });
    this.readAgainThere(calendarId, record.eventId, 'moved here from another calendar');
    forget(this.cal, record.eventId);
    if (record.recreateUnsure && record.deletedAt === undefined) {
      // The unanswered create was keyed by this calendar: a retry from there finds another. A tombstone here has
      // the conference it may have made looked up and deleted (sweepUnansweredRecreates).
      putRecord(this.cal, {
        calendarId: this.calendarId,
        eventId: record.eventId,
        conferenceId: record.conferenceId,
        digest: record.digest,
        lastEnd: null,
        occurrences: {},
        attached: true,
        deletedAt: this.startMs,
        recreateUnsure: true,
      });
    }
    this.ports.log.info('the event moved to another calendar; its conference follows it there', {
      from: this.calendarId,
      to: calendarId,
      eventId: record.eventId,
      conferenceId: record.conferenceId,
    });
    return true;
  }

  /**
   * The other calendar of this user that holds the event as its organizer's copy showing this conference, or null.
   * A failure to list the calendars is thrown (the caller keeps what it had: it is no proof of anything).
   */
  private findMovedCopy(eventId: string, conferenceId: string, from = this.calendarId): string | null {
    this.writable ??= this.ports.calendar.listWritableCalendars();
    const candidates = this.writable.filter((id) => id !== from).slice(0, MAX_MOVE_CANDIDATES);
    for (const calendarId of candidates) {
      let raw: unknown;
      try {
        raw = this.ports.calendar.getEvent(calendarId, eventId);
      } catch (error) {
        this.ports.log.warn(`could not look for event ${eventId} in another calendar`, {
          calendarId,
          error: describeError(error),
        });
        continue;
      }
      if (raw === null) continue;
      const event = validateEvent(raw);
      if (event instanceof InvalidEventError || event.status === 'cancelled') continue;
      if (event.conference?.conferenceId !== conferenceId || isAttendeeCopy(event)) continue;
      return calendarId;
    }
    return null;
  }

  /**
   * A split part about to delete its conference while another part still shows it: only this part's record goes.
   * When it led, the other part leads from now on, and is read again so its fields reach the conference.
   */
  private leaveToSibling(record: ConferenceRecord): boolean {
    const own = eventKey(record.eventId);
    const siblings = [...this.cal.records.entries()].filter(
      ([key, r]) =>
        key !== own &&
        r.conferenceId === record.conferenceId &&
        r.pendingDeletion === undefined &&
        r.deletedAt === undefined &&
        r.attached,
    );
    if (siblings.length === 0) {
      // A part moved to another of the user's calendars (events.move) keeps it there.
      const elsewhere: Array<[string, string, ConferenceRecord]> = [];
      for (const id of this.state.calendarIds()) {
        if (id === this.calendarId) continue;
        for (const [key, r] of this.state.peek(id).records) {
          const live = r.pendingDeletion === undefined && r.deletedAt === undefined && r.attached;
          if (live && r.conferenceId === record.conferenceId) elsewhere.push([id, key, r]);
        }
      }
      if (elsewhere.length === 0) return false;
      forget(this.cal, record.eventId);
      // The part that starts last holds the meetings still to come: it leads.
      elsewhere.sort(([, , a], [, , b]) => splitStart(b.eventId).localeCompare(splitStart(a.eventId)));
      const [heirCalendar, heirKey, heir] = elsewhere[0] as [string, string, ConferenceRecord];
      if (!elsewhere.some(([, , r]) => !r.secondary) && heir.eventId !== '') {
        // It leads from now on: its calendar's next run reads it again and sends its fields.
        const there = this.state.edit(heirCalendar);
        there.records.set(heirKey, { ...heir, secondary: false, digest: '' });
        there.retries.set(heir.eventId, {
          calendarId: heirCalendar,
          eventId: heir.eventId,
          attempts: 0,
          notBefore: new Date(this.startMs).toISOString(),
          lastError: 'leads its split series now',
        });
        if (!this.report.movedTo.includes(heirCalendar)) this.report.movedTo.push(heirCalendar);
      }
      this.ports.log.info(
        'a part of a split series went; the conference stays with a part in another calendar',
        {
          calendarId: this.calendarId,
          eventId: record.eventId,
          conferenceId: record.conferenceId,
        },
      );
      return true;
    }
    forget(this.cal, record.eventId);
    const leader = siblings.find(([, r]) => !r.secondary);
    const leadId = leader === undefined ? null : leader[1].eventId || idOfKey(leader[0], record.eventId);
    if (leader !== undefined && leadId !== null) {
      // The part that went may have been the one to notice that the provider lost the conference (its change was
      // to check it): the leading part sends its fields again, which makes a lost conference again (404).
      const [key, lead] = leader;
      this.cal.records.set(key, { ...lead, digest: '' });
      this.cal.retries.set(leadId, {
        calendarId: this.calendarId,
        eventId: leadId,
        attempts: 0,
        notBefore: new Date(this.startMs).toISOString(),
        lastError: 'a part of its split series went',
      });
      this.followUps.add(leadId);
    }
    // A part in another calendar may lead (events.move of a part): then the parts here go on following.
    if (leader === undefined && !this.leadsElsewhere(record)) {
      // The part that starts last holds the meetings still to come: it leads.
      siblings.sort(([, a], [, b]) => splitStart(b.eventId).localeCompare(splitStart(a.eventId)));
      const [key, heir] = siblings[0] as [string, ConferenceRecord];
      // An empty digest differs from any fields: the heir's next plan sends them all.
      this.cal.records.set(key, { ...heir, secondary: false, digest: '' });
      const heirId = heir.eventId !== '' ? heir.eventId : idOfKey(key, record.eventId);
      if (heirId !== null) {
        // Durably: a provider that fails the follow-up's PATCH leaves it to a later run.
        this.cal.retries.set(heirId, {
          calendarId: this.calendarId,
          eventId: heirId,
          attempts: 0,
          notBefore: new Date(this.startMs).toISOString(),
          lastError: 'leads its split series now',
        });
        this.followUps.add(heirId);
      }
    }
    this.ports.log.info(
      'a part of a split series went; the conference stays with the part still showing it',
      {
        calendarId: this.calendarId,
        eventId: record.eventId,
        conferenceId: record.conferenceId,
      },
    );
    return true;
  }

  private runFollowUps(): void {
    const events: Batch = [];
    for (const eventId of this.followUps) {
      try {
        const raw = this.ports.calendar.getEvent(this.calendarId, eventId);
        const event = raw === null ? { id: eventId, status: 'cancelled' as const } : validateEvent(raw);
        if (!(event instanceof InvalidEventError)) events.push({ event, attempts: 0, seenBy: 'list' });
      } catch (error) {
        this.ports.log.warn(`could not read event ${eventId} again`, { error: describeError(error) });
      }
    }
    this.followUps.clear();
    if (events.length > 0) this.processBatch(events);
  }

  /** Parked events whose time has come, re-read from Calendar so the retry sends their latest state. */
  private retryDue(): Stop | null {
    const due = [...this.cal.retries.values()]
      .filter((r) => !this.stillWaiting(r.notBefore, r.rejectedConfig))
      .slice(0, this.options.maxRetriesPerRun);
    if (due.length === 0) return null;
    const events: Batch = [];
    for (const retry of due) {
      let raw: unknown;
      try {
        raw = this.ports.calendar.getEvent(this.calendarId, retry.eventId);
      } catch (error) {
        // Calendar itself is unavailable: the retry stays as it is for a later run.
        this.ports.log.warn(`could not re-read event ${retry.eventId} for its retry`, {
          error: describeError(error),
        });
        continue;
      }
      // Gone for good (404): the same as a deleted event.
      const event = raw === null ? { id: retry.eventId, status: 'cancelled' as const } : validateEvent(raw);
      if (event instanceof InvalidEventError) {
        this.cal.retries.delete(retry.eventId);
        this.recordFailure(retry.eventId, 'invalid-event', event.message, false);
        continue;
      }
      const own = this.cal.records.get(eventKey(retry.eventId));
      if (own && own.deletedAt === undefined && event.status !== 'cancelled' && isAttendeeCopy(event)) {
        // Only an attendee's copy is left here: the event moved to another calendar while the change waited.
        try {
          if (this.handOverIfMoved({ ...own, eventId: retry.eventId })) {
            this.cal.retries.delete(retry.eventId);
            this.cal.failures.delete(retry.eventId);
            continue;
          }
        } catch (error) {
          this.ports.log.warn(`could not look for where event ${retry.eventId} went`, {
            error: describeError(error),
          });
          continue;
        }
      }
      this.report.retried++;
      events.push({ event, attempts: retry.attempts, seenBy: 'get' });
    }
    return this.processBatch(events);
  }

  private listChanges(): ListingEnd {
    const cursor = this.cal.cursor;
    if (cursor?.syncToken !== undefined || cursor?.timeMin !== undefined) {
      this.report.mode = cursor.syncToken !== undefined ? 'incremental' : 'full';
      const resumed = this.listAllPages(cursor);
      if (resumed.kind !== 'rejected') return resumed;
      this.ports.log.warn(
        `the saved listing of ${this.calendarId} was refused (${resumed.error.reason}); starting afresh`,
      );
      this.cal.cursor = null;
      this.cal.token = null;
      return this.fullSync(resumed.error.reason === 'expired' ? 'token-expired' : 'token-invalid');
    }
    const token = this.cal.token;
    if (token === null) return this.fullSync('no-token');
    this.report.mode = 'incremental';
    const incremental = this.listAllPages({ syncToken: token, attempts: 0 });
    if (incremental.kind !== 'rejected') return incremental;
    // Expired (410) or corrupt (400) token: wipe it and do one bounded full sync; no recursion.
    this.ports.log.warn(`sync token of ${this.calendarId} rejected (${incremental.error.reason}); full sync`);
    this.cal.token = null;
    return this.fullSync(incremental.error.reason === 'expired' ? 'token-expired' : 'token-invalid');
  }

  /**
   * Events ending after now minus the look-back, deleted ones included. No orderBy and no updatedMin: either
   * may keep Google from returning a nextSyncToken, and updatedMin can itself be refused (defect B4).
   */
  private fullSync(reason: NonNullable<SyncReport['fullSyncReason']>): ListingEnd {
    this.report.mode = 'full';
    this.report.fullSyncReason = reason;
    const timeMin = new Date(this.startMs - this.options.fullSyncLookbackMs).toISOString();
    const result = this.listAllPages({ timeMin, attempts: 0 });
    if (result.kind !== 'rejected') return result;
    return {
      kind: 'incomplete',
      reason: 'token-rejected-during-full-sync',
      message: `full sync rejected: ${result.error.message}`,
    };
  }

  /** Pages to the last one, applying each page as it comes; the token is only taken from the last page. */
  private listAllPages(from: ListingCursor): ListingResult {
    const query: Pick<ListEventsRequest, 'syncToken' | 'timeMin'> =
      from.syncToken !== undefined ? { syncToken: from.syncToken } : { timeMin: from.timeMin };
    let pageToken = from.pageToken;
    for (let pages = 0; pages < this.options.maxPages; pages++) {
      const request: ListEventsRequest = { ...query, maxResults: this.options.pageSize, showDeleted: true };
      if (pageToken !== undefined) request.pageToken = pageToken;
      const fetched = this.fetchPage(request);
      if (fetched.kind !== 'page') return fetched;
      const page = fetched.page;
      this.report.pages++;
      const events: Batch = [];
      for (const item of page.items) {
        this.report.eventsSeen++;
        const event = validateEvent(item);
        if (event instanceof InvalidEventError) {
          this.recordFailure(event.eventId ?? '', 'invalid-event', event.message, false);
          continue;
        }
        const parked = this.cal.retries.get(event.id);
        // Still waiting (Retry-After, backoff): the retry re-reads the event when it is due, newest state then.
        if (parked && this.stillWaiting(parked.notBefore, parked.rejectedConfig)) continue;
        events.push({ event, attempts: parked?.attempts ?? 0 });
      }
      // The first page after a provider outage holds the changes that waited for it: their calls are retries.
      this.resumingAfterOutage = pages === 0 && from.attempts > 0;
      const stop = this.processBatch(events);
      this.resumingAfterOutage = false;
      const here: ListingCursor = { ...query, attempts: from.attempts, ...(pageToken ? { pageToken } : {}) };
      if (stop) return this.stoppedListing(stop, here);
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
    // Where the listing stopped is kept, so the next run goes on from there instead of starting over.
    this.cal.cursor = { ...query, attempts: 0, ...(pageToken ? { pageToken } : {}) };
    return {
      kind: 'incomplete',
      reason: 'max-pages',
      message: `stopped after ${this.options.maxPages} pages; the next run goes on from there`,
    };
  }

  /** Saves where to resume (the page that was being applied) and, after a provider failure, when. */
  private stoppedListing(stop: Stop, at: ListingCursor | null): ListingEnd {
    if (at !== null && (at.syncToken !== undefined || at.timeMin !== undefined)) {
      const cursor: ListingCursor = { ...at };
      if (stop.reason === 'provider-unavailable') {
        cursor.attempts = at.attempts + 1;
        cursor.notBefore = new Date(
          this.notBefore(cursor.attempts, this.calendarId, stop.error),
        ).toISOString();
        cursor.lastError = stoppedMessage(stop.error).slice(0, 300);
        if (isKeyRejection(stop.error)) cursor.rejectedConfig = this.options.configFingerprint;
        else delete cursor.rejectedConfig;
      } else {
        delete cursor.notBefore;
        delete cursor.lastError;
        delete cursor.rejectedConfig;
      }
      this.cal.cursor = cursor;
    } else if (stop.reason === 'provider-unavailable' && this.cal.token !== null) {
      // Stopped in the retries, before listing: the listing waits at the token with the same backoff.
      const attempts = (this.cal.cursor?.attempts ?? 0) + 1;
      this.cal.cursor = {
        syncToken: this.cal.token,
        attempts,
        notBefore: new Date(this.notBefore(attempts, this.calendarId, stop.error)).toISOString(),
        lastError: stoppedMessage(stop.error).slice(0, 300),
        ...(isKeyRejection(stop.error) ? { rejectedConfig: this.options.configFingerprint } : {}),
      };
    }
    if (stop.reason === 'time-budget') {
      return {
        kind: 'incomplete',
        reason: 'time-budget',
        message: 'the run used up its time budget; the next run goes on where it stopped',
      };
    }
    return {
      kind: 'incomplete',
      reason: 'provider-unavailable',
      message: `the conference API is unavailable (${stop.error.message}); the next run goes on where this one stopped`,
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

  /**
   * Plans and applies a batch of events in rounds (one event per conference a round) and waves. Returns why it
   * stopped early, or null when every event was applied, parked or recorded as failed.
   */
  private processBatch(batch: Batch): Stop | null {
    const groups = new Map<string, Batch>();
    for (const item of batch) {
      const group = this.conferenceOf(item.event) ?? `event:${item.event.id}`;
      const list = groups.get(group) ?? [];
      list.push(item);
      groups.set(group, list);
    }
    // Within a conference, series and single events before occurrences: an occurrence is planned against its
    // series' record, which the series' own change may create (a split part's adoption) or change.
    const isOccurrence = (item: Batch[number]) =>
      item.event.recurringEventId !== undefined || seriesIdOfInstance(item.event.id) !== null;
    const queues = [...groups.values()].map((q) => [
      ...q.filter((item) => !isOccurrence(item)),
      ...q.filter(isOccurrence),
    ]);
    for (let round = 0; queues.some((q) => q.length > round); round++) {
      const steps: Step[] = [];
      for (const queue of queues) {
        const item = queue[round];
        if (!item) continue;
        const step = this.begin(item.event, item.attempts, item.seenBy ?? 'list');
        if (step) steps.push(step);
      }
      const stop = this.sendInWaves(steps);
      if (stop) return stop;
    }
    return null;
  }

  /**
   * The conference an event touches, through the record of the event itself, its series, or the series it was
   * split from: the parts of a split share one conference, so their calls go one at a time too (the first to
   * find it lost makes it again, and the others follow the new one).
   */
  private conferenceOf(event: CalendarEvent): string | null {
    const records = this.cal.records;
    const seriesId = event.recurringEventId ?? seriesIdOfInstance(event.id);
    // An occurrence of a split part not yet adopted: with the series it was split from, after the part itself.
    const origin = seriesId ? seriesIdOfSplit(seriesId) : null;
    for (const id of [event.id, seriesId, seriesIdOfSplit(event.id), origin]) {
      const record = id ? records.get(eventKey(id)) : undefined;
      if (record) return `conference:${record.conferenceId}`;
    }
    return null;
  }

  /** Plans one event and applies what needs no call; returns the call under way, if any. */
  private begin(event: CalendarEvent, attempts: number, seenBy: SeenBy): Step | null {
    try {
      const action = this.plan(event, seenBy);
      if (
        action.kind === 'delete' &&
        action.reason !== 'never-attached' &&
        this.leaveToSibling(action.record)
      ) {
        this.finish(event, 'unchanged');
        return null;
      }
      if ((action.kind === 'update' || action.kind === 'adopt-split') && action.changed)
        this.noteClamps(event);
      if (
        action.kind === 'mark-deletion' &&
        action.record.pendingDeletion === undefined &&
        (action.reason === 'cancelled' || action.reason === 'moved-away')
      )
        this.newlyGone.add(event.id);
      if (
        action.kind === 'not-ours' &&
        (event.status === 'cancelled' || isAttendeeCopy(event)) &&
        seriesIdOfSplit(event.id) !== null
      )
        this.goneSplitParts.add(event.id);
      const tombstone = this.cal.records.get(eventKey(event.id));
      if (
        action.kind === 'skip' &&
        tombstone?.deletedAt !== undefined &&
        event.status !== 'cancelled' &&
        isAttendeeCopy(event) &&
        event.conference?.conferenceId === shownId(tombstone)
      )
        this.newlyGone.add(event.id);
      // An attendee's copy of an unrecorded event that shows a conference of ours: the organizer's event may be a
      // copy that moved to another of the user's calendars before any run here claimed it (followMovesAtOnce).
      const shown = event.conference?.conferenceId;
      if (
        action.kind === 'not-ours' &&
        event.status !== 'cancelled' &&
        isAttendeeCopy(event) &&
        event.recurringEventId === undefined &&
        shown !== undefined &&
        this.knewConference(shown)
      )
        this.movedCopies.set(event.id, shown);
      if (action.kind === 'adopt-split' && action.from.secondary && this.leadsElsewhere(action.from))
        action.leaderElsewhere = true;
      const call = prepare(this.cal, action, this.ports.log);
      if (call === null) {
        this.finish(event, settle(this.cal, action));
        return null;
      }
      if (this.resumingAfterOutage) this.report.retried++;
      if (action.kind === 'revive') {
        const recreating = { eventId: event.id, wanted: action.wanted, ...etagOf(event) };
        return { event, action, call, sends: 0, recreate: true, recreating, attempts };
      }
      return { event, action, call, sends: 0, recreate: false, attempts };
    } catch (error) {
      this.onPermanentError(event, error);
      return null;
    }
  }

  /** Whether a part in another of the user's calendars leads this record's conference (events.move of a part). */
  private leadsElsewhere(record: ConferenceRecord): boolean {
    return this.state
      .calendarIds()
      .some(
        (id) =>
          id !== this.calendarId &&
          [...this.state.peek(id).records.values()].some(
            (r) =>
              r.conferenceId === record.conferenceId &&
              !r.secondary &&
              r.attached &&
              r.deletedAt === undefined &&
              r.pendingDeletion === undefined,
          ),
      );
  }

  /** What of the event had to be cut to fit the provider's limits goes to the log (the rest is sent as it is). */
  private noteClamps(event: CalendarEvent): void {
    const notes = clampNotes(event);
    if (notes.length === 0) return;
    this.ports.log.warn(`event ${event.id} exceeds the conference API's limits; sent within them`, {
      calendarId: this.calendarId,
      notes: notes.map((n) => n.message),
    });
  }

  private plan(event: CalendarEvent, seenBy: SeenBy): SyncAction {
    const records = this.cal.records;
    const lookup = (id: string) => {
      const record = records.get(eventKey(id));
      return record ? { ...record, eventId: id } : null;
    };
    const own = lookup(event.id);
    const seriesId = event.recurringEventId ?? seriesIdOfInstance(event.id);
    const master = own === null && seriesId ? lookup(seriesId) : null;
    const splitId = own === null && master === null ? seriesIdOfSplit(event.id) : null;
    const splitFrom = splitId ? lookup(splitId) : null;
    return planAction(event, { own, master, splitFrom }, this.startMs, this.options, seenBy);
  }

  /**
   * Sends the steps' calls, `waveWidth` at a time. A call that fails with a retryable error while others in its
   * wave succeed is sent again alone in a later wave; one that fails twice is parked for a later run. A wave whose
   * calls all fail retryably, or a rate limit, means the provider is down: the run stops there.
   */
  private sendInWaves(initial: Step[]): Stop | null {
    let queue = initial;
    while (queue.length > 0) {
      if (this.outOfTime()) {
        this.report.deferred += queue.length;
        return { reason: 'time-budget' };
      }
      const wave = queue.slice(0, this.options.waveWidth);
      const rest = queue.slice(this.options.waveWidth);
      const outcomes = this.ports.provider.executeAll(wave.map((s) => s.call));
      this.report.waves++;
      this.report.requests += wave.length;
      const again: Step[] = [];
      let retryableFailures = 0;
      let outage: ProviderError | null = null;
      let keyRejection: ProviderError | null = null;
      wave.forEach((step, i) => {
        const outcome = outcomes[i] ?? {
          ok: false,
          error: new Error('the provider gave no outcome for this call'),
        };
        step.sends++;
        if (outcome.ok) {
          const next = this.onSuccess(step, outcome.conference);
          if (next) again.push(next);
          return;
        }
        const error = outcome.error;
        const retryable = error instanceof ProviderError && (error.retryable || isKeyRejection(error));
        if (
          step.recreate &&
          step.call.kind === 'create' &&
          !(error instanceof ProviderError && !error.retryable)
        )
          this.noteUnansweredRecreate(step);
        if (step.call.kind === 'get' && step.action.kind === 'check' && !retryable) {
          const next = isNotFound(error) ? this.recreateForSplitPart(step) : null;
          if (next) again.push(next);
          else this.onPermanentError(step.event, error);
          return;
        }
        if (step.call.kind === 'get' && step.action.kind === 'claim' && !retryable) {
          const shown = step.call.conferenceId;
          if (
            error instanceof ProviderError &&
            error.code === 'NOT_FOUND' &&
            this.knewConference(shown, step.event.id)
          ) {
            // A copy of an event of this calendar made while it showed a conference since lost or deleted.
            const next = this.giveCopyItsOwn(step, shown, undefined);
            if (next) again.push(next);
            return;
          }
          // Not a conference this provider has (404), or not even an id it takes (another add-on's): not ours.
          this.finish(step.event, 'not-ours');
          return;
        }
        if (error instanceof ProviderError && error.code === 'NOT_FOUND' && step.call.kind === 'update') {
          // The provider lost the conference while the event still shows it: make it again.
          const wanted =
            step.action.kind === 'update' || step.action.kind === 'adopt-split' ? step.action.wanted : null;
          if (wanted) {
            again.push({
              ...step,
              call: recreateCall(this.cal, step.event.id, wanted),
              recreate: true,
              recreating: { eventId: step.event.id, wanted, ...etagOf(step.event) },
              sends: 0,
            });
            return;
          }
        }
        const occurrenceCall = step.call.kind === 'setOccurrence' || step.call.kind === 'clearOccurrence';
        if (
          error instanceof ProviderError &&
          error.code === 'NOT_FOUND' &&
          occurrenceCall &&
          !step.recreate
        ) {
          // The same recovery for an occurrence change: the series is made again from its master event.
          const recreate = this.recreateSeries(step);
          if (recreate === 'moved') {
            // The series went to another calendar with its record: the change is made there.
            this.finish(step.event, 'unchanged');
            return;
          }
          if (recreate) {
            again.push(recreate);
            return;
          }
        }
        if (isKeyRejection(error)) {
          // The same key would be refused again this run: parked until the configuration changes (or slowly).
          retryableFailures++;
          keyRejection = error as ProviderError;
          this.park(step, error as ProviderError);
          return;
        }
        if (error instanceof ProviderError && error.code === 'FAILED_PRECONDITION' && step.sends < 3) {
          // 412: the conference changed under the request; it is sent again (re-read and re-applied: the body is
          // the event's whole state, and carries no precondition of its own).
          again.push(step);
          return;
        }
        if (error instanceof ProviderError && (error.retryable || error.code === 'FAILED_PRECONDITION')) {
          retryableFailures++;
          if (error.status === 429 || error.retryAfterSeconds !== undefined) outage = error;
          if (step.sends < 2) again.push(step);
          else this.park(step, error);
          return;
        }
        this.onPermanentError(step.event, error);
      });
      // Every call failed, and not only calls sent a second time (those say less: their neighbours landed).
      const firstSends = wave.some((step) => step.sends === 1);
      if (retryableFailures === wave.length && keyRejection !== null) outage = keyRejection;
      if (retryableFailures === wave.length && firstSends && outage === null) {
        outage = (outcomes.find((o) => !o.ok && o.error instanceof ProviderError) as { error: ProviderError })
          .error;
      }
      if (outage !== null) {
        const cause = outage as ProviderError;
        for (const step of wave) {
          if (!outcomes[wave.indexOf(step)]?.ok) {
            this.report.failures.push({
              eventId: step.event.id,
              message: describeError(cause),
              willRetry: true,
            });
          }
        }
        // Nothing more goes out this run. The events of this wave and the rest wait at the saved cursor (a listed
        // page is applied again next run; what settled already is skipped then), retries keep their place.
        for (const step of [...again, ...rest]) this.keepForLater(step, outage);
        return { reason: 'provider-unavailable', error: outage };
      }
      // Retries of single calls go after the calls not yet sent, so they are sent alone or with other retries.
      queue = [...rest, ...again];
    }
    return null;
  }

  /** A recreate went unanswered: its record says so durably (recreateUnsure), whatever becomes of the event. */
  private noteUnansweredRecreate(step: Step): void {
    const eventId = step.recreating?.eventId ?? step.event.id;
    const calendarId = step.recreating?.calendarId ?? this.calendarId;
    const where = calendarId === this.calendarId ? this.cal : this.state.edit(calendarId);
    const record = where.records.get(eventKey(eventId));
    if (record && !record.recreateUnsure) putRecord(where, { ...record, eventId, recreateUnsure: true });
  }

  /**
   * Tombstones of records whose recreate went unanswered: the conferences made for their event that no record of
   * this user names are deleted (GET ?calendarId&eventId, then DELETE), so none lives on unrecorded. Kept for the
   * next run when the provider does not answer.
   */
  private sweepUnansweredRecreates(): void {
    const due = [...this.cal.records.entries()].filter(
      ([, r]) => r.recreateUnsure && r.deletedAt !== undefined && r.eventId !== '',
    );
    for (const [key, record] of due.slice(0, this.options.maxRetriesPerRun)) {
      try {
        const call: ProviderCall = {
          kind: 'findByEvent',
          calendarId: this.calendarId,
          eventId: record.eventId,
        };
        const [found] = this.ports.provider.executeAll([call]);
        this.report.requests++;
        this.report.waves++;
        if (!found?.ok) throw found?.error ?? new Error('no outcome');
        const named = new Set<string>();
        for (const calendarId of [this.calendarId, ...this.state.calendarIds()]) {
          const state = calendarId === this.calendarId ? this.cal : this.state.peek(calendarId);
          for (const r of state.records.values()) if (r.deletedAt === undefined) named.add(r.conferenceId);
        }
        const orphans = (found.conferences ?? []).filter((c) => !named.has(c.id));
        if (orphans.length > 0) {
          const outcomes = this.ports.provider.executeAll(
            orphans.map((c) => ({ kind: 'delete' as const, conferenceId: c.id })),
          );
          this.report.requests += orphans.length;
          this.report.waves++;
          const failed = outcomes.find((o) => !o.ok);
          if (failed && !failed.ok) throw failed.error;
          this.report.deleted += orphans.length;
        }
        const { recreateUnsure: _unsure, ...rest } = record;
        this.cal.records.set(key, rest);
        this.ports.log.info('looked for a conference an unanswered recreate may have made', {
          calendarId: this.calendarId,
          eventId: record.eventId,
          deleted: orphans.map((c) => c.id),
        });
      } catch (error) {
        this.ports.log.warn(
          `could not look for the conference an unanswered recreate of ${record.eventId} made`,
          {
            error: describeError(error),
          },
        );
        this.report.failures.push({
          eventId: record.eventId,
          message: describeError(error),
          willRetry: true,
        });
        return;
      }
    }
  }

  private onSuccess(step: Step, conference: Conference | undefined): Step | null {
    if (step.action.kind === 'claim') return this.onClaimAnswer(step, conference);
    if (step.recreate && step.recreating) {
      const { eventId, wanted, etag } = step.recreating;
      // The leading part of a split may be in another of the user's calendars (events.move).
      const calendarId = step.recreating.calendarId ?? this.calendarId;
      const where = calendarId === this.calendarId ? this.cal : this.state.edit(calendarId);
      if (conference) {
        const lost = where.records.get(eventKey(eventId))?.conferenceId;
        const wasUnsure = where.records.get(eventKey(eventId))?.recreateUnsure === true;
        settleRecreate(where, eventId, wanted, conference, this.ports.log);
        if (wasUnsure && hasChanges(diffFields(conference, wanted))) {
          // The key found the conference an unanswered create made, as it was then (the body is ignored): the
          // event's fields are sent again, read afresh.
          const record = where.records.get(eventKey(eventId));
          if (record) putRecord(where, { ...record, eventId, digest: '' });
          if (calendarId === this.calendarId) this.followUps.add(eventId);
          else this.readAgainThere(calendarId, eventId, 'its conference was made again with older fields');
        }
        this.writeBack(eventId, conference, etag, calendarId);
        // A conference the provider lost (not one the add-on deleted: a copy's, a restored event's) may be shared
        // by the parts of a split.
        if (lost !== undefined && step.action.kind !== 'revive')
          this.moveSiblingsTo(lost, eventId, conference, calendarId);
      }
      // An occurrence change that found the conference gone is sent to the new one.
      if (conference && step.action.kind === 'occurrence' && step.call.kind === 'create') {
        const call: ProviderCall = {
          kind: 'setOccurrence',
          conferenceId: conference.id,
          occurrenceKey: step.action.key,
          override: step.action.override,
        };
        return { ...step, call, recreate: false, sends: 0 };
      }
      if (step.action.kind === 'occurrence' || step.action.kind === 'clear-occurrence') {
        this.finish(step.event, 'occurrence');
        return null;
      }
      this.finish(step.event, 'updated');
      return null;
    }
    this.finish(step.event, settle(this.cal, step.action));
    // A split part that shows the id its conference replaced gets the new one written onto it: when adopted, or
    // at a later update (the run that adopted it was cut before its call was answered).
    const action = step.action;
    const showsReplacedId =
      action.kind === 'adopt-split'
        ? action.shows !== undefined
        : action.kind === 'update' &&
          seriesIdOfSplit(step.event.id) !== null &&
          !isAttendeeCopy(step.event) &&
          action.record.eventConferenceId !== conference?.id &&
          step.event.conference?.conferenceId === action.record.eventConferenceId;
    if (conference && showsReplacedId) this.writeBack(step.event.id, conference, step.event.etag);
    return null;
  }

  /**
   * The provider's answer about a conference an unrecorded event shows: made by this calendar for this very
   * event, it is ours again (its record was forgotten): recorded, and the event planned again, so its fields are
   * sent. Anything else (another calendar's, another event's) stays untouched.
   */
  private onClaimAnswer(step: Step, conference: Conference | undefined): Step | null {
    const shown = (step.action as { conferenceId: string }).conferenceId;
    // Made by this calendar, or by another of the user's whose record moved here with its event (events.move).
    const fromHere =
      conference !== undefined &&
      conference.id === shown &&
      (conference.calendarId === this.calendarId || this.knewConference(shown, step.event.id));
    if (!fromHere) {
      this.finish(step.event, 'not-ours');
      return null;
    }
    const madeFor = conference.eventId;
    if (madeFor !== step.event.id && madeFor !== seriesIdOfSplit(step.event.id)) {
      return this.giveCopyItsOwn(step, shown, madeFor);
    }
    // A part of a split that starts later leads it (both parts may have moved here, this one last): this one follows.
    const lead = this.leadingPartOf(conference.id, step.event.id);
    const follows = lead !== null && splitStart(lead.eventId) > splitStart(step.event.id);
    // An empty digest differs from any fields: the plan below sends them all.
    putRecord(this.cal, {
      calendarId: this.calendarId,
      eventId: step.event.id,
      conferenceId: conference.id,
      digest: '',
      lastEnd: null,
      occurrences: {},
      attached: true,
      ...(follows ? { secondary: true } : {}),
    });
    // A later part of a split leads: the part it was cut from, wherever its record is (it may have moved to
    // another of the user's calendars first), only follows.
    if (seriesIdOfSplit(step.event.id) !== null) this.demoteEarlierParts(conference.id, step.event.id);
    this.ports.log.info('an event shows a conference this calendar made for it; followed again', {
      calendarId: this.calendarId,
      eventId: step.event.id,
      conferenceId: conference.id,
    });
    return this.begin(step.event, step.attempts, 'list');
  }

  /**
   * A copy of another event of this calendar (Calendar's "Duplicate" copies conferenceData) gets a conference of
   * its own, written onto it, so that the two events no longer share one link. Planned like an event restored
   * after its conference went (a tombstone of the id it shows).
   */
  private giveCopyItsOwn(step: Step, shown: string, madeFor: string | undefined): Step | null {
    putRecord(this.cal, {
      calendarId: this.calendarId,
      eventId: step.event.id,
      conferenceId: shown,
      digest: '',
      lastEnd: null,
      occurrences: {},
      attached: true,
      deletedAt: this.startMs,
    });
    this.ports.log.info('an event shows the conference of another event (a copy); it gets its own', {
      calendarId: this.calendarId,
      eventId: step.event.id,
      conferenceId: shown,
      ...(madeFor === undefined ? { gone: true } : { madeFor }),
    });
    return this.begin(step.event, step.attempts, 'list');
  }

  /**
   * The records of the parts a split part was cut from (its id is theirs plus `_R...`), in any of the user's
   * calendars, that show the same conference: secondary from now on, so the later part alone sends the fields.
   */
  private demoteEarlierParts(conferenceId: string, leaderId: string): void {
    for (const calendarId of [this.calendarId, ...this.state.calendarIds()]) {
      const state = calendarId === this.calendarId ? this.cal : this.state.peek(calendarId);
      for (const [key, record] of [...state.records.entries()]) {
        if (record.secondary || record.deletedAt !== undefined || record.eventId === '') continue;
        if (record.conferenceId !== conferenceId || !leaderId.startsWith(`${record.eventId}_R`)) continue;
        const where = calendarId === this.calendarId ? this.cal : this.state.edit(calendarId);
        where.records.set(key, { ...record, secondary: true });
      }
    }
  }

  /**
   * Whether a record names this conference id (live, replaced after a loss, or a tombstone): of this calendar; or
   * of another of the user's, for an event that no other calendar follows itself (a copy of an event, moved here
   * from there, is then ours to tell apart; the same event shown by two calendars is left to the one following it).
   */
  private knewConference(conferenceId: string, eventId?: string): boolean {
    const names = (state: CalendarState) =>
      [...state.records.values()].some(
        (r) =>
          r.conferenceId === conferenceId ||
          r.eventConferenceId === conferenceId ||
          r.replacedConferenceId === conferenceId,
      );
    if (names(this.cal)) return true;
    if (eventId === undefined) return false;
    const others = this.state
      .calendarIds()
      .filter((id) => id !== this.calendarId)
      .map((id) => this.state.peek(id));
    const followedThere = others.some((state) => {
      const record = state.records.get(eventKey(eventId));
      return record !== undefined && record.deletedAt === undefined;
    });
    return !followedThere && others.some(names);
  }

  /**
   * The other parts of a split series that shared the lost conference follow the new one: their records name it
   * and it is written onto them too, so no part keeps showing a dead link.
   */
  private moveSiblingsTo(lostId: string, eventId: string, conference: Conference, from: string): void {
    const calendars = [this.calendarId, ...this.state.calendarIds().filter((id) => id !== this.calendarId)];
    for (const calendarId of calendars) {
      const state = calendarId === this.calendarId ? this.cal : this.state.peek(calendarId);
      for (const [key, record] of [...state.records.entries()]) {
        if (calendarId === from && key === eventKey(eventId)) continue;
        if (record.conferenceId !== lostId || record.deletedAt !== undefined || record.eventId === '')
          continue;
        const eventConferenceId = record.eventConferenceId ?? record.conferenceId;
        const where = calendarId === this.calendarId ? this.cal : this.state.edit(calendarId);
        putRecord(where, { ...record, conferenceId: conference.id, eventConferenceId, occurrences: {} });
        this.writeBack(record.eventId, conference, undefined, calendarId);
      }
    }
  }

  /**
   * A step that makes the lost conference of a split again, from the part that leads it (this secondary part
   * itself when no leading part is known): the answer is written onto every part (moveSiblingsTo), or null.
   */
  private recreateForSplitPart(step: Step): Step | null {
    const action = step.action;
    if (action.kind !== 'check') return null;
    let leadId: string | null = null;
    let leadCalendar = this.calendarId;
    const calendars = [this.calendarId, ...this.state.calendarIds().filter((id) => id !== this.calendarId)];
    for (const calendarId of calendars) {
      const state = calendarId === this.calendarId ? this.cal : this.state.peek(calendarId);
      for (const record of state.records.values()) {
        if (
          leadId === null &&
          record.conferenceId === action.record.conferenceId &&
          record.eventId !== '' &&
          record.eventId !== action.eventId &&
          !record.secondary &&
          record.deletedAt === undefined
        ) {
          leadId = record.eventId;
          leadCalendar = calendarId;
        }
      }
    }
    let lead: CalendarEvent | null = null;
    if (leadId !== null) {
      try {
        const raw = this.ports.calendar.getEvent(leadCalendar, leadId);
        const parsed = raw === null ? null : validateEvent(raw);
        if (parsed !== null && !(parsed instanceof InvalidEventError) && parsed.status !== 'cancelled')
          lead = parsed;
      } catch (error) {
        this.ports.log.warn(`could not read the leading part ${leadId} to make its conference again`, {
          error: describeError(error),
        });
        return null;
      }
    }
    if (lead === null) {
      // No part leads any more: this one does, with its own fields.
      putRecord(this.cal, { ...action.record, eventId: action.eventId, secondary: false });
      lead = step.event;
      leadCalendar = this.calendarId;
    }
    const wanted = lead === step.event ? action.wanted : fieldsFromEvent(lead);
    // An attendee's copy's etag is no write precondition: the write-back reads the event and finds where it went.
    const etag = isAttendeeCopy(lead) ? {} : etagOf(lead);
    const recreating = { eventId: lead.id, wanted, ...etag, calendarId: leadCalendar };
    const state = leadCalendar === this.calendarId ? this.cal : this.state.peek(leadCalendar);
    return { ...step, call: recreateCall(state, lead.id, wanted), recreate: true, recreating, sends: 0 };
  }

  /** A step that recreates the lost conference of the occurrence's series from its master event, or null. */
  private recreateSeries(step: Step): Step | 'moved' | null {
    const action = step.action;
    if (action.kind !== 'occurrence' && action.kind !== 'clear-occurrence') return null;
    const masterId = action.master.eventId;
    // A secondary part of a split: the conference is made again from the part that leads it.
    const lead = action.master.secondary ? this.leadingPartOf(action.master.conferenceId, masterId) : null;
    if (lead !== null) {
      const leadEvent = this.readLive(lead.calendarId, lead.eventId);
      if (leadEvent === undefined) return null;
      if (leadEvent !== null) {
        const wanted = fieldsFromEvent(leadEvent);
        const recreating = {
          eventId: lead.eventId,
          wanted,
          ...(isAttendeeCopy(leadEvent) ? {} : etagOf(leadEvent)),
          calendarId: lead.calendarId,
        };
        const state = lead.calendarId === this.calendarId ? this.cal : this.state.peek(lead.calendarId);
        const call = recreateCall(state, lead.eventId, wanted);
        return { ...step, call, recreate: true, recreating, sends: 0 };
      }
    }
    const master = this.readLive(this.calendarId, masterId);
    if (master === undefined || master === null) return null;
    if (isAttendeeCopy(master)) {
      // Only an attendee's copy is left here: the series moved; its new calendar makes the conference again.
      try {
        const record = this.cal.records.get(eventKey(masterId));
        return record && this.handOverIfMoved({ ...record, eventId: masterId }) ? 'moved' : null;
      } catch (error) {
        this.ports.log.warn(`could not look for where event ${masterId} went`, {
          error: describeError(error),
        });
        return null;
      }
    }
    if (action.master.secondary) {
      // No part leads any more: the series does.
      const record = this.cal.records.get(eventKey(masterId));
      if (record) putRecord(this.cal, { ...record, eventId: masterId, secondary: false });
    }
    const wanted = fieldsFromEvent(master);
    const recreating = { eventId: masterId, wanted, ...etagOf(master) };
    return { ...step, call: recreateCall(this.cal, masterId, wanted), recreate: true, recreating, sends: 0 };
  }

  /** The live event (null: gone, cancelled or invalid), or undefined when Calendar could not be read (logged). */
  private readLive(calendarId: string, eventId: string): CalendarEvent | null | undefined {
    try {
      const raw = this.ports.calendar.getEvent(calendarId, eventId);
      const event = raw === null ? null : validateEvent(raw);
      if (event === null || event instanceof InvalidEventError || event.status === 'cancelled') return null;
      return event;
    } catch (error) {
      this.ports.log.warn(`could not read event ${eventId} to make its conference again`, {
        error: describeError(error),
      });
      return undefined;
    }
  }

  /** The record that leads a split's conference (not this part's), in any of the user's calendars, or null. */
  private leadingPartOf(
    conferenceId: string,
    besides: string,
  ): { calendarId: string; eventId: string } | null {
    for (const calendarId of [
      this.calendarId,
      ...this.state.calendarIds().filter((id) => id !== this.calendarId),
    ]) {
      const state = calendarId === this.calendarId ? this.cal : this.state.peek(calendarId);
      for (const record of state.records.values()) {
        if (
          record.conferenceId === conferenceId &&
          record.eventId !== '' &&
          record.eventId !== besides &&
          !record.secondary &&
          record.deletedAt === undefined
        )
          return { calendarId, eventId: record.eventId };
      }
    }
    return null;
  }

  /**
   * Writes the new conference onto the event that shows the old one (Events.patch, conferenceDataVersion 1,
   * If-Match). When the event changed since it was read (412) it is read again: written again while it still
   * shows the old conference, left alone when the user removed or replaced it meanwhile (the next sync then sees
   * that, and the new conference goes after the grace period). A failed write is logged; the record keeps the id
   * the event shows, so the conference is followed all the same.
   */
  private writeBack(
    eventId: string,
    conference: Conference,
    etag: string | undefined,
    calendarId: string = this.calendarId,
  ): void {
    const key = eventKey(eventId);
    const state = calendarId === this.calendarId ? this.cal : this.state.edit(calendarId);
    let tag = etag;
    // Where the event is: here, or another of the user's calendars it moved to before the hand-over of its record.
    let target = calendarId;
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = state.records.get(key);
      const old = record?.eventConferenceId;
      if (!record || old === undefined) return;
      try {
        if (tag === undefined) {
          const read = (from: string) => {
            const raw = this.ports.calendar.getEvent(from, eventId);
            const event = raw === null ? null : validateEvent(raw);
            return event === null || event instanceof InvalidEventError ? null : event;
          };
          let event = read(target);
          if (event === null) return;
          if (target === calendarId && (event.status === 'cancelled' || isAttendeeCopy(event))) {
            const moved = this.findMovedCopy(eventId, old, calendarId);
            if (moved !== null) {
              target = moved;
              event = read(target);
              if (event === null) return;
            }
          }
          const stillOld =
            event.status !== 'cancelled' && !isAttendeeCopy(event) && event.conference?.conferenceId === old;
          if (!stillOld || event.etag === undefined) return;
          tag = event.etag;
        }
        const written = this.ports.calendar.writeConference(target, eventId, conference, tag);
        if (written.kind === 'changed') {
          tag = undefined;
          continue;
        }
        const { eventConferenceId: _shown, ...rest } = record;
        putRecord(state, { ...rest, eventId, replacedConferenceId: old });
        this.ports.log.info('wrote the new conference onto the event', {
          calendarId,
          eventId,
          conferenceId: conference.id,
          replaced: old,
        });
        return;
      } catch (error) {
        this.ports.log.warn(`could not write the new conference onto event ${eventId}`, {
          error: describeError(error),
        });
        return;
      }
    }
  }

  /** The event is in step: drop its pending retry and its reported failure, if it had any. */
  private finish(event: CalendarEvent, outcome: ApplyOutcome): void {
    this.count(outcome);
    this.cal.retries.delete(event.id);
    this.cal.failures.delete(event.id);
  }

  /** A retried event the run stops before: it keeps its place in the retry list (listed ones wait at the cursor). */
  private keepForLater(step: Step, error: ProviderError): void {
    this.report.deferred++;
    if (this.cal.retries.has(step.event.id)) this.park(step, error);
  }

  /** One event's call failed twice in this run while the provider answered others: retried on a later run. */
  private park(step: Step, error: ProviderError): void {
    const attempts = step.attempts + 1;
    const rejected = isKeyRejection(error);
    if (!this.cal.retries.has(step.event.id) && this.cal.retries.size >= MAX_RETRIES_PER_CALENDAR) {
      // The retry list is bounded; past it the change is not dropped but left in the feed (cursor) instead.
      this.report.deferred++;
      return;
    }
    const message = rejected ? keyRejectedMessage(error) : error.message;
    const retry: PendingRetry = {
      calendarId: this.calendarId,
      eventId: step.event.id,
      attempts,
      notBefore: new Date(this.notBefore(attempts, step.event.id, error)).toISOString(),
      lastError: message.slice(0, 300),
    };
    if (rejected) retry.rejectedConfig = this.options.configFingerprint;
    this.cal.retries.set(step.event.id, retry);
    this.recordFailure(step.event.id, 'provider-retrying', message, true, step.event);
  }

  /** When a failed call may go again: Retry-After or backoff; a rejected key no sooner than the slow cadence. */
  private notBefore(attempts: number, seed: string, error: ProviderError): number {
    const at = retryNotBefore(this.startMs, attempts, seed, error.retryAfterSeconds);
    return isKeyRejection(error) ? Math.max(at, this.startMs + KEY_REJECTED_RETRY_MS) : at;
  }

  /**
   * Whether a wait (Retry-After, backoff) is not over yet. A wait for a refused key is over as soon as the
   * configuration differs from the one refused.
   */
  private stillWaiting(notBefore: string, rejectedConfig: string | undefined): boolean {
    if (rejectedConfig !== undefined && rejectedConfig !== this.options.configFingerprint) return false;
    return Date.parse(notBefore) > this.startMs;
  }

  private outOfTime(): boolean {
    return this.ports.clock.now() - this.startMs > this.options.providerTimeBudgetMs;
  }

  /** 400/401/403/413, bad configuration, or a defect: the same request would fail the same way. */
  private onPermanentError(event: CalendarEvent, error: unknown): void {
    const message = describeError(error);
    this.cal.retries.delete(event.id);
    const expected =
      error instanceof ProviderError || (error instanceof Error && error.name === 'ProviderConfigError');
    if (!expected) this.ports.log.error(`unexpected error syncing event ${event.id}`, { error: message });
    this.recordFailure(event.id, expected ? 'provider-rejected' : 'unexpected-error', message, false, event);
  }

  private recordFailure(
    eventId: string,
    kind: EventFailure['kind'],
    message: string,
    willRetry: boolean,
    event?: CalendarEvent,
  ): void {
    const at = new Date(this.startMs).toISOString();
    this.report.failures.push({ eventId, message, willRetry });
    const failure: EventFailure = { calendarId: this.calendarId, eventId, at, kind, message };
    if (event?.summary) failure.summary = event.summary;
    const start = event?.start?.dateTime ?? event?.start?.date;
    if (start) failure.start = start;
    const failures = this.cal.failures;
    failures.delete(eventId);
    failures.set(eventId, failure);
    // Bounded: the oldest go first, and the card says how many were dropped.
    while (failures.size > MAX_FAILURES_PER_CALENDAR) {
      const oldest = failures.keys().next().value as string;
      failures.delete(oldest);
      this.cal.failuresDropped++;
    }
  }

  /**
   * Conferences made for edits the user never saved; only after a complete listing, which could attach them. The
   * record alone is no proof, so each event is read first: an event that exists is planned like a listed one
   * (attached if it carries our conference, deleted only if it visibly does not); a 404 means it never was saved.
   */
  private expireUnattached(): void {
    const all = [...this.cal.records.values()].filter((r) =>
      isExpiredUnattached(r, this.startMs, this.options),
    );
    const expired = all.filter((r) => r.conferenceId !== UNKNOWN_CONFERENCE_ID);
    for (const intent of all.filter((r) => r.conferenceId === UNKNOWN_CONFERENCE_ID))
      this.recoverIntent(intent);
    const events: Batch = [];
    for (const record of expired) {
      try {
        const raw = this.ports.calendar.getEvent(this.calendarId, record.eventId);
        const event =
          raw === null ? { id: record.eventId, status: 'cancelled' as const } : validateEvent(raw);
        // An event Calendar has but we cannot read is no ground for a delete: kept for a later run.
        if (!(event instanceof InvalidEventError)) events.push({ event, attempts: 0, seenBy: 'get' });
      } catch (error) {
        // Kept: the next complete run finds the same expired record and tries again.
        this.ports.log.warn(`could not expire the unattached conference of ${record.eventId}`, {
          error: describeError(error),
        });
        this.report.failures.push({
          eventId: record.eventId,
          message: describeError(error),
          willRetry: true,
        });
      }
    }
    const stop = this.processBatch(events);
    if (stop)
      this.report.failures.push({
        eventId: '',
        message: 'expiry of unattached conferences waits for the provider',
        willRetry: true,
      });
  }

  /**
   * createConference recorded its intent but never learnt the conference's id (its answer was lost): what the
   * provider made for the event is looked up; one the saved event shows is followed, the rest are deleted.
   */
  private recoverIntent(intent: ConferenceRecord): void {
    try {
      const raw = this.ports.calendar.getEvent(this.calendarId, intent.eventId);
      const event = raw === null ? null : validateEvent(raw);
      if (event instanceof InvalidEventError) return;
      const call: ProviderCall = {
        kind: 'findByEvent',
        calendarId: this.calendarId,
        eventId: intent.eventId,
      };
      const [found] = this.ports.provider.executeAll([call]);
      this.report.requests++;
      this.report.waves++;
      if (!found?.ok) throw found?.error ?? new Error('no outcome');
      const shown = event && event.status !== 'cancelled' ? event.conference?.conferenceId : undefined;
      const known = new Set([...this.cal.records.values()].map((r) => r.conferenceId));
      const orphans = (found.conferences ?? []).filter((c) => c.id !== shown && !known.has(c.id));
      const kept = (found.conferences ?? []).find((c) => c.id === shown);
      if (orphans.length > 0) {
        const outcomes = this.ports.provider.executeAll(
          orphans.map((c) => ({ kind: 'delete' as const, conferenceId: c.id })),
        );
        this.report.requests += orphans.length;
        this.report.waves++;
        const failed = outcomes.find((o) => !o.ok);
        if (failed && !failed.ok) throw failed.error;
        this.report.deleted += orphans.length;
      }
      forget(this.cal, intent.eventId);
      if (kept) {
        // The saved event shows it: followed from now on (an empty digest makes the next change send every field).
        const { createdAt: _created, ...rest } = intent;
        putRecord(this.cal, { ...rest, conferenceId: kept.id, digest: '', attached: true });
        this.followUps.add(intent.eventId);
      }
      this.ports.log.info('recovered a conference creation whose answer was lost', {
        calendarId: this.calendarId,
        eventId: intent.eventId,
        deleted: orphans.map((c) => c.id),
        kept: kept?.id ?? null,
      });
    } catch (error) {
      // Kept: the next complete run tries again.
      this.ports.log.warn(`could not recover the lost conference creation of ${intent.eventId}`, {
        error: describeError(error),
      });
      this.report.failures.push({ eventId: intent.eventId, message: describeError(error), willRetry: true });
    }
  }

  /**
   * Keeps the user's property store (500 KB in all) from filling with meetings long over, and with failures nobody
   * acted on for as long (an event that syncs cleanly clears its own at once).
   */
  private forgetLongEnded(): void {
    const cal = this.cal;
    const forgotten = new Set(planForgets([...cal.records.values()], this.startMs, this.options));
    for (const [key, record] of [...cal.records.entries()]) {
      if (!forgotten.has(record)) continue;
      cal.records.delete(key);
      this.report.forgotten++;
    }
    for (const failure of [...cal.failures.values()]) {
      if (this.startMs - Date.parse(failure.at) > this.options.forgetEndedAfterMs)
        cal.failures.delete(failure.eventId);
    }
    // Tombstones only serve a restore: when the store nears full they give their room to live conferences.
    const hasTombstones = [...cal.records.values()].some((r) => r.deletedAt !== undefined);
    if (hasTombstones && this.state.usage().warn) {
      for (const [key, record] of [...cal.records.entries()]) {
        if (record.deletedAt === undefined) continue;
        cal.records.delete(key);
        this.report.forgotten++;
      }
      this.ports.log.warn(
        'the property store is nearly full: tombstones of deleted conferences were dropped',
        {
          calendarId: this.calendarId,
        },
      );
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
      `deferred ${r.deferred}, requests ${r.requests} in ${r.waves} waves, failures ${r.failures.length}, ` +
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
    pendingDeletions: 0,
    movedTo: [],
    requests: 0,
    waves: 0,
    failures: [],
    tokenStored: false,
  };
}

/** The conference id of a creation whose answer was lost (createConference's intent record); not a server id. */
const UNKNOWN_CONFERENCE_ID = '~';

function etagOf(event: CalendarEvent): { etag?: string } {
  return event.etag === undefined ? {} : { etag: event.etag };
}

/** Other calendars read at most when looking for where an event moved. */
const MAX_MOVE_CANDIDATES = 25;

/** The conference id the event shows for this record (the old one after a recreate the event does not show). */
function shownId(record: ConferenceRecord): string {
  return record.eventConferenceId ?? record.conferenceId;
}

/** How long a call refused for the key waits when the configuration has not changed: a slow cadence. */
const KEY_REJECTED_RETRY_MS = 60 * 60 * 1000;

function isNotFound(error: unknown): boolean {
  return error instanceof ProviderError && error.code === 'NOT_FOUND';
}

/** 401/403: the conference API refused the add-on's key; what fixes it is a configuration change, not time. */
function isKeyRejection(error: unknown): boolean {
  return error instanceof ProviderError && (error.status === 401 || error.status === 403);
}

function keyRejectedMessage(error: ProviderError): string {
  return (
    `the conference API rejected the key (${error.status}): check CONFERENCE_API_KEY in the Script Properties; ` +
    `the change is retried as soon as the configuration changes, hourly meanwhile (${error.message})`
  );
}

function stoppedMessage(error: ProviderError): string {
  return isKeyRejection(error) ? keyRejectedMessage(error) : error.message;
}

/**
 * The id of a record read back from storage (keys are hashes): one of the series a split part was cut from, in
 * turn, or null when none matches (a later part whose date is unknown).
 */
function idOfKey(key: string, partId: string): string | null {
  for (let id = seriesIdOfSplit(partId); id !== null; id = seriesIdOfSplit(id))
    if (eventKey(id) === key) return id;
  return null;
}
