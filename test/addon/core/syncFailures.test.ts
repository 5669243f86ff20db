/**
 * Robustness: a provider failure is parked and retried instead of lost, a permanent one is reported and not
 * retried, a malformed event is recorded and skipped, and none of them holds the token back.
 */
import { ProviderConfigError } from '../../../src/core/errors';
import { anEvent, CAL, FAILURES, makeWorld } from '../fakes';

const MINUTE = 60 * 1000;

function meeting(id = 'plan0001') {
  return anEvent().withId(id).titled('Planning');
}

describe('provider failures', () => {
  it('a 503 on PATCH is retried on the next run', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.provider.failNext('update', FAILURES.unavailable);
    w.calendar.put(CAL, meeting().titled('Renamed').withOurConference(conferenceId).build());

    const first = w.sync();

    expect(first).toMatchObject({ tokenStored: true, updated: 0 });
    expect(first.failures).toEqual([
      { eventId: 'plan0001', message: expect.stringContaining('503'), willRetry: true },
    ]);
    const pending = w.store.listPendingRetries(CAL);
    expect(pending).toMatchObject([{ eventId: 'plan0001', attempts: 1, event: { summary: 'Renamed' } }]);
    expect(w.store.listFailures(CAL)).toMatchObject([{ eventId: 'plan0001', kind: 'provider-retrying' }]);

    w.clock.set(Date.parse(pending[0].notBefore));
    const second = w.sync(); // nothing new listed: the change comes from the retry list

    expect(second).toMatchObject({ retried: 1, updated: 1, eventsSeen: 0, failures: [] });
    expect(w.provider.get(conferenceId)?.title).toBe('Renamed');
    expect(w.store.listPendingRetries(CAL)).toEqual([]);
    expect(w.store.listFailures(CAL)).toEqual([]);
  });

  it('backs off exponentially, deterministically, when the provider gives no Retry-After', () => {
    const notBefores: number[] = [];
    for (let run = 0; run < 2; run++) {
      const w = makeWorld();
      const conferenceId = w.givenOurEvent(meeting());
      w.provider.failNext('update', FAILURES.unavailable, 2);
      w.calendar.put(CAL, meeting().titled('Renamed').withOurConference(conferenceId).build());
      const start = w.clock.now();
      w.sync();
      const first = Date.parse(w.store.listPendingRetries(CAL)[0].notBefore);
      expect(first - start).toBeGreaterThanOrEqual(MINUTE);
      expect(first - start).toBeLessThanOrEqual(1.2 * MINUTE);
      w.clock.set(first);
      w.sync();
      const second = Date.parse(w.store.listPendingRetries(CAL)[0].notBefore);
      expect(second - first).toBeGreaterThanOrEqual(2 * MINUTE);
      notBefores.push(first, second);
    }
    expect(notBefores.slice(0, 2)).toEqual(notBefores.slice(2));
  });

  it('a 429 waits for Retry-After', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.provider.failNext('update', FAILURES.rateLimited(300));
    w.calendar.put(CAL, meeting().titled('Renamed').withOurConference(conferenceId).build());
    const start = w.clock.now();
    w.sync();
    expect(w.store.listPendingRetries(CAL)[0].notBefore).toBe(new Date(start + 300 * 1000).toISOString());
    w.provider.resetCalls();

    w.clock.advance(299 * 1000);
    expect(w.sync()).toMatchObject({ retried: 0 });
    expect(w.provider.calls).toEqual([]);

    w.clock.advance(1000);
    expect(w.sync()).toMatchObject({ retried: 1, updated: 1 });
    expect(w.provider.get(conferenceId)?.title).toBe('Renamed');
  });

  it('a newer listing of a waiting event replaces the pending state without calling early', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.provider.failNext('update', FAILURES.rateLimited(300));
    w.calendar.put(CAL, meeting().titled('First').withOurConference(conferenceId).build());
    w.sync();
    w.provider.resetCalls();
    w.calendar.put(CAL, meeting().titled('Second').withOurConference(conferenceId).build());

    w.sync();

    expect(w.provider.calls).toEqual([]);
    expect(w.store.listPendingRetries(CAL)).toMatchObject([{ attempts: 1, event: { summary: 'Second' } }]);
    w.clock.advance(300 * 1000);
    w.sync();
    expect(w.provider.calls).toEqual([{ method: 'update', args: [conferenceId, { title: 'Second' }] }]);
  });

  it('gives up after maxRetryAttempts and says so', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.provider.failNext('update', FAILURES.rateLimited(1), 3);
    w.calendar.put(CAL, meeting().titled('Renamed').withOurConference(conferenceId).build());
    w.sync(CAL, { maxRetryAttempts: 2 });
    for (let i = 0; i < 2; i++) {
      w.clock.advance(1000);
      w.sync(CAL, { maxRetryAttempts: 2 });
    }
    expect(w.store.listPendingRetries(CAL)).toEqual([]);
    expect(w.store.listFailures(CAL)).toMatchObject([{ eventId: 'plan0001', kind: 'gave-up' }]);
    expect(w.provider.count('update')).toBe(3);
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
  const QUOTA = 'You have exceeded the property storage quota. Please remove some properties and try again.';

  it('a retry that cannot be saved keeps the token, so the change is listed again and lands later', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    const tokenBefore = w.store.getSyncToken(CAL);
    w.calendar.put(CAL, meeting().titled('Planning v2').withOurConference(conferenceId).build());
    w.provider.failNext('update', FAILURES.unavailable);
    const putPendingRetry = w.store.putPendingRetry.bind(w.store);
    const putFailure = w.store.putFailure.bind(w.store);
    w.store.putPendingRetry = () => {
      throw new Error(QUOTA);
    };
    w.store.putFailure = () => {
      throw new Error(QUOTA);
    };

    const report = w.sync();

    expect(report).toMatchObject({ tokenStored: false, incomplete: 'retry-not-saved' });
    expect(w.store.getSyncToken(CAL)).toBe(tokenBefore);
    expect(w.log.messages('error').join('\n')).toContain('could not save the retry');

    w.store.putPendingRetry = putPendingRetry;
    w.store.putFailure = putFailure;
    expect(w.sync()).toMatchObject({ updated: 1, tokenStored: true });
  });
});

describe('a provider that is down', () => {
  it('is called once per run: the other changes are parked for a retry without a call, and the token advances', () => {
    const w = makeWorld();
    const ids = ['plan0001', 'plan0002', 'plan0003'].map((id) => ({
      id,
      conferenceId: w.givenOurEvent(meeting(id)),
    }));
    for (const { id, conferenceId } of ids) {
      w.calendar.put(CAL, meeting(id).titled('Moved').withOurConference(conferenceId).build());
    }
    w.provider.failNext('update', FAILURES.unavailable);

    const report = w.sync();

    expect(w.provider.count('update')).toBe(1);
    expect(report).toMatchObject({ tokenStored: true, updated: 0 });
    expect(report.failures.map((f) => f.willRetry)).toEqual([true, true, true]);
    expect(
      w.store
        .listPendingRetries(CAL)
        .map((r) => r.eventId)
        .sort(),
    ).toEqual(ids.map((i) => i.id));

    w.clock.advance(30 * MINUTE);
    expect(w.sync()).toMatchObject({ retried: 3, updated: 3, failures: [] });
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
  it('parks the remaining changes once its time budget is used, stores the token, and the next run sends them', () => {
    const w = makeWorld();
    const ids = Array.from({ length: 8 }, (_, i) => `plan000${i}`);
    const conferences = ids.map((id) => w.givenOurEvent(meeting(id)));
    ids.forEach((id, i) => {
      w.calendar.put(CAL, meeting(id).titled('Moved').withOurConference(conferences[i]).build());
    });
    // A slow provider: every PATCH takes a minute.
    const update = w.provider.update.bind(w.provider);
    w.provider.update = (id, changes) => {
      w.clock.advance(MINUTE);
      return update(id, changes);
    };

    const first = w.sync();

    expect(first).toMatchObject({ updated: 5, deferred: 3, tokenStored: true, failures: [] });
    expect(w.store.listPendingRetries(CAL)).toHaveLength(3);

    const second = w.sync();
    expect(second).toMatchObject({ retried: 3, updated: 3, deferred: 0 });
    expect(ids.map((_, i) => w.provider.get(conferences[i])?.title)).toEqual(ids.map(() => 'Moved'));
    expect(w.store.listPendingRetries(CAL)).toEqual([]);
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
