/**
 * createConferenceForEvent, the core of Calendar's onCreateFunction: works before the event exists, is
 * idempotent, and turns every failure into TEMPORARY or PERMANENT instead of throwing.
 */
import { fieldsDigest } from '../../../src/core/conferenceFields';
import { createConferenceForEvent, UNKNOWN_CONFERENCE_ID } from '../../../src/core/createConference';
import { CalendarApiError, ProviderConfigError, ProviderError } from '../../../src/core/errors';
import { idempotencyKey } from '../../../src/core/idempotencyKey';
import { StateStoreFullError } from '../../../src/core/state';
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
    // One read and two writes of the property store: the intent before the provider call, then the record.
    expect({ reads: w.store.reads, writes: w.store.writes }).toEqual({ reads: 1, writes: 2 });

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

  it('a provider 503 during createConference is TEMPORARY and keeps the intent (the create may have happened)', () => {
    const w = makeWorld();
    w.provider.failNext('create', FAILURES.unavailable);
    const result = createConferenceForEvent(w.ports, CAL, 'newevent01');
    expect(result).toEqual({ ok: false, errorType: 'TEMPORARY', message: expect.any(String) });
    expect(w.store.getRecord(CAL, 'newevent01')).toMatchObject({
      conferenceId: UNKNOWN_CONFERENCE_ID,
      attached: false,
    });
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

  it('creates nothing when even the intent record cannot be saved', () => {
    const w = makeWorld();
    w.store.limitBytes = w.store.bytes() + 10; // the store refuses the intent's write

    const result = createConferenceForEvent(w.ports, CAL, 'newevent01');

    expect(result).toMatchObject({
      ok: false,
      errorType: 'PERMANENT',
      message: expect.stringContaining('no room'),
    });
    expect(w.provider.calls).toEqual([]);
    expect(w.provider.conferences.size).toBe(0);
    expect(w.store.getRecord(CAL, 'newevent01')).toBeNull();
  });

  it('deletes the conference again when its record cannot be saved: no conference lives without a record', () => {
    const w = makeWorld();
    const writeAll = w.store.writeAll.bind(w.store);
    let writes = 0;
    jest.spyOn(w.store, 'writeAll').mockImplementation((values) => {
      // The intent is saved; the record that replaces it is refused; removing the intent works again.
      if (++writes === 2) throw new StateStoreFullError('You have exceeded the property storage quota.');
      writeAll(values);
    });

    const result = createConferenceForEvent(w.ports, CAL, 'newevent01');

    expect(result).toMatchObject({ ok: false, errorType: 'PERMANENT' });
    expect(w.provider.calls.map((c) => c.method)).toEqual(['create', 'delete']);
    expect(w.provider.conferences.size).toBe(0);
    expect(w.log.messages('error').join('\n')).toContain('deleted it again');
    expect(w.store.getRecord(CAL, 'newevent01')).toBeNull();
  });

  it('keeps the intent when the record cannot be saved and deleting the conference fails too', () => {
    const w = makeWorld();
    const writeAll = w.store.writeAll.bind(w.store);
    let writes = 0;
    jest.spyOn(w.store, 'writeAll').mockImplementation((values) => {
      if (++writes === 2) throw new StateStoreFullError('You have exceeded the property storage quota.');
      writeAll(values);
    });
    w.provider.failNext('delete', FAILURES.unavailable);

    const result = createConferenceForEvent(w.ports, CAL, 'newevent01');

    expect(result).toMatchObject({ ok: false, errorType: 'PERMANENT' });
    expect(w.provider.conferences.size).toBe(1);
    // The sync finds the conference by its event through this record and deletes it at expiry.
    expect(w.store.getRecord(CAL, 'newevent01')).toMatchObject({
      conferenceId: UNKNOWN_CONFERENCE_ID,
      attached: false,
    });
    expect(w.log.messages('error').join('\n')).toContain('the sync will delete it');
  });
});

describe('createConferenceForEvent when the answer is lost (no conference without a record)', () => {
  it('a conference created but whose answer was lost leaves an intent record and answers TEMPORARY', () => {
    const w = makeWorld();
    w.provider.loseAnswerNext('create', FAILURES.timeout);

    const result = createConferenceForEvent(w.ports, CAL, 'newevent01');

    expect(result).toEqual({ ok: false, errorType: 'TEMPORARY', message: expect.any(String) });
    // The provider made it ...
    expect(w.provider.conferences.size).toBe(1);
    const [made] = [...w.provider.conferences.values()];
    expect(made).toMatchObject({ calendarId: CAL, eventId: 'newevent01' });
    // ... and the store says so, without knowing its id: what the sync needs to find it by event and clean up.
    expect(w.store.getRecord(CAL, 'newevent01')).toEqual({
      calendarId: CAL,
      eventId: 'newevent01',
      conferenceId: UNKNOWN_CONFERENCE_ID,
      digest: fieldsDigest(PLACEHOLDERS),
      lastEnd: null,
      occurrences: {},
      attached: false,
      createdAt: new Date(START_TIME).toISOString(),
    });
    expect(w.provider.findByEvent(CAL, 'newevent01').map((c) => c.id)).toEqual([made?.id]);
  });

  it('the intent survives the property store round trip (the id is not one the API can issue)', () => {
    const w = makeWorld();
    w.givenOurEvent(anEvent().withId('existing01').titled('Kept'));
    w.provider.loseAnswerNext('create', FAILURES.unavailable);

    createConferenceForEvent(w.ports, CAL, 'newevent01');

    const state = w.store.state();
    expect(state.unreadable).toEqual([]);
    expect(w.store.getRecord(CAL, 'newevent01')?.conferenceId).toBe(UNKNOWN_CONFERENCE_ID);
    expect(w.store.getRecord(CAL, 'existing01')?.attached).toBe(true);
    expect(/^[A-Za-z0-9_-]{1,64}$/.test(UNKNOWN_CONFERENCE_ID)).toBe(false);
  });

  it('a retried createConference after a lost answer finds the same conference (idempotency key) and records it', () => {
    const w = makeWorld();
    w.provider.loseAnswerNext('create', FAILURES.timeout);
    expect(createConferenceForEvent(w.ports, CAL, 'newevent01')).toMatchObject({ ok: false });
    const [made] = [...w.provider.conferences.values()];
    w.clock.advance(5000);

    const retried = createConferenceForEvent(w.ports, CAL, 'newevent01');

    if (!retried.ok) throw new Error(retried.message);
    expect(retried.conference.id).toBe(made?.id);
    expect(w.provider.conferences.size).toBe(1);
    expect(w.provider.count('create')).toBe(2);
    expect(retried.record).toMatchObject({ conferenceId: made?.id, attached: false });
    expect(w.store.getRecord(CAL, 'newevent01')).toEqual(retried.record);
  });

  it('a retry that fails again keeps the earlier intent, even when the API refuses it', () => {
    const w = makeWorld();
    w.provider.loseAnswerNext('create', FAILURES.timeout);
    createConferenceForEvent(w.ports, CAL, 'newevent01');
    w.provider.failNext('create', FAILURES.invalid);

    expect(createConferenceForEvent(w.ports, CAL, 'newevent01')).toMatchObject({
      ok: false,
      errorType: 'PERMANENT',
    });
    // The first attempt's conference is still out there: the intent that leads to it stays.
    expect(w.store.getRecord(CAL, 'newevent01')?.conferenceId).toBe(UNKNOWN_CONFERENCE_ID);
  });

  it('a 400 leaves no record (nothing was created)', () => {
    const w = makeWorld();
    w.provider.failNext('create', FAILURES.invalid);

    const result = createConferenceForEvent(w.ports, CAL, 'newevent01');

    expect(result).toMatchObject({ ok: false, errorType: 'PERMANENT' });
    expect(w.provider.conferences.size).toBe(0);
    expect(w.store.getRecord(CAL, 'newevent01')).toBeNull();
    expect(w.store.state().peek(CAL).records.size).toBe(0);
  });

  it.each([
    [
      'a 401',
      new ProviderError('provider answered 401', { status: 401, code: 'UNAUTHENTICATED', retryable: false }),
    ],
    ['a configuration error', new ProviderConfigError('CONFERENCE_API_KEY', 'CONFERENCE_API_KEY is not set')],
  ])('%s leaves no record', (_what, error) => {
    const w = makeWorld();
    w.provider.failNext('create', error);
    expect(createConferenceForEvent(w.ports, CAL, 'newevent01')).toMatchObject({ errorType: 'PERMANENT' });
    expect(w.store.getRecord(CAL, 'newevent01')).toBeNull();
  });

  it('a 429 and an unexpected error keep the intent (they prove nothing)', () => {
    const w = makeWorld();
    w.provider.failNext('create', FAILURES.rateLimited(30));
    createConferenceForEvent(w.ports, CAL, 'event-429');
    w.provider.failNext('create', new Error('boom'));
    createConferenceForEvent(w.ports, CAL, 'event-boom');
    expect(w.store.getRecord(CAL, 'event-429')?.conferenceId).toBe(UNKNOWN_CONFERENCE_ID);
    expect(w.store.getRecord(CAL, 'event-boom')?.conferenceId).toBe(UNKNOWN_CONFERENCE_ID);
  });

  it('a repeat for an event already recorded writes no intent over its record', () => {
    const w = makeWorld();
    const id = w.givenOurEvent(anEvent().withId('existing01').titled('Kept'));
    const before = w.store.getRecord(CAL, 'existing01');
    w.provider.failNext('create', FAILURES.unavailable);

    expect(createConferenceForEvent(w.ports, CAL, 'existing01')).toMatchObject({ errorType: 'TEMPORARY' });

    expect(w.store.getRecord(CAL, 'existing01')).toEqual(before);
    expect(before?.conferenceId).toBe(id);
  });
});
