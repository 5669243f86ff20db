/**
 * The capacity the compact state promises: 10,000 tracked conferences with 20 guests each fit in 450 KB of the
 * user's 500 KB property store, and a record's size depends neither on the guests nor on the title.
 */
import { sentFields } from '../../../src/core/applyAction';
import { placeholderFields } from '../../../src/core/conferenceFields';
import { eventKey, UserState } from '../../../src/core/state';
import { anEvent, CAL, makeWorld } from '../fakes';

const guests = (n: number, count: number) =>
  Array.from({ length: count }, (_, g) => ({ email: `guest${n}-${g}@partner-company.example.com` }));

/**
 * A user with `count` conferences attached to saved events (as after their first sync, with the placeholder
 * fields createConference sent), each event then edited to its real title and guests.
 */
function givenTracked(count: number, guestCount: number, title: (n: number) => string) {
  const w = makeWorld();
  const state = new UserState({});
  const cal = state.edit(CAL);
  for (let n = 0; n < count; n++) {
    const eventId = `${n.toString(32).padStart(5, '0')}k3s9v0c2pq7m1tuj8e4r`; // Calendar's 26-character ids
    const conference = w.provider.create({
      idempotencyKey: `key-${n}`,
      calendarId: CAL,
      eventId,
      fields: placeholderFields(),
    });
    cal.records.set(eventKey(eventId), {
      calendarId: CAL,
      eventId,
      conferenceId: conference.id,
      ...sentFields(placeholderFields()),
      occurrences: {},
      attached: true,
    });
    w.calendar.put(
      CAL,
      anEvent()
        .withId(eventId)
        .titled(title(n))
        .withAttendees(...guests(n, guestCount))
        .withOurConference(conference.id)
        .build(),
    );
  }
  state.commit(w.store);
  w.provider.resetCalls();
  return w;
}

describe('state capacity', () => {
  it('10,000 conferences with 20 guests each, attached and synced, take at most 450 KB', () => {
    const w = givenTracked(10_000, 20, (n) => `Weekly sync with partner ${n}`);

    const report = w.sync();

    expect(report).toMatchObject({ updated: 10_000, tokenStored: true, failures: [] });
    expect([...w.provider.conferences.values()][0]?.attendees).toHaveLength(20);
    expect(w.store.bytes()).toBeLessThanOrEqual(450 * 1024);
    expect(w.store.state().peek(CAL).records.size).toBe(10_000);
  });

  it("a record's size does not depend on the number of guests or the length of the title", () => {
    const small = givenTracked(100, 1, () => 'x');
    const large = givenTracked(
      100,
      900,
      (n) => `A very long meeting title that goes on and on ${'·'.repeat(500)} ${n}`,
    );
    small.sync();
    large.sync();
    expect(large.store.bytes()).toBe(small.store.bytes());
  });
});

describe('the record codec', () => {
  it('keeps every kind of record readable: pending deletions, split parts, tombstones and "send everything" digests', () => {
    const state = new UserState({});
    const cal = state.edit(CAL);
    const base = { calendarId: CAL, lastEnd: null, occurrences: {}, attached: true };
    const records = [
      {
        ...base,
        eventId: 'pending01',
        conferenceId: 'c1',
        digest: 'AbCdEf1',
        pendingDeletion: 1_770_000_000_000,
      },
      { ...base, eventId: 'part01', conferenceId: 'c2', digest: 'AbCdEf2', secondary: true },
      { ...base, eventId: 'tomb01', conferenceId: 'c3', digest: '', deletedAt: 1_770_000_000_000 },
      { ...base, eventId: 'claimed01', conferenceId: 'c4', digest: '' },
    ];
    for (const record of records) cal.records.set(eventKey(record.eventId), record);
    const read = new UserState(state.changes());
    expect(read.unreadable).toEqual([]);
    const back = read.peek(CAL).records;
    expect(back.get(eventKey('pending01'))).toMatchObject({
      eventId: 'pending01',
      pendingDeletion: 1_770_000_000_000,
    });
    expect(back.get(eventKey('part01'))).toMatchObject({ eventId: 'part01', secondary: true });
    expect(back.get(eventKey('tomb01'))).toMatchObject({ conferenceId: 'c3', deletedAt: 1_770_000_000_000 });
    // A digest that is no real one is padded, so it differs from every real digest and the line stays readable.
    expect(back.get(eventKey('claimed01'))).toMatchObject({ conferenceId: 'c4', digest: '~~~~~~~' });
  });
});
