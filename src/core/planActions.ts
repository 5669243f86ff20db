/**
 * The pure decision of what one validated event means for this user's conferences: nothing (not ours), skip,
 * PATCH the changed fields, delete, or set one occurrence override. No I/O here: the caller looks the records up
 * and applies the plan (applyAction.ts), so each branch below is testable on its own, and each names the real
 * Calendar case that leads to it.
 */
import type { OccurrenceOverride } from '../../contracts/conference-api';
import { fieldsDigest, fieldsFromEvent, overrideDigest, sameInstant } from './conferenceFields';
import type { CalendarEvent, ConferenceFields, ConferenceRecord } from './model';
import { occurrenceKey } from './occurrenceKey';
import type { SyncOptions } from './ports';

export type DeleteReason =
  | 'cancelled'
  | 'conference-removed'
  | 'conference-replaced'
  | 'never-attached'
  /** Only an attendee's copy is left here: the organizer's event went to another calendar (events.move). */
  | 'moved-away';

/**
 * How the event was seen: in the feed (`list`), or read just now on its own (`get`: a retry, a confirmation, an
 * expiry). A deletion is sent only on a `get` at least the grace period after it was first seen.
 */
export type SeenBy = 'list' | 'get';

export type SyncAction =
  | { kind: 'not-ours'; eventId: string }
  /**
   * No record, but the event is the organizer's and shows an add-on conference: possibly ours, its record long
   * forgotten. The provider is asked (GET) whether the conference was made for this very event.
   */
  | { kind: 'claim'; eventId: string; conferenceId: string }
  | { kind: 'skip'; eventId: string; reason: string }
  | { kind: 'delete'; eventId: string; record: ConferenceRecord; reason: DeleteReason; at: number }
  /**
   * The event shows a conference the add-on deleted (restored from the trash, or a draft saved after its
   * conference expired): a new one is made and written onto the event.
   */
  | { kind: 'revive'; eventId: string; record: ConferenceRecord; wanted: ConferenceFields }
  /** Seen gone (or not showing the conference): the deletion waits for its confirmation (no provider call). */
  | { kind: 'mark-deletion'; eventId: string; record: ConferenceRecord; reason: DeleteReason; since: number }
  /**
   * `changed` is false when the only news is that the event now carries our conference (attach). A change sends
   * every writable field: the record keeps a digest, not a copy, so it cannot tell which field moved.
   */
  | {
      kind: 'update';
      eventId: string;
      record: ConferenceRecord;
      wanted: ConferenceFields;
      changed: boolean;
    }
  | {
      kind: 'occurrence';
      eventId: string;
      master: ConferenceRecord;
      key: string;
      override: OccurrenceOverride;
    }
  /** The instance no longer belongs to the series at all: its override is withdrawn. */
  | { kind: 'clear-occurrence'; eventId: string; master: ConferenceRecord; key: string }
  /** The `_R` continuation of a split series of ours takes the conference over. */
  | {
      kind: 'adopt-split';
      eventId: string;
      from: ConferenceRecord;
      wanted: ConferenceFields;
      changed: boolean;
      /**
       * The id the new part shows when it is not the one the record follows: the split copied a conference the
       * provider lost and the add-on has since replaced. The new conference is written onto it.
       */
      shows?: string;
      /** Cut from a part that follows while a part in another of the user's calendars leads (syncCalendar). */
      leaderElsewhere?: boolean;
    }
  /**
   * A secondary part of a split changed: it sends none of its fields (the leading part owns them), but asks the
   * provider whether the conference is still there (GET), so a conference lost meanwhile is made again.
   */
  | { kind: 'check'; eventId: string; record: ConferenceRecord; wanted: ConferenceFields };

/**
 * The records that can make an event ours: its own; for an instance, its recurring master's; for the `_R` series
 * of a "this and following" split, the record of the series it was split from.
 */
export interface OwnRecords {
  own: ConferenceRecord | null;
  master: ConferenceRecord | null;
  splitFrom?: ConferenceRecord | null;
}

const INSTANCE_SUFFIX = /_(\d{8}(?:T\d{6}Z)?)$/;
/** `<series>_R20250327T123000` (timed) or `<series>_R20250327` (all-day): calendar-fixtures §3.5. */
const SPLIT_SUFFIX = /_R\d{8}(?:T\d{6}Z?)?$/;

export function planAction(
  event: CalendarEvent,
  records: OwnRecords,
  nowMs: number,
  options: SyncOptions,
  seenBy: SeenBy = 'list',
): SyncAction {
  // A record of our own for this very id: the organizer's event we made the conference for (a series master
  // or a single event; also a single instance, if the conference was added to that instance alone).
  if (records.own) return planOwnEvent(event, records.own, nowMs, options, seenBy);
  // An exception of a series whose master is ours: a cancelled or moved instance (calendar-fixtures §1.4, §3.4),
  // or the bare tombstone of one that the series no longer has (§1.5).
  if (records.master && records.master.deletedAt === undefined) return planOccurrence(event, records.master);
  // "Edit this and following" split our series: the new `_R` series carries a copy of our conference and holds
  // the meetings still to come, so the conference follows it from now on (the earlier part is left behind: its
  // later edits or deletion no longer touch a conference the continuing meetings use).
  const from = records.splitFrom;
  // (An attendee's copy of a part is not one: the part moved to another calendar, which follows it.)
  if (from && from.deletedAt === undefined && event.status !== 'cancelled' && !isAttendeeCopy(event)) {
    const wanted = fieldsFromEvent(event);
    if (carriesOurConference(event, from)) {
      const changed = fieldsDigest(wanted) !== from.digest;
      return { kind: 'adopt-split', eventId: event.id, from, wanted, changed };
    }
    const shows = event.conference?.conferenceId;
    if (shows !== undefined && shows === from.replacedConferenceId) {
      // Sent in full: the answer is the conference to write onto this part.
      return { kind: 'adopt-split', eventId: event.id, from, wanted, changed: true, shows };
    }
  }
  // No record: an attendee's copy of someone else's conference, or an event with another solution; or the
  // organizer's own event whose record was forgotten (a meeting long over, moved to next week).
  const conference = event.conference;
  if (
    !records.master &&
    !from &&
    event.status !== 'cancelled' &&
    !isAttendeeCopy(event) &&
    conference?.solutionType === 'addOn' &&
    conference.conferenceId !== undefined &&
    event.recurringEventId === undefined
  ) {
    return { kind: 'claim', eventId: event.id, conferenceId: conference.conferenceId };
  }
  return { kind: 'not-ours', eventId: event.id };
}

/**
 * Where a part of a split starts, as its last `_R` suffix (`20270305T140000`, or `20270305` all-day), '' for a
 * series never split: of the parts that share a conference, the one that starts last holds the meetings still
 * to come and leads it. (The two forms compare by day first, which is what matters between parts.)
 */
export function splitStart(eventId: string): string {
  const match = /_R(\d{8}(?:T\d{6}Z?)?)$/.exec(eventId);
  return match ? (match[1] as string) : '';
}

/** The series a `_R` split series was cut from, or null. */
export function seriesIdOfSplit(eventId: string): string | null {
  const match = SPLIT_SUFFIX.exec(eventId);
  return match && match.index > 0 ? eventId.slice(0, match.index) : null;
}

/**
 * Records of meetings that ended long ago, single events and series whose last occurrence is over alike: forgotten
 * without any provider call (the conference stays as history). A series without end, and a record whose end was
 * never known, are kept.
 */
export function planForgets(
  records: ConferenceRecord[],
  nowMs: number,
  options: SyncOptions,
): ConferenceRecord[] {
  return records.filter((record) =>
    record.deletedAt !== undefined
      ? nowMs - record.deletedAt > options.forgetEndedAfterMs
      : record.attached &&
        record.pendingDeletion === undefined &&
        record.lastEnd !== null &&
        nowMs - record.lastEnd > options.forgetEndedAfterMs,
  );
}

function planOwnEvent(
  event: CalendarEvent,
  record: ConferenceRecord,
  nowMs: number,
  options: SyncOptions,
  seenBy: SeenBy,
): SyncAction {
  // A conference goes only when no event shows it any more: what the feed says is noted, and confirmed by reading
  // the event again once the grace period is over (undo, restore from the trash, a move or a split keep it).
  const remove = (reason: DeleteReason): SyncAction => {
    if (reason === 'never-attached' || (seenBy === 'get' && isDeletionDue(record, nowMs, options))) {
      return { kind: 'delete', eventId: event.id, record, reason, at: nowMs };
    }
    const since = record.pendingDeletion ?? nowMs;
    return { kind: 'mark-deletion', eventId: event.id, record, reason, since };
  };
  if (record.deletedAt !== undefined) {
    if (event.status !== 'cancelled' && !isAttendeeCopy(event) && carriesOurConference(event, record)) {
      return { kind: 'revive', eventId: event.id, record, wanted: fieldsFromEvent(event) };
    }
    return { kind: 'skip', eventId: event.id, reason: 'its conference was deleted' };
  }
  // Deleted event (often a bare `{id, status}` tombstone) or a cancelled series: the conference goes with it. A
  // conference never attached and past its expiry was only ever the draft's, read again just now: it goes at once.
  if (event.status === 'cancelled') {
    return remove(isExpiredUnattached(record, nowMs, options) ? 'never-attached' : 'cancelled');
  }
  const carries = carriesOurConference(event, record);
  // Only an attendee's copy here: the organizer's event is in another calendar now (or the user edits someone
  // else's event). Read again after the grace period, an attendee's copy that still shows it keeps it followed.
  // (Also before the first sight: an event saved and moved before any sync saw it.)
  if (carries && isAttendeeCopy(event) && seenBy === 'list') {
    return remove('moved-away');
  }
  if (!record.attached) {
    // First sight of the saved event with our conference id: from now on its absence means a removal.
    if (carries) return planFieldUpdate(event, record, true);
    // Calendar calls createConference before the event (or the edit) is saved; an event without our conference
    // is not a removal yet. After the expiry the user has evidently discarded the edit.
    if (isExpiredUnattached(record, nowMs, options)) return remove('never-attached');
    return { kind: 'skip', eventId: event.id, reason: 'conference not attached yet' };
  }
  // The user removed the conference from the event (conferenceData gone, or without an id).
  if (!event.conference?.conferenceId) return remove('conference-removed');
  // The user switched to another solution (Meet, another add-on) or another conference of ours.
  if (!carries) return remove('conference-replaced');
  // Shown again (undo, restore, a move back): the pending deletion is withdrawn.
  // Past the grace period a deletion may have been sent and gone unanswered (a timeout, a 5xx): the fields are
  // sent again, so that a conference the provider deleted meanwhile is made again (a PATCH answered 404).
  if (record.pendingDeletion !== undefined && !record.secondary) {
    const update = planFieldUpdate(event, record, true);
    return update.kind === 'update' && isDeletionDue(record, nowMs, options)
      ? { ...update, changed: true }
      : update;
  }
  // A secondary part of a split series sends its occurrences only; the leading part owns the fields. Its own
  // change is the one chance to notice that the provider lost the conference: checked, not sent.
  if (record.secondary) {
    const wanted = fieldsFromEvent(event);
    if (fieldsDigest(wanted) !== record.digest || isDeletionDue(record, nowMs, options))
      return { kind: 'check', eventId: event.id, record, wanted };
    // Shown again: the pending deletion is withdrawn (an update that sends nothing).
    if (record.pendingDeletion !== undefined)
      return { kind: 'update', eventId: event.id, record, wanted, changed: false };
    return { kind: 'skip', eventId: event.id, reason: 'secondary part of a split' };
  }
  return planFieldUpdate(event, record, false);
}

/**
 * An attendee's copy: the event names an organizer that is not this calendar. Calendar sends `self` only when
 * true ("default False"), so an organizer without it is someone else; an event without an organizer is taken
 * as the calendar's own.
 */
export function isAttendeeCopy(event: CalendarEvent): boolean {
  return event.organizer !== undefined && event.organizer.self !== true;
}

/** The deletion was first seen at least the grace period ago. */
export function isDeletionDue(record: ConferenceRecord, nowMs: number, options: SyncOptions): boolean {
  return record.pendingDeletion !== undefined && nowMs - record.pendingDeletion >= options.deletionGraceMs;
}

/**
 * Whether the event still carries the conference this record is about. An absent solution type is not taken as
 * a replacement: a delete must rest on an explicit signal, never on a missing field (a too narrow field mask).
 */
function carriesOurConference(event: CalendarEvent, record: ConferenceRecord): boolean {
  const conference = event.conference;
  if (!conference) return false;
  const expectedId = record.eventConferenceId ?? record.conferenceId;
  const typeOk = conference.solutionType === undefined || conference.solutionType === 'addOn';
  return conference.conferenceId === expectedId && typeOk;
}

function planFieldUpdate(event: CalendarEvent, record: ConferenceRecord, attach: boolean): SyncAction {
  const wanted = fieldsFromEvent(event);
  const changed = fieldsDigest(wanted) !== record.digest;
  // An RSVP, a colour, a reminder or a description change: nothing the provider stores differs.
  if (!attach && !changed) return { kind: 'skip', eventId: event.id, reason: 'unchanged' };
  return { kind: 'update', eventId: event.id, record, wanted, changed };
}

/**
 * The series id an instance id names (`<series>_20261215T090000Z`, `<series>_20261215`), or null. A split series'
 * `<series>_R20261215T090000` is a series of its own, not an instance, and does not match.
 */
export function seriesIdOfInstance(eventId: string): string | null {
  const match = INSTANCE_SUFFIX.exec(eventId);
  return match ? eventId.slice(0, match.index) : null;
}

function planOccurrence(event: CalendarEvent, master: ConferenceRecord): SyncAction {
  // The series itself is gone (its deletion waits for confirmation): its instances' cancellations say nothing new.
  if (master.pendingDeletion !== undefined)
    return { kind: 'skip', eventId: event.id, reason: 'the series is being deleted' };
  const key = instanceKey(event);
  // A cancelled exception Calendar sent without its original start, and an id we cannot read it from.
  if (key === null) return { kind: 'skip', eventId: event.id, reason: 'instance without original start' };
  const held = master.occurrences[key];
  if (event.recurringEventId === undefined) {
    // A bare `{id, status}` tombstone of an instance: the series was cut short ("delete this and following") and
    // the instance left it; an override kept for it would describe a meeting Calendar no longer has.
    if (event.status !== 'cancelled' || !held) {
      return { kind: 'skip', eventId: event.id, reason: 'no override for a removed instance' };
    }
    return { kind: 'clear-occurrence', eventId: event.id, master, key };
  }
  const wanted = overrideFor(event);
  if (held && held === overrideDigest(wanted))
    return { kind: 'skip', eventId: event.id, reason: 'occurrence unchanged' };
  if (!wanted.cancelled && isInOriginalSlot(event, master.spanMs)) {
    // Moved back to its own slot (or restored after a cancellation): the override has nothing left to say.
    if (held) return { kind: 'clear-occurrence', eventId: event.id, master, key };
    // An exception that was only renamed (or re-emitted after a split) still sits in its own slot.
    return { kind: 'skip', eventId: event.id, reason: 'occurrence not moved' };
  }
  return { kind: 'occurrence', eventId: event.id, master, key, override: wanted };
}

/** From originalStartTime, or failing that from the instance id's suffix (`…_20250328T150000Z`, `…_20200513`). */
function instanceKey(event: CalendarEvent): string | null {
  if (event.originalStartTime) return occurrenceKey(event.originalStartTime);
  const match = INSTANCE_SUFFIX.exec(event.id);
  return match ? match[1] : null;
}

function overrideFor(event: CalendarEvent): OccurrenceOverride {
  if (event.status === 'cancelled') return { cancelled: true };
  if (event.start?.date !== undefined)
    return { startDate: event.start.date, endDate: event.end?.date ?? null };
  return { startTime: event.start?.dateTime ?? null, endTime: event.end?.dateTime ?? null };
}

/** Same start as the original one and the series' own length: the instance has not moved. */
function isInOriginalSlot(event: CalendarEvent, seriesSpanMs: number | undefined): boolean {
  const original = event.originalStartTime;
  if (!original || !event.start || !event.end || seriesSpanMs === undefined) return false;
  if (original.date !== undefined) {
    return event.start.date === original.date && span(event.start.date, event.end.date) === seriesSpanMs;
  }
  return (
    sameInstant(event.start.dateTime, original.dateTime) &&
    span(event.start.dateTime, event.end.dateTime) === seriesSpanMs
  );
}

function span(from: string | null | undefined, to: string | null | undefined): number {
  if (from == null || to == null) return Number.NaN;
  return Date.parse(to) - Date.parse(from);
}

export function isExpiredUnattached(record: ConferenceRecord, nowMs: number, options: SyncOptions): boolean {
  return !record.attached && nowMs - Date.parse(record.createdAt ?? '') > options.unattachedExpiryMs;
}
