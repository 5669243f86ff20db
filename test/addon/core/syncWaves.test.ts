/**
 * Sync engine v2: a page is planned, then applied in parallel waves (one executeAll each), and the state is read
 * once and written once per run. These are the properties the batching must keep: bounded waves, no two calls for
 * one conference in a wave and their order kept, a failed request retried alone, and nothing sent twice.
 */
import { ProviderError } from '../../../src/core/errors';
import { anEvent, CAL, FAILURES, makeWorld } from '../fakes';

function meeting(id: string) {
  return anEvent().withId(id).titled('Planning');
}

function givenEdited(w: ReturnType<typeof makeWorld>, count: number): string[] {
  const ids = Array.from({ length: count }, (_, i) => `plan${String(i).padStart(4, '0')}`);
  const conferences = ids.map((id) => w.givenOurEvent(meeting(id)));
  ids.forEach((id, i) => {
    w.calendar.put(CAL, meeting(id).titled(`Moved ${i}`).withOurConference(conferences[i]).build());
  });
  w.provider.resetCalls();
  return conferences;
}

describe('sync in waves', () => {
  it('sends a burst of edits in waves of at most the wave width, each edit once', () => {
    const w = makeWorld();
    const conferences = givenEdited(w, 120);

    const report = w.sync();

    expect(w.provider.waves.map((wave) => wave.length)).toEqual([50, 50, 20]);
    expect(report).toMatchObject({ updated: 120, requests: 120, waves: 3, tokenStored: true });
    expect(conferences.every((id, i) => w.provider.get(id)?.title === `Moved ${i}`)).toBe(true);
    expect(w.provider.count('update')).toBe(120);
  });

  it('reads the state once and writes it once per run, whatever the number of changes', () => {
    const w = makeWorld();
    givenEdited(w, 120);
    w.store.reads = 0;
    w.store.writes = 0;

    w.sync();

    expect({ reads: w.store.reads, writes: w.store.writes }).toEqual({ reads: 1, writes: 1 });
  });

  it('never puts two calls for one conference in one wave, and keeps their order', () => {
    const w = makeWorld();
    const series = anEvent().withId('weekly01').titled('Weekly').recurring('RRULE:FREQ=WEEKLY');
    const conferenceId = w.givenOurEvent(series);
    const other = w.givenOurEvent(meeting('plan0001'));
    // In one listing: the series renamed, two of its instances moved, and another meeting renamed.
    w.calendar.put(CAL, series.titled('Weekly (new room)').withOurConference(conferenceId).build());
    for (const day of ['2025-04-02', '2025-04-09']) {
      w.calendar.put(
        CAL,
        anEvent()
          .instanceOf('weekly01', { dateTime: `${day}T15:00:00Z` })
          .timed(`${day}T16:00:00Z`, `${day}T16:30:00Z`, 'UTC')
          .withOurConference(conferenceId)
          .build(),
      );
    }
    w.calendar.put(CAL, meeting('plan0001').titled('Renamed').withOurConference(other).build());

    w.sync();

    for (const wave of w.provider.waves) {
      const ids = wave.map((call) => call.conferenceId);
      expect(new Set(ids).size).toBe(ids.length);
    }
    const order = w.provider.calls.filter((c) => c.args[0] === conferenceId).map((c) => c.method);
    expect(order).toEqual(['update', 'setOccurrence', 'setOccurrence']);
    expect(Object.keys(w.provider.get(conferenceId)?.occurrences ?? {})).toHaveLength(2);
  });

  it('retries a failed request of a wave alone, and the others are not sent again', () => {
    const w = makeWorld();
    const conferences = givenEdited(w, 3);
    w.provider.failNext('update', FAILURES.unavailable);

    const report = w.sync();

    expect(w.provider.waves.map((wave) => wave.map((c) => c.conferenceId))).toEqual([
      conferences,
      [conferences[0]],
    ]);
    expect(report).toMatchObject({ updated: 3, failures: [], tokenStored: true });
  });

  it('parks a request that fails twice while the others land, and re-reads its event when it is due', () => {
    const w = makeWorld();
    const conferences = givenEdited(w, 3);
    // This one conference's PATCH fails twice; the provider answers every other request.
    let failures = 2;
    const update = w.provider.update.bind(w.provider);
    w.provider.update = (id, changes) => {
      if (id === conferences[0] && failures-- > 0) {
        throw new ProviderError('provider answered 503 UNAVAILABLE', {
          status: 503,
          code: 'UNAVAILABLE',
          retryable: true,
        });
      }
      return update(id, changes);
    };

    const report = w.sync();

    expect(report).toMatchObject({ updated: 2, tokenStored: true });
    const [parked] = w.store.listPendingRetries(CAL);
    expect(parked).toMatchObject({ eventId: 'plan0000', attempts: 1 });
    expect(w.store.listFailures(CAL)).toMatchObject([{ eventId: 'plan0000', kind: 'provider-retrying' }]);

    // Edited again meanwhile: the retry sends the newest state, read from Calendar.
    w.calendar.put(CAL, meeting('plan0000').titled('Newest').withOurConference(conferences[0]).build());
    w.clock.set(Date.parse(parked.notBefore));
    expect(w.sync()).toMatchObject({ retried: 1, updated: 1, failures: [] });
    expect(w.provider.get(conferences[0])?.title).toBe('Newest');
    expect(w.store.listPendingRetries(CAL)).toEqual([]);
    expect(w.store.listFailures(CAL)).toEqual([]);
  });
});
