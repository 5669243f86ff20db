/**
 * Answers that depend on configuration or on a race are never final: a 412 on a PATCH is sent again and lands, a
 * 401/403 (the key refused) keeps the change — a DELETE too — and is retried as soon as the configuration changes,
 * hourly otherwise, without ever being dropped.
 */
import { anEvent, CAL, FAILURES, type InjectedFailure, makeWorld } from '../fakes';

const HOUR = 60 * 60 * 1000;
const preconditionFailed: InjectedFailure = { status: 412, code: 'FAILED_PRECONDITION', retryable: false };
const forbidden: InjectedFailure = { status: 403, code: 'PERMISSION_DENIED', retryable: false };

function meeting(id: string) {
  return anEvent().withId(id).titled('Planning');
}

describe('a 412 on a PATCH', () => {
  it('is sent again in the same run and the change lands', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting('race0001'));
    w.provider.failNext('update', preconditionFailed);
    w.calendar.put(CAL, meeting('race0001').titled('Renamed').withOurConference(conferenceId).build());
    const report = w.sync();
    expect(report).toMatchObject({ updated: 1, failures: [], tokenStored: true });
    expect(w.provider.count('update')).toBe(2);
    expect(w.provider.get(conferenceId)?.title).toBe('Renamed');
  });
});

describe('the conference API rejects the key', () => {
  it('stops the run at its cursor with a message naming the property, and resumes at once when the key changes', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting('key00001'));
    const token = w.store.getSyncToken(CAL);
    w.provider.failNext('update', FAILURES.unauthenticated);
    w.calendar.put(CAL, meeting('key00001').titled('Renamed').withOurConference(conferenceId).build());
    const first = w.sync(CAL, { configFingerprint: 'old' });
    expect(first).toMatchObject({ tokenStored: false, incomplete: 'provider-unavailable', updated: 0 });
    expect(first.failures[0]?.message).toContain('rejected the key (401)');
    expect(first.failures[0]?.message).toContain('CONFERENCE_API_KEY');
    expect(w.store.getSyncToken(CAL)).toBe(token);

    // Same configuration: nothing is sent before the slow cadence (an hour), whatever triggers fire.
    w.clock.advance(10 * 60 * 1000);
    w.provider.resetCalls();
    expect(w.sync(CAL, { configFingerprint: 'old' })).toMatchObject({ incomplete: 'waiting' });
    expect(w.provider.calls).toEqual([]);

    // The administrator fixed the key: the very next run sends the change.
    const fixed = w.sync(CAL, { configFingerprint: 'new' });
    expect(fixed).toMatchObject({ updated: 1, tokenStored: true, failures: [] });
    expect(w.provider.get(conferenceId)?.title).toBe('Renamed');
  });

  it('is tried again while the configuration stays the same, however long it takes, and never given up', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting('key00002'));
    w.provider.failNext('update', FAILURES.unauthenticated, 30);
    w.calendar.put(CAL, meeting('key00002').titled('Renamed').withOurConference(conferenceId).build());
    for (let hour = 0; hour < 30; hour++) {
      w.sync(CAL, { configFingerprint: 'same' });
      w.clock.advance(8 * HOUR);
    }
    // 30 refusals over 10 days (backoff capped, jitter 20 %), then the provider takes the key again (it was restored on its side).
    expect(w.provider.count('update')).toBe(30);
    expect(w.sync(CAL, { configFingerprint: 'same' })).toMatchObject({ updated: 1, tokenStored: true });
    expect(w.provider.get(conferenceId)?.title).toBe('Renamed');
  });

  it('a DELETE refused with 403 is kept and sent once the configuration changes', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting('key00003'));
    w.provider.failNext('delete', forbidden);
    w.calendar.remove(CAL, 'key00003');
    const first = w.sync(CAL, { configFingerprint: 'old' });
    // The deletion is parked (pending, in the retry list): the token may pass it.
    expect(first).toMatchObject({ deleted: 0, tokenStored: true, pendingDeletions: 1 });
    expect(first.failures[0]?.message).toContain('rejected the key (403)');
    expect(w.provider.get(conferenceId)).toBeDefined();
    const fixed = w.sync(CAL, { configFingerprint: 'new' });
    expect(fixed).toMatchObject({ deleted: 1, tokenStored: true });
    expect(w.provider.get(conferenceId)).toBeUndefined();
  });

  it('one refusal among calls that land parks only that event, retried when the configuration changes', () => {
    const w = makeWorld();
    const a = w.givenOurEvent(meeting('keymix01'));
    const b = w.givenOurEvent(meeting('keymix02'));
    w.provider.failNext('update', FAILURES.unauthenticated);
    w.calendar.put(CAL, meeting('keymix01').titled('A2').withOurConference(a).build());
    w.calendar.put(CAL, meeting('keymix02').titled('B2').withOurConference(b).build());
    const first = w.sync(CAL, { configFingerprint: 'old' });
    expect(first).toMatchObject({ updated: 1, tokenStored: true });
    expect(first.failures).toEqual([
      { eventId: 'keymix01', message: expect.stringContaining('rejected the key'), willRetry: true },
    ]);
    expect(w.store.state().peek(CAL).retries.get('keymix01')?.rejectedConfig).toBe('old');
    w.clock.advance(5 * 60 * 1000);
    expect(w.sync(CAL, { configFingerprint: 'old' })).toMatchObject({ retried: 0 });
    const fixed = w.sync(CAL, { configFingerprint: 'new' });
    expect(fixed).toMatchObject({ retried: 1, updated: 1, failures: [] });
    expect(w.provider.get(a)?.title).toBe('A2');
    expect(w.provider.get(b)?.title).toBe('B2');
  });
});
