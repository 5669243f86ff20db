/**
 * createConferenceForEvent, the core of Calendar's onCreateFunction: works before the event exists, is
 * idempotent, and turns every failure into TEMPORARY or PERMANENT instead of throwing.
 */
import { fieldsDigest } from '../../../src/core/conferenceFields';
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
      digest: fieldsDigest(PLACEHOLDERS),
      lastEnd: null,
      occurrences: {},
      attached: false,
      createdAt: new Date(START_TIME).toISOString(),
    });
    expect(w.store.getRecord(CAL, 'newevent01')).toEqual(result.record);
    // One read and one write of the property store.
    expect({ reads: w.store.reads, writes: w.store.writes }).toEqual({ reads: 1, writes: 1 });

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
    expect(result).toMatchObject({ ok: true });
    expect(w.provider.calls[0]?.args[0]).toMatchObject({ fields: { title: 'Review' } });
  });

  it('continues with placeholders when reading the event fails', () => {
    const w = makeWorld();
    jest.spyOn(w.calendar, 'getEvent').mockImplementation(() => {
      throw new CalendarApiError('Not Found', { status: 404, retryable: false });
    });
    const result = createConferenceForEvent(w.ports, CAL, 'unsaved01');
    expect(result).toMatchObject({ ok: true, record: { digest: fieldsDigest(PLACEHOLDERS) } });
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

describe('createConferenceForEvent with a full property store', () => {
  it('is refused before the provider is called when there is no room for the record, and says so', () => {
    const w = makeWorld();
    w.givenOurEvent(anEvent().withId('existing01').titled('Kept'));
    // Fill the store up to the room kept for tokens: nothing new may take it.
    const filler = 'x'.repeat(7900);
    const values: Record<string, string> = {};
    for (let n = 0; n < 63; n++) values[`other-addon-${n}`] = filler;
    w.store.writeAll(values);
    w.provider.resetCalls();

    const result = createConferenceForEvent(w.ports, CAL, 'newevent01');

    expect(result).toMatchObject({
      ok: false,
      errorType: 'PERMANENT',
      message: expect.stringContaining('no room'),
    });
    expect(w.provider.calls).toEqual([]);
    expect(w.store.state().usage()).toMatchObject({ warn: true, full: { bytes: expect.any(Number) } });
    // Syncing still works: the reserve holds the token and the note.
    expect(w.sync()).toMatchObject({ tokenStored: true });
  });

  it('deletes the conference again when its record cannot be saved: no conference lives without a record', () => {
    const w = makeWorld();
    w.store.limitBytes = w.store.bytes() + 10; // the store refuses the record's write

    const result = createConferenceForEvent(w.ports, CAL, 'newevent01');

    expect(result).toMatchObject({ ok: false, errorType: 'PERMANENT' });
    expect(w.provider.calls.map((c) => c.method)).toEqual(['create', 'delete']);
    expect(w.provider.conferences.size).toBe(0);
    expect(w.log.messages('error').join('\n')).toContain('deleted it again');
  });
});
