/**
 * createConferenceForEvent, the core of Calendar's onCreateFunction: works before the event exists, is
 * idempotent, and turns every failure into TEMPORARY or PERMANENT instead of throwing.
 */
import { createConferenceForEvent } from '../../../src/core/createConference';
import { CalendarApiError, ProviderConfigError } from '../../../src/core/errors';
import { idempotencyKey } from '../../../src/core/idempotencyKey';
import { anEvent, CAL, FAILURES, makeWorld, START_TIME } from '../fakes';

const PLACEHOLDERS = {
  title: '',
  startTime: null,
  endTime: null,
  startDate: null,
  endDate: null,
  timeZone: null,
  recurrence: [],
  attendees: [],
};

describe('createConferenceForEvent', () => {
  it('createConference before the event exists', () => {
    const w = makeWorld();

    const result = createConferenceForEvent(w.ports, CAL, 'newevent01');

    if (!result.ok) throw new Error(result.message);
    expect(w.provider.calls).toEqual([
      {
        method: 'create',
        args: [
          {
            idempotencyKey: idempotencyKey(CAL, 'newevent01'),
            calendarId: CAL,
            eventId: 'newevent01',
            fields: PLACEHOLDERS,
          },
        ],
      },
    ]);
    expect(result.record).toEqual({
      calendarId: CAL,
      eventId: 'newevent01',
      conferenceId: result.conference.id,
      sent: PLACEHOLDERS,
      occurrences: {},
      attached: false,
      createdAt: new Date(START_TIME).toISOString(),
    });
    expect(w.store.getRecord(CAL, 'newevent01')).toEqual(result.record);

    // The user saves the event; the first sync PATCHes the real fields.
    w.calendar.put(
      CAL,
      anEvent().withId('newevent01').titled('Kick-off').withOurConference(result.conference.id).build(),
    );
    w.sync();
    expect(w.provider.get(result.conference.id)).toMatchObject({
      title: 'Kick-off',
      timeZone: 'America/Chicago',
    });
  });

  it('uses the event fields when the event already exists', () => {
    const w = makeWorld();
    w.calendar.put(CAL, anEvent().withId('existing1').titled('Review').build());
    const result = createConferenceForEvent(w.ports, CAL, 'existing1');
    expect(result).toMatchObject({ ok: true, record: { sent: { title: 'Review' } } });
  });

  it('continues with placeholders when reading the event fails', () => {
    const w = makeWorld();
    jest.spyOn(w.calendar, 'getEvent').mockImplementation(() => {
      throw new CalendarApiError('Not Found', { status: 404, retryable: false });
    });
    const result = createConferenceForEvent(w.ports, CAL, 'unsaved01');
    expect(result).toMatchObject({ ok: true, record: { sent: { title: '' } } });
  });

  it('a repeated createConference makes no second conference', () => {
    const w = makeWorld();
    const first = createConferenceForEvent(w.ports, CAL, 'newevent01');
    w.clock.advance(5000);
    const second = createConferenceForEvent(w.ports, CAL, 'newevent01');

    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.conference.id).toBe(first.conference.id);
    expect(second.record).toEqual(first.record);
    expect(w.provider.conferences.size).toBe(1);
  });

  it('a provider 503 during createConference is TEMPORARY', () => {
    const w = makeWorld();
    w.provider.failNext('create', FAILURES.unavailable);
    const result = createConferenceForEvent(w.ports, CAL, 'newevent01');
    expect(result).toEqual({ ok: false, errorType: 'TEMPORARY', message: expect.any(String) });
    expect(w.store.getRecord(CAL, 'newevent01')).toBeNull();
  });

  it('a 429 during createConference is TEMPORARY', () => {
    const w = makeWorld();
    w.provider.failNext('create', FAILURES.rateLimited(30));
    expect(createConferenceForEvent(w.ports, CAL, 'newevent01')).toMatchObject({
      ok: false,
      errorType: 'TEMPORARY',
    });
  });

  it('a 401 during createConference is PERMANENT', () => {
    const w = makeWorld();
    w.provider.failNext('create', FAILURES.unauthenticated);
    expect(createConferenceForEvent(w.ports, CAL, 'newevent01')).toMatchObject({
      ok: false,
      errorType: 'PERMANENT',
    });
  });

  it('bad configuration during createConference is PERMANENT and says which property', () => {
    const w = makeWorld();
    w.provider.failNext(
      'create',
      new ProviderConfigError('CONFERENCE_API_BASE_URL', 'CONFERENCE_API_BASE_URL must be https'),
    );
    expect(createConferenceForEvent(w.ports, CAL, 'newevent01')).toEqual({
      ok: false,
      errorType: 'PERMANENT',
      message: 'CONFERENCE_API_BASE_URL must be https',
    });
  });

  it('never throws, even on an unexpected error, and does not pass its text to Calendar', () => {
    const w = makeWorld();
    w.provider.failNext('create', new Error('secret-ish detail'));
    const result = createConferenceForEvent(w.ports, CAL, 'newevent01');
    expect(result).toMatchObject({ ok: false, errorType: 'PERMANENT' });
    expect(JSON.stringify(result)).not.toContain('secret-ish');
  });
});
