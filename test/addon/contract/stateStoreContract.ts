/**
 * What every StateStore must do, whatever holds the data: the Properties adapter and the core's in-memory fake
 * run the same suite, so the core's tests on the fake say something about production.
 */
import type { ConferenceRecord, EventFailure, PendingRetry } from '../../../src/core/model';
import type { StateStore } from '../../../src/core/ports';
import { SAMPLE_FIELDS } from '../platform/stubs';

export const record = (
  calendarId: string,
  eventId: string,
  extra: Partial<ConferenceRecord> = {},
): ConferenceRecord => ({
  calendarId,
  eventId,
  conferenceId: `conf-${eventId}`,
  sent: { ...SAMPLE_FIELDS, title: `Event ${eventId}`, attendees: [...SAMPLE_FIELDS.attendees] },
  occurrences: {},
  attached: false,
  createdAt: '2026-11-25T12:00:00.000Z',
  ...extra,
});

const retry = (calendarId: string, eventId: string, attempts = 1): PendingRetry => ({
  calendarId,
  eventId,
  event: { id: eventId, status: 'confirmed', summary: 'x' },
  attempts,
  notBefore: '2026-11-25T12:05:00.000Z',
  lastError: 'ProviderError: 503',
});

const failure = (calendarId: string, eventId: string, message = 'bad'): EventFailure => ({
  calendarId,
  eventId,
  at: '2026-11-25T12:00:00.000Z',
  kind: 'provider-rejected',
  message,
});

const byEvent = <T extends { eventId: string }>(items: T[]) =>
  [...items].sort((a, b) => a.eventId.localeCompare(b.eventId));

export function describeStateStoreContract(name: string, make: () => StateStore): void {
  const A = 'alice@example.com';
  const B = 'team:ops@group.calendar.google.com';

  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;
    beforeEach(() => {
      store = make();
    });

    it('keeps one sync token per calendar, absent until set and after clearing', () => {
      expect(store.getSyncToken(A)).toBeNull();
      store.setSyncToken(A, 'CPDAlvWDx70CEPDAlvWDx70CGAU=');
      store.setSyncToken(B, 'other');
      expect(store.getSyncToken(A)).toBe('CPDAlvWDx70CEPDAlvWDx70CGAU=');
      store.setSyncToken(A, 'newer');
      expect(store.getSyncToken(A)).toBe('newer');
      store.clearSyncToken(A);
      expect(store.getSyncToken(A)).toBeNull();
      expect(store.getSyncToken(B)).toBe('other');
    });

    it('stores, replaces and deletes records by calendar and event', () => {
      expect(store.getRecord(A, 'ev1')).toBeNull();
      store.putRecord(record(A, 'ev1'));
      store.putRecord(record(A, 'ev1', { attached: true }));
      expect(store.getRecord(A, 'ev1')).toEqual(record(A, 'ev1', { attached: true }));
      expect(store.getRecord(B, 'ev1')).toBeNull();
      store.deleteRecord(A, 'ev1');
      expect(store.getRecord(A, 'ev1')).toBeNull();
      expect(() => store.deleteRecord(A, 'never-there')).not.toThrow();
    });

    it('lists the records of one calendar only', () => {
      store.putRecord(record(A, 'ev1'));
      store.putRecord(record(A, 'ev2'));
      store.putRecord(record(B, 'ev3'));
      expect(byEvent(store.listRecords(A))).toEqual([record(A, 'ev1'), record(A, 'ev2')]);
      expect(store.listRecords(B)).toEqual([record(B, 'ev3')]);
      expect(store.listRecords('nobody@example.com')).toEqual([]);
    });

    it('keeps ids with separators and non-ASCII characters apart', () => {
      store.putRecord(record('a:b', 'c'));
      store.putRecord(record('a', 'b:c'));
      store.putRecord(record(A, 'ev_20261201T090000Z'));
      store.putRecord(record(A, 'évènement%2F'));
      expect(store.listRecords('a')).toEqual([record('a', 'b:c')]);
      expect(store.listRecords('a:b')).toEqual([record('a:b', 'c')]);
      expect(store.getRecord(A, 'évènement%2F')).toEqual(record(A, 'évènement%2F'));
      expect(store.listRecords(A)).toHaveLength(2);
    });

    it('round-trips a record with 1000 attendees', () => {
      const attendees = Array.from(
        { length: 1000 },
        (_, i) => `attendee-${String(i).padStart(4, '0')}@example.com`,
      );
      const big = record(A, 'big', { sent: { ...record(A, 'big').sent, attendees } });
      store.putRecord(big);
      expect(store.getRecord(A, 'big')).toEqual(big);
      store.putRecord(record(A, 'big'));
      expect(store.getRecord(A, 'big')).toEqual(record(A, 'big'));
    });

    it('hands out copies: changing a value read back does not change the store', () => {
      store.putRecord(record(A, 'ev1'));
      const read = store.getRecord(A, 'ev1') as ConferenceRecord;
      read.attached = true;
      read.sent.attendees.push('mallory@example.com');
      expect(store.getRecord(A, 'ev1')).toEqual(record(A, 'ev1'));
    });

    it('keeps pending retries per calendar and event, the newest replacing the older', () => {
      store.putPendingRetry(retry(A, 'ev1', 1));
      store.putPendingRetry(retry(A, 'ev1', 2));
      store.putPendingRetry(retry(A, 'ev2'));
      store.putPendingRetry(retry(B, 'ev1'));
      expect(byEvent(store.listPendingRetries(A))).toEqual([retry(A, 'ev1', 2), retry(A, 'ev2')]);
      store.deletePendingRetry(A, 'ev1');
      expect(store.listPendingRetries(A)).toEqual([retry(A, 'ev2')]);
      expect(store.listPendingRetries(B)).toEqual([retry(B, 'ev1')]);
    });

    it('keeps failures per calendar and event until cleared', () => {
      store.putFailure(failure(A, 'ev1', 'first'));
      store.putFailure(failure(A, 'ev1', 'second'));
      store.putFailure(failure(B, 'ev9'));
      expect(store.listFailures(A)).toEqual([failure(A, 'ev1', 'second')]);
      store.clearFailure(A, 'ev1');
      expect(store.listFailures(A)).toEqual([]);
      expect(store.listFailures(B)).toEqual([failure(B, 'ev9')]);
    });
  });
}
