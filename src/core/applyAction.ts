/**
 * The state side of carrying out one planned action: what changes before its provider call (an attach is a fact
 * whatever the provider answers; a split hands the record over), which call it needs, and what its success
 * changes. The sync loop (syncCalendar.ts) sends the calls in waves and decides about failures; nothing here calls
 * the provider, so a failed call leaves the record as it was and the next attempt re-plans from the same digest.
 */
import type { Conference } from '../../contracts/conference-api';
import { fieldsDigest, lastEndOf, overrideDigest, spanOf } from './conferenceFields';
import { idempotencyKey } from './idempotencyKey';
import type { ConferenceFields, ConferenceRecord } from './model';
import { type SyncAction, splitStart } from './planActions';
import type { LogPort, ProviderCall } from './ports';
import { type CalendarState, eventKey } from './state';

export type ApplyOutcome = 'not-ours' | 'unchanged' | 'updated' | 'deleted' | 'occurrence';

/** The call an action needs (null: none), after the state changes that must hold whatever the call's outcome. */
export function prepare(state: CalendarState, action: SyncAction, log: LogPort): ProviderCall | null {
  switch (action.kind) {
    case 'not-ours':
    case 'skip':
      return null;
    case 'claim':
      return { kind: 'get', conferenceId: action.conferenceId };
    case 'check':
      // Shown again (undo, restore): kept whatever the answer, as an update's attach is.
      if (action.record.pendingDeletion !== undefined)
        putRecord(state, { ...attachedCopy(action.record), eventId: action.eventId });
      return { kind: 'get', conferenceId: action.record.conferenceId };
    case 'delete':
      // The provider answers 404 as done: a conference already gone counts as deleted.
      return { kind: 'delete', conferenceId: action.record.conferenceId };
    case 'revive':
      return recreateCall(state, action.eventId, action.wanted);
    case 'mark-deletion': {
      if (action.record.pendingDeletion !== action.since) {
        putRecord(state, { ...action.record, eventId: action.eventId, pendingDeletion: action.since });
        log.info('the event no longer shows its conference; the deletion waits for its confirmation', {
          calendarId: state.calendarId,
          eventId: action.eventId,
          conferenceId: action.record.conferenceId,
          reason: action.reason,
        });
      }
      return null;
    }
    case 'update': {
      if (!action.record.attached || action.record.pendingDeletion !== undefined) {
        // Seen on the saved event (or shown again): kept first, so that a failed PATCH cannot leave the record
        // looking never attached or gone (its expiry or confirmation would then delete a conference in use).
        putRecord(state, { ...attachedCopy(action.record), eventId: action.eventId });
      }
      return action.changed ? updateCall(action.record.conferenceId, action.wanted) : null;
    }
    case 'adopt-split': {
      // Both parts keep a record of the one conference: the new series (the meetings still to come) leads and
      // sends the fields, the earlier part goes on sending its occurrence changes. Recorded before the call, so a
      // failing PATCH is retried as this event's own change.
      // The part that starts last leads: a part cut from a secondary part holds earlier meetings than the part
      // that leads, unless it starts after it (the series was split twice, the later cut last).
      const fromKey = eventKey(action.from.eventId);
      const leader = [...state.records.entries()].find(
        ([key, r]) =>
          key !== eventKey(action.eventId) &&
          r.conferenceId === action.from.conferenceId &&
          !r.secondary &&
          r.deletedAt === undefined,
      );
      const leaderId =
        leader === undefined ? '' : leader[0] === fromKey ? action.from.eventId : leader[1].eventId;
      // A leader read back from storage has no id: a part cut from a following part starts before it.
      const leads =
        leader === undefined
          ? action.leaderElsewhere !== true
          : leaderId === ''
            ? !action.from.secondary
            : splitStart(leaderId) < splitStart(action.eventId);
      if (leads && leader !== undefined && leader[0] !== fromKey)
        putRecord(state, { ...leader[1], eventId: leaderId, secondary: true });
      putRecord(state, { ...attachedCopy(action.from), eventId: action.from.eventId, secondary: true });
      putRecord(state, {
        ...attachedCopy(action.from),
        eventId: action.eventId,
        secondary: !leads,
        occurrences: {},
        ...(action.shows === undefined ? {} : { eventConferenceId: action.shows }),
      });
      log.info(
        `a split series continues our conference; both parts are followed, ${leads ? 'the new one leads' : 'a later part leads'}`,
        {
          calendarId: state.calendarId,
          from: action.from.eventId,
          to: action.eventId,
          conferenceId: action.from.conferenceId,
        },
      );
      if (leads) return action.changed ? updateCall(action.from.conferenceId, action.wanted) : null;
      // Only read, to write the conference onto a part that shows the id it replaced.
      return action.shows === undefined ? null : { kind: 'get', conferenceId: action.from.conferenceId };
    }
    case 'occurrence':
      return {
        kind: 'setOccurrence',
        conferenceId: action.master.conferenceId,
        occurrenceKey: action.key,
        override: action.override,
      };
    case 'clear-occurrence':
      return { kind: 'clearOccurrence', conferenceId: action.master.conferenceId, occurrenceKey: action.key };
  }
}

/** What an action comes to when it needs no call, or once its call succeeded. */
export function settle(state: CalendarState, action: SyncAction): ApplyOutcome {
  switch (action.kind) {
    case 'not-ours':
    case 'claim':
      return 'not-ours';
    case 'skip':
    case 'mark-deletion':
      return 'unchanged';
    case 'delete': {
      forget(state, action.record.eventId);
      // A tombstone: an event restored later still showing this conference gets a new one (see planActions).
      const { eventConferenceId, recreateUnsure } = action.record;
      putRecord(state, {
        calendarId: state.calendarId,
        eventId: action.record.eventId,
        conferenceId: action.record.conferenceId,
        ...(eventConferenceId !== undefined ? { eventConferenceId } : {}),
        digest: action.record.digest,
        lastEnd: null,
        occurrences: {},
        attached: true,
        deletedAt: action.at,
        // An unanswered recreate's conference, if any, is looked for and deleted once the record is a tombstone.
        ...(recreateUnsure ? { recreateUnsure } : {}),
      });
      return 'deleted';
    }
    case 'revive':
      // Settled by settleRecreate once the provider made the new conference.
      return 'updated';
    case 'check': {
      // The conference is there: this part's fields are noted, so the next unchanged sight asks nothing.
      const record = state.records.get(eventKey(action.eventId));
      if (record)
        putRecord(state, { ...record, eventId: action.eventId, digest: fieldsDigest(action.wanted) });
      return 'unchanged';
    }
    case 'update':
    case 'adopt-split': {
      if (!action.changed) return 'unchanged';
      const record = state.records.get(eventKey(action.eventId));
      if (record) putRecord(state, { ...record, eventId: action.eventId, ...sentFields(action.wanted) });
      return 'updated';
    }
    case 'occurrence': {
      const master = state.records.get(eventKey(action.master.eventId)) ?? action.master;
      const occurrences = { ...master.occurrences, [action.key]: overrideDigest(action.override) };
      putRecord(state, { ...master, eventId: action.master.eventId, occurrences });
      return 'occurrence';
    }
    case 'clear-occurrence': {
      const master = state.records.get(eventKey(action.master.eventId)) ?? action.master;
      const { [action.key]: _withdrawn, ...occurrences } = master.occurrences;
      putRecord(state, { ...master, eventId: action.master.eventId, occurrences });
      return 'occurrence';
    }
  }
}

/**
 * The provider no longer has the conference (deleted on its side) while the event is alive and still carries it:
 * a new one is made rather than leaving the event's join link dead. The idempotency key is the event's usual one:
 * once the old conference is deleted the provider lets the key create a new one, and a retried recreate finds
 * that same new one.
 */
export function recreateCall(state: CalendarState, eventId: string, wanted: ConferenceFields): ProviderCall {
  return {
    kind: 'create',
    input: {
      idempotencyKey: idempotencyKey(state.calendarId, eventId),
      calendarId: state.calendarId,
      eventId,
      fields: wanted,
    },
  };
}

/**
 * The record after a recreate: the new id, while the event keeps showing the old one until the add-on can rewrite
 * events; the record remembers that id (`eventConferenceId`) for the ownership check, and the mismatch is logged.
 * Occurrence overrides start afresh: the new conference has none.
 */
export function settleRecreate(
  state: CalendarState,
  eventId: string,
  wanted: ConferenceFields,
  conference: Conference,
  log: LogPort,
): void {
  const found = state.records.get(eventKey(eventId));
  if (!found) return;
  // Answered: a create under the same key found the conference an unanswered one made, if it made one.
  const {
    deletedAt: _deleted,
    pendingDeletion: _pending,
    createdAt: _created,
    recreateUnsure: _unsure,
    ...record
  } = found;
  const eventConferenceId = record.eventConferenceId ?? record.conferenceId;
  putRecord(state, {
    ...record,
    ...sentFields(wanted),
    eventId,
    conferenceId: conference.id,
    eventConferenceId,
    occurrences: {},
    attached: true,
  });
  log.warn('the conference the event shows is gone; made a new one, to be written onto the event', {
    calendarId: state.calendarId,
    eventId,
    eventConferenceId,
    conferenceId: conference.id,
  });
}

/** A new record's digest, pruning end and (for a series) length, from the fields sent. */
export function sentFields(
  fields: ConferenceFields,
): Pick<ConferenceRecord, 'digest' | 'lastEnd' | 'spanMs'> {
  const span = spanOf(fields);
  return {
    digest: fieldsDigest(fields),
    lastEnd: lastEndOf(fields),
    ...(fields.recurrence.length > 0 && Number.isFinite(span) ? { spanMs: span } : {}),
  };
}

/** Stores the record under its event's key; the event id must be the real one (records read back carry ''). */
export function putRecord(state: CalendarState, record: ConferenceRecord): void {
  if (record.eventId === '') throw new Error('putRecord: a record needs its event id');
  const copy: ConferenceRecord = { ...record };
  if (copy.spanMs === undefined) delete copy.spanMs;
  if (copy.pendingDeletion === undefined) delete copy.pendingDeletion;
  if (!copy.secondary) delete copy.secondary;
  if (copy.deletedAt === undefined) delete copy.deletedAt;
  state.records.set(eventKey(record.eventId), copy);
}

/** Drops everything kept about the event: its record, a pending retry and a reported failure. */
export function forget(state: CalendarState, eventId: string): void {
  state.records.delete(eventKey(eventId));
  state.retries.delete(eventId);
  state.failures.delete(eventId);
}

function attachedCopy(record: ConferenceRecord): ConferenceRecord {
  const { createdAt: _created, pendingDeletion: _pending, ...rest } = record;
  return { ...rest, attached: true };
}

function updateCall(conferenceId: string, wanted: ConferenceFields): ProviderCall {
  return {
    kind: 'update',
    conferenceId,
    changes: { ...wanted, recurrence: [...wanted.recurrence], attendees: [...wanted.attendees] },
  };
}
