/**
 * Robustness: a provider outage stops the run at a saved cursor and the change lands later instead of being lost,
 * a permanent failure is reported and not retried, a malformed event is recorded and skipped, and none of them
 * blocks the other events.
 */
import { ProviderConfigError } from '../../../src/core/errors';
import { anEvent, CAL, FAILURES, makeWorld } from '../fakes';

const MINUTE = 60 * 1000;

function meeting(id = 'plan0001') {
  return anEvent().withId(id).titled('Planning');
}

/** Where the calendar's listing waits, and until when (the saved cursor). */
function cursorOf(w: ReturnType<typeof makeWorld>) {
  return w.store.state().peek(CAL).cursor;
}

describe('provider failures', () => {
  it('a 503 on the only PATCH stops the run at its cursor; after the backoff the next run sends the change', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    const token = w.store.getSyncToken(CAL);
    w.provider.failNext('update', FAILURES.unavailable);
    w.calendar.put(CAL, meeting().titled('Renamed').withOurConference(conferenceId).build());

    const first = w.sync();

    // Every call of the wave failed (it was the only one): the provider is taken to be down, nothing more is sent.
    expect(w.provider.count('update')).toBe(1);
    expect(first).toMatchObject({ tokenStored: false, updated: 0, incomplete: 'provider-unavailable' });
    expect(first.failures).toEqual([
      { eventId: 'plan0001', message: expect.stringContaining('503'), willRetry: true },
    ]);
    expect(w.store.getSyncToken(CAL)).toBe(token);
    const waitUntil = Date.parse(cursorOf(w)?.notBefore ?? '');
    expect(waitUntil).toBeGreaterThan(w.clock.now());

    w.provider.resetCalls();
    expect(w.sync()).toMatchObject({ mode: 'skipped', incomplete: 'waiting' });
    expect(w.provider.calls).toEqual([]);

    w.clock.set(waitUntil);
    const second = w.sync();
    expect(second).toMatchObject({ updated: 1, tokenStored: true, failures: [] });
    expect(w.provider.get(conferenceId)?.title).toBe('Renamed');
    expect(cursorOf(w)).toBeNull();
  });

  it('backs off exponentially, deterministically, when the provider gives no Retry-After', () => {
    const notBefores: number[] = [];
    for (let run = 0; run < 2; run++) {
      const w = makeWorld();
      const conferenceId = w.givenOurEvent(meeting());
      w.provider.failNext('update', FAILURES.unavailable, 4);
      w.calendar.put(CAL, meeting().titled('Renamed').withOurConference(conferenceId).build());
      const start = w.clock.now();
      w.sync();
      const first = Date.parse(cursorOf(w)?.notBefore ?? '');
      expect(first - start).toBeGreaterThanOrEqual(MINUTE);
      expect(first - start).toBeLessThanOrEqual(1.2 * MINUTE);
      w.clock.set(first);
      w.sync();
      const second = Date.parse(cursorOf(w)?.notBefore ?? '');
      expect(second - first).toBeGreaterThanOrEqual(2 * MINUTE);
      notBefores.push(first, second);
    }
    expect(notBefores.slice(0, 2)).toEqual(notBefores.slice(2));
  });

  it('a 429 waits for Retry-After: no call before it, the change after it', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.provider.failNext('update', FAILURES.rateLimited(300));
    w.calendar.put(CAL, meeting().titled('Renamed').withOurConference(conferenceId).build());
    const start = w.clock.now();
    w.sync();
    // A rate limit needs no second try to tell: one call, and the wait the provider asked for.
    expect(w.provider.count('update')).toBe(1);
    expect(cursorOf(w)?.notBefore).toBe(new Date(start + 300 * 1000).toISOString());
    w.provider.resetCalls();

    w.clock.advance(299 * 1000);
    w.sync();
    expect(w.provider.calls).toEqual([]);

    w.clock.advance(1000);
    expect(w.sync()).toMatchObject({ updated: 1, tokenStored: true });
    expect(w.provider.get(conferenceId)?.title).toBe('Renamed');
  });

  it('an edit made during the wait is what is sent when it ends, once', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.provider.failNext('update', FAILURES.rateLimited(300));
    w.calendar.put(CAL, meeting().titled('First').withOurConference(conferenceId).build());
    w.sync();
    w.provider.resetCalls();
    w.calendar.put(CAL, meeting().titled('Second').withOurConference(conferenceId).build());

    w.sync();

    expect(w.provider.calls).toEqual([]);
    w.clock.advance(300 * 1000);
    w.sync();
    expect(w.provider.count('update')).toBe(1);
    expect(w.provider.get(conferenceId)?.title).toBe('Second');
  });

  it('never gives up on a retryable failure: the backoff is capped and the change lands when the provider is back', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    // About a day of failures, tried at every hourly sweep and whenever the backoff allows.
    w.provider.failNext('update', FAILURES.unavailable, 12);
    w.calendar.put(CAL, meeting().titled('Renamed').withOurConference(conferenceId).build());
    let waits = 0;
    for (let hour = 0; hour < 48 && w.provider.get(conferenceId)?.title !== 'Renamed'; hour++) {
      const report = w.sync();
      if (report.incomplete === 'provider-unavailable') {
        const wait = Date.parse(cursorOf(w)?.notBefore ?? '') - w.clock.now();
        expect(wait).toBeLessThanOrEqual(6 * 60 * MINUTE * 1.2);
        waits++;
      }
      w.clock.advance(60 * MINUTE);
    }
    expect(waits).toBeGreaterThan(10);
    expect(w.provider.get(conferenceId)?.title).toBe('Renamed');
    expect(w.store.getSyncToken(CAL)).not.toBeNull();
  });

  it('a deletion and an edit made during a 26-hour outage, with hourly sweeps, both land once it is over', () => {
    const w = makeWorld();
    const kept = w.givenOurEvent(meeting('keep0001'));
    const gone = w.givenOurEvent(meeting('gone0001'));
    // Every call fails for 26 hours: the fake answers 503 to whatever is sent while the clock is in the window.
    const outageEnds = w.clock.now() + 26 * 60 * MINUTE;
    w.provider.failWhile(() => w.clock.now() < outageEnds, FAILURES.unavailable);
    w.calendar.put(CAL, meeting('keep0001').titled('Renamed').withOurConference(kept).build());
    w.calendar.remove(CAL, 'gone0001');
    for (let hour = 0; hour < 36; hour++) {
      const report = w.sync();
      expect(report.failures.every((f) => f.willRetry)).toBe(true);
      w.clock.advance(60 * MINUTE);
    }
    expect(w.provider.get(kept)?.title).toBe('Renamed');
    expect(w.provider.get(gone)).toBeUndefined();
    expect(w.store.state().peek(CAL).failures.size).toBe(0);
  });

  it('a 400 from the provider is recorded and not retried', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.provider.failNext('update', FAILURES.invalid);
    w.calendar.put(CAL, meeting().titled('x'.repeat(2000)).withOurConference(conferenceId).build());

    const report = w.sync();

    expect(report).toMatchObject({
      tokenStored: true,
      failures: [{ eventId: 'plan0001', willRetry: false }],
    });
    expect(w.store.listPendingRetries(CAL)).toEqual([]);
    expect(w.store.listFailures(CAL)).toMatchObject([{ eventId: 'plan0001', kind: 'provider-rejected' }]);
    w.clock.advance(24 * 60 * MINUTE);
    w.provider.resetCalls();
    expect(w.sync()).toMatchObject({ retried: 0 });
    expect(w.provider.calls).toEqual([]);
  });

  it('bad provider configuration is recorded per event as rejected, and the token still advances', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.provider.failNext('update', new ProviderConfigError('CONFERENCE_API_BASE_URL', 'must be https'));
    w.calendar.put(CAL, meeting().titled('Renamed').withOurConference(conferenceId).build());
    expect(w.sync()).toMatchObject({ tokenStored: true, failures: [{ willRetry: false }] });
    expect(w.store.listFailures(CAL)).toMatchObject([{ kind: 'provider-rejected' }]);
  });

  it('an unexpected exception on one event is recorded and the others still sync', () => {
    const w = makeWorld();
    const a = w.givenOurEvent(meeting('plan0001'));
    const b = w.givenOurEvent(meeting('plan0002'));
    w.provider.failNext('update', new TypeError('boom'));
    w.calendar.put(CAL, meeting('plan0001').titled('A').withOurConference(a).build());
    w.calendar.put(CAL, meeting('plan0002').titled('B').withOurConference(b).build());

    const report = w.sync();

    expect(report).toMatchObject({ updated: 1, tokenStored: true });
    expect(w.store.listFailures(CAL)).toMatchObject([{ eventId: 'plan0001', kind: 'unexpected-error' }]);
    expect(w.provider.get(b)?.title).toBe('B');
  });

  it('a successful sync of an event clears its failure', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.provider.failNext('update', FAILURES.invalid);
    w.calendar.put(CAL, meeting().titled('Bad').withOurConference(conferenceId).build());
    w.sync();
    w.calendar.put(CAL, meeting().titled('Good').withOurConference(conferenceId).build());
    w.sync();
    expect(w.store.listFailures(CAL)).toEqual([]);
  });
});

describe('invalid events', () => {
  it('one invalid event does not block the others or the token', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    const token = w.store.getSyncToken(CAL);
    w.calendar.putRaw(CAL, 'broken01', {
      id: 'broken01',
      status: 'confirmed',
      start: { dateTime: 'tomorrow' },
    });
    w.calendar.put(CAL, meeting().titled('Renamed').withOurConference(conferenceId).build());

    const report = w.sync();

    expect(report).toMatchObject({ eventsSeen: 2, updated: 1, tokenStored: true });
    expect(report.failures).toEqual([{ eventId: 'broken01', message: expect.any(String), willRetry: false }]);
    expect(w.store.listFailures(CAL)).toMatchObject([{ eventId: 'broken01', kind: 'invalid-event' }]);
    expect(w.store.getSyncToken(CAL)).not.toBe(token);
    expect(w.provider.get(conferenceId)?.title).toBe('Renamed');
  });
});

describe('a full state store', () => {
  it('at sync: the run keeps no part of its state, the token stays, the store says so, and the next run with room lands it', () => {
    const w = makeWorld();
    const series = anEvent().withId('weekly01').titled('Weekly').recurring('RRULE:FREQ=WEEKLY');
    const conferenceId = w.givenOurEvent(series);
    const tokenBefore = w.store.getSyncToken(CAL);
    // Three occurrences cancelled: the record grows by their overrides, which no longer fit; the note still does.
    const days = ['2025-04-02', '2025-04-09', '2025-04-16'];
    for (const day of days) {
      w.calendar.put(
        CAL,
        anEvent()
          .instanceOf('weekly01', { dateTime: `${day}T15:00:00Z` })
          .cancelled()
          .build(),
      );
    }
    w.store.limitBytes = w.store.bytes() + 65;

    const report = w.sync();

    expect(report).toMatchObject({ tokenStored: false, incomplete: 'state-not-saved' });
    expect(w.store.getSyncToken(CAL)).toBe(tokenBefore);
    expect(w.log.messages('error').join('\n')).toContain('property store cannot take');
    expect(w.store.state().usage().full).toMatchObject({ bytes: expect.any(Number) });

    w.store.limitBytes = 500 * 1024;
    expect(w.sync()).toMatchObject({ occurrencesChanged: 3, tokenStored: true });
    expect(Object.keys(w.provider.get(conferenceId)?.occurrences ?? {})).toHaveLength(3);
    expect(w.store.state().usage().full).toBeNull();
  });

  it('at sync, when the failures shown on the card are what no longer fits, drops them and syncs on', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.calendar.put(CAL, meeting().titled('Planning v2').withOurConference(conferenceId).build());
    w.provider.failNext('update', FAILURES.invalid);
    w.store.limitBytes = w.store.bytes() + 30;

    const report = w.sync();

    expect(report).toMatchObject({ tokenStored: true });
    expect(w.store.listFailures(CAL)).toEqual([]);
    expect(w.store.state().peek(CAL).failuresDropped).toBe(1);
    expect(w.log.messages('warn').join('\n')).toContain('failures shown on the card are dropped');
  });
});

describe('a provider that is down', () => {
  it('is called at most twice per run: the run stops at its cursor, nothing is parked, and the next run sends each change once', () => {
    const w = makeWorld();
    const ids = ['plan0001', 'plan0002', 'plan0003'].map((id) => ({
      id,
      conferenceId: w.givenOurEvent(meeting(id)),
    }));
    for (const { id, conferenceId } of ids) {
      w.calendar.put(CAL, meeting(id).titled('Moved').withOurConference(conferenceId).build());
    }
    w.provider.failNext('update', FAILURES.unavailable, 3);

    const report = w.sync();

    // One wave of three, all failing: the provider is down, and nothing more is sent.
    expect(w.provider.count('update')).toBe(3);
    expect(report).toMatchObject({ tokenStored: false, updated: 0, incomplete: 'provider-unavailable' });
    expect(w.store.listPendingRetries(CAL)).toEqual([]);

    w.provider.resetCalls();
    w.clock.advance(30 * MINUTE);
    expect(w.sync()).toMatchObject({ updated: 3, failures: [], tokenStored: true });
    expect(w.provider.count('update')).toBe(3);
  });

  it('a permanent error for one event does not stop the calls for the others', () => {
    const w = makeWorld();
    const ids = ['plan0001', 'plan0002'].map((id) => ({ id, conferenceId: w.givenOurEvent(meeting(id)) }));
    for (const { id, conferenceId } of ids) {
      w.calendar.put(CAL, meeting(id).titled('Moved').withOurConference(conferenceId).build());
    }
    w.provider.failNext('update', FAILURES.invalid);
    expect(w.sync()).toMatchObject({ updated: 1 });
    expect(w.provider.count('update')).toBe(2);
  });
});

describe('what a failure keeps for the status card', () => {
  it("keeps the event's title and start, so a person can tell which meeting it is", () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.calendar.put(
      CAL,
      meeting()
        .titled('Board meeting')
        .timed('2026-12-01T10:00:00+01:00', '2026-12-01T11:00:00+01:00')
        .withOurConference(conferenceId)
        .build(),
    );
    w.provider.failNext('update', FAILURES.invalid);
    w.sync();
    expect(w.store.listFailures(CAL)).toEqual([
      expect.objectContaining({ summary: 'Board meeting', start: '2026-12-01T10:00:00+01:00' }),
    ]);
  });
});

describe('a run that would outlast the Apps Script time limit', () => {
  it('sends no wave after its time budget, saves where it stopped, and the next run sends the rest, nothing twice', () => {
    const w = makeWorld();
    const ids = Array.from({ length: 8 }, (_, i) => `plan000${i}`);
    const conferences = ids.map((id) => w.givenOurEvent(meeting(id)));
    ids.forEach((id, i) => {
      w.calendar.put(CAL, meeting(id).titled('Moved').withOurConference(conferences[i]).build());
    });
    // A slow provider: every wave takes a minute.
    const executeAll = w.provider.executeAll.bind(w.provider);
    w.provider.executeAll = (calls) => {
      w.clock.advance(MINUTE);
      return executeAll(calls);
    };

    const first = w.sync(CAL, { waveWidth: 1 });

    expect(first).toMatchObject({ updated: 5, deferred: 3, tokenStored: false, incomplete: 'time-budget' });
    expect(cursorOf(w)).toMatchObject({ syncToken: expect.any(String) });

    const second = w.sync(CAL, { waveWidth: 1 });
    expect(second).toMatchObject({ updated: 3, unchanged: 5, deferred: 0, tokenStored: true });
    expect(ids.map((_, i) => w.provider.get(conferences[i])?.title)).toEqual(ids.map(() => 'Moved'));
    expect(w.provider.count('update')).toBe(8);
  });
});

describe('failures nobody acted on', () => {
  it('are dropped after a month, so they cannot fill the property store', () => {
    const w = makeWorld();
    w.calendar.putRaw(CAL, 'broken01', {
      id: 'broken01',
      status: 'confirmed',
      start: { dateTime: 'not a time' },
    });
    w.sync();
    expect(w.store.listFailures(CAL)).toHaveLength(1);
    w.clock.advance(29 * 24 * 60 * MINUTE);
    w.sync();
    expect(w.store.listFailures(CAL)).toHaveLength(1);
    w.clock.advance(2 * 24 * 60 * MINUTE);
    w.sync();
    expect(w.store.listFailures(CAL)).toEqual([]);
  });
});
