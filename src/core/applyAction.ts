/**
 * Carries out one planned action against the provider and this user's store. The store is written only after the
 * provider accepted the change, so a failed call leaves the record as it was and the next attempt re-plans from
 * the same `sent`. Errors are not handled here: the sync loop decides between retry, report and give-up.
 */
import { createConferenceOnProvider } from './createConference';
import { ProviderError } from './errors';
import type { ConferenceFields, ConferenceRecord } from './model';
import type { SyncAction } from './planActions';
import type { SyncPorts } from './ports';

export type ApplyOutcome = 'not-ours' | 'unchanged' | 'updated' | 'deleted' | 'occurrence';

export function applyAction(ports: SyncPorts, action: SyncAction): ApplyOutcome {
  switch (action.kind) {
    case 'not-ours':
      return 'not-ours';
    case 'skip':
      return 'unchanged';
    case 'delete':
      // The provider port resolves on 404 too: a conference already gone counts as deleted.
      ports.provider.delete(action.record.conferenceId);
      forget(ports, action.record);
      return 'deleted';
    case 'update':
      return applyUpdate(ports, action.record, action.wanted, action.changes);
    case 'occurrence': {
      const { master, key, override } = action;
      ports.provider.setOccurrence(master.conferenceId, key, override);
      ports.store.putRecord({ ...master, occurrences: { ...master.occurrences, [key]: override } });
      return 'occurrence';
    }
    case 'adopt-split': {
      // The record moves first (no provider call yet), so a failing PATCH is retried as this event's own change.
      const adopted: ConferenceRecord = { ...action.from, eventId: action.eventId, attached: true };
      ports.store.putRecord(adopted);
      forget(ports, action.from);
      ports.log.info('a split series continues our conference; it follows the new series now', {
        calendarId: adopted.calendarId,
        from: action.from.eventId,
        to: action.eventId,
        conferenceId: adopted.conferenceId,
      });
      return applyUpdate(ports, adopted, action.wanted, action.changes);
    }
    case 'clear-occurrence': {
      const { master, key } = action;
      // Resolves on 404 too: no override left is what is wanted.
      ports.provider.clearOccurrence(master.conferenceId, key);
      const { [key]: _withdrawn, ...occurrences } = master.occurrences;
      ports.store.putRecord({ ...master, occurrences });
      return 'occurrence';
    }
  }
}

/** Drops everything kept about the event: its record, a pending retry and a reported failure. */
function forget(ports: SyncPorts, record: ConferenceRecord): void {
  ports.store.deleteRecord(record.calendarId, record.eventId);
  ports.store.deletePendingRetry(record.calendarId, record.eventId);
  ports.store.clearFailure(record.calendarId, record.eventId);
}

function applyUpdate(
  ports: SyncPorts,
  record: ConferenceRecord,
  wanted: ConferenceFields,
  changes: Partial<ConferenceFields>,
): ApplyOutcome {
  if (!record.attached) {
    // Seen on the saved event: that is a fact whatever the provider answers next, so it is kept first. A failed
    // PATCH must not leave the record looking never attached, or its expiry would delete a conference in use.
    record = { ...record, attached: true };
    ports.store.putRecord(record);
  }
  // Attach only: what was sent is still right.
  if (Object.keys(changes).length === 0) return 'unchanged';
  try {
    ports.provider.update(record.conferenceId, changes);
    ports.store.putRecord({ ...record, sent: wanted, attached: true });
  } catch (error) {
    if (!(error instanceof ProviderError && error.code === 'NOT_FOUND')) throw error;
    recreate(ports, record, wanted);
  }
  return 'updated';
}

/**
 * The provider no longer has the conference (deleted on its side) while the event is alive and still carries it.
 * Choice: make a new one rather than leave the event's join link dead. The idempotency key is the event's usual
 * one: once the old conference is deleted the provider lets the key create a new one, and a retried recreate
 * finds that same new one. The event keeps showing the old id until the add-on can rewrite events, so the record
 * remembers that id (`eventConferenceId`) for the ownership check, and the mismatch is logged for a person.
 * Occurrence overrides start afresh: the new conference has none.
 */
function recreate(ports: SyncPorts, record: ConferenceRecord, wanted: ConferenceFields): void {
  const conference = createConferenceOnProvider(ports, record.calendarId, record.eventId, wanted);
  const eventConferenceId = record.eventConferenceId ?? record.conferenceId;
  ports.store.putRecord({
    ...record,
    conferenceId: conference.id,
    eventConferenceId,
    sent: wanted,
    occurrences: {},
    attached: true,
  });
  ports.log.warn('conference was deleted at the provider; recreated it, the event still shows the old id', {
    calendarId: record.calendarId,
    eventId: record.eventId,
    eventConferenceId,
    conferenceId: conference.id,
  });
}
