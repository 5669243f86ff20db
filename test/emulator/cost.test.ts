/**
 * Bounded cost: the attendee cap, attendee copies that share the organizer's data (a write with n
 * guests stores O(n), not O(n²)), a change log that stays O(events) however many writes hit one
 * event (compaction is lossless for every token), and — with a token lifetime — tombstones purged
 * once every token that could need them answers 410, as Google's expired tokens do.
 */
import type { GoogleApiError } from '../../local/calendar-emulator/engine/errors';
import { newEngine, timed } from './helpers';

const A = 'alice@example.com';
const guests = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `guest${i}@example.com` }));
const meeting = (extra: object = {}) => ({
  summary: 'All hands',
  start: timed('2025-04-01T09:00:00'),
  end: timed('2025-04-01T10:00:00'),
  ...extra,
});
function catchError(fn: () => unknown): GoogleApiError {
  try {
    fn();
  } catch (e) {
    return e as GoogleApiError;
  }
  throw new Error('expected a throw');
}

test('more guests than the cap is a 400 that changes nothing; at the cap every guest gets a copy', () => {
  const { engine } = newEngine({ maxAttendees: 300 });
  const e = catchError(() => engine.insert(A, A, meeting({ attendees: guests(301) })));
  expect([e.code, e.reason]).toEqual([400, 'tooManyAttendees']);
  expect(engine.stats().events).toBe(0);
  const ev = engine.insert(A, A, meeting({ attendees: guests(300) }));
  expect(engine.stats()).toMatchObject({ calendars: 301, events: 301 });
  expect(catchError(() => engine.patch(A, A, ev.id!, { attendees: guests(301) })).code).toBe(400);
  expect(engine.get(A, A, ev.id!).attendees).toHaveLength(300);
});

test('copies share the organizer data: stored bytes grow linearly with the guest count', () => {
  const bytesFor = (n: number) => {
    const { engine } = newEngine();
    const ev = engine.insert(A, A, meeting({ attendees: guests(n) }));
    engine.patch(A, A, ev.id!, { summary: 'renamed' });
    return engine.detailedStats().bytes;
  };
  const small = bytesFor(100);
  const large = bytesFor(800);
  // O(n) gives about 8×; the old full copies (each with the whole list) gave about 64×.
  expect(large / small).toBeLessThan(10);
  // Each copy still shows its own self flag and reminders, and carries the organizer's change.
  const { engine } = newEngine();
  const ev = engine.insert(A, A, meeting({ attendees: guests(3) }));
  engine.patch('guest1@example.com', 'primary', ev.id!, { reminders: { useDefault: false, overrides: [] } });
  engine.patch(A, A, ev.id!, { summary: 'renamed' });
  const g1 = engine.get('guest1@example.com', 'primary', ev.id!);
  const g2 = engine.get('guest2@example.com', 'primary', ev.id!);
  expect(g1).toMatchObject({ summary: 'renamed', reminders: { useDefault: false, overrides: [] } });
  expect(g2).toMatchObject({ summary: 'renamed', reminders: { useDefault: true } });
  expect(g1.attendees!.filter((a) => a.self).map((a) => a.email)).toEqual(['guest1@example.com']);
  // And an export/import keeps every copy (stored as a reference to the organizer's data).
  const snap = JSON.parse(JSON.stringify(engine.exportState()));
  expect(snap.events.filter((r: { shared?: boolean }) => r.shared)).toHaveLength(3);
  const copy = newEngine().engine;
  copy.importState(snap);
  expect(copy.get('guest1@example.com', 'primary', ev.id!)).toEqual(g1);
});

test('20,000 writes to one event keep the change log small, and every older token still works', () => {
  const { engine } = newEngine();
  const other = engine.insert(A, A, meeting({ summary: 'other' }));
  const ev = engine.insert(A, A, meeting());
  const early = engine.list(A, A).nextSyncToken!;
  for (let i = 0; i < 20_000; i++) engine.patch(A, A, ev.id!, { summary: `v${i}` });
  const mid = engine.list(A, A).nextSyncToken!;
  engine.patch(A, A, other.id!, { summary: 'other 2' });
  expect(engine.stats().logEntries).toBeLessThan(1100);
  expect(engine.list(A, A, { syncToken: early }).items.map((e) => e.summary)).toEqual(['v19999', 'other 2']);
  expect(engine.list(A, A, { syncToken: mid }).items.map((e) => e.summary)).toEqual(['other 2']);
});

test('with a token lifetime, old tombstones are purged and tokens older than the lifetime answer 410', () => {
  const hour = 3_600_000;
  const { engine, clock } = newEngine({ syncTokenMaxAgeMs: hour });
  const doomed = engine.insert(A, A, meeting({ summary: 'doomed' }));
  const series = engine.insert(A, A, meeting({ summary: 'daily', recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] }));
  engine.delete(A, A, `${series.id}_20250402T140000Z`); // a cancelled occurrence of a live series: kept
  engine.delete(A, A, doomed.id!);
  const old = engine.list(A, A).nextSyncToken!;
  const page = engine.list(A, A, { maxResults: 1, showDeleted: true }).nextPageToken!;
  const before = engine.stats().events;
  clock.advance(2 * hour);
  engine.insert(A, A, meeting({ summary: 'new' })); // a write lets the purge run
  expect(engine.stats().events).toBe(before); // −1 purged tombstone, +1 new event
  expect(() => engine.get(A, A, doomed.id!)).toThrow('Not Found');
  expect(engine.get(A, A, `${series.id}_20250402T140000Z`).status).toBe('cancelled');
  for (const t of [
    () => engine.list(A, A, { syncToken: old }),
    () => engine.list(A, A, { maxResults: 1, showDeleted: true, pageToken: page }),
  ]) {
    const e = catchError(t);
    expect([e.code, e.reason]).toEqual([410, 'fullSyncRequired']);
  }
  expect(engine.list(A, A, { singleEvents: true }).items.map((e) => e.summary)).toEqual([
    'daily',
    'daily',
    'new',
  ]);
});
