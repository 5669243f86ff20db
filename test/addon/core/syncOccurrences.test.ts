/**
 * Exceptions of a series whose master is ours (calendar-fixtures §1.4, §3.4, §3.5, §3.6): a cancelled or moved
 * instance sets that occurrence's override on the master's conference, once.
 */
import { anEvent, CAL, makeWorld } from '../fakes';

const MASTER = '68k0p6ackplecqs9fuvbs1fju0';
const ORIGINAL = { dateTime: '2025-03-24T07:30:00-05:00', timeZone: 'America/Chicago' };

function series() {
  return anEvent()
    .withId(MASTER)
    .titled('Dishes')
    .timed('2025-03-24T07:30:00-05:00', '2025-03-24T08:15:00-05:00')
    .recurring('RRULE:FREQ=DAILY');
}

describe('occurrences', () => {
  it('a cancelled occurrence marks that occurrence cancelled', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(series());
    w.calendar.put(CAL, anEvent().instanceOf(MASTER, ORIGINAL).cancelled().build());

    const report = w.sync();

    expect(w.provider.calls).toEqual([
      { method: 'setOccurrence', args: [conferenceId, '20250324T123000Z', { cancelled: true }] },
    ]);
    expect(report.occurrencesChanged).toBe(1);
    expect(Object.keys(w.store.getRecord(CAL, MASTER)?.occurrences ?? {})).toEqual(['20250324T123000Z']);
    expect(w.provider.get(conferenceId)?.occurrences['20250324T123000Z']).toEqual({ cancelled: true });
    // Seen again (the same exception listed once more): nothing to send.
    w.provider.resetCalls();
    w.calendar.put(CAL, anEvent().instanceOf(MASTER, ORIGINAL).cancelled().build());
    expect(w.sync()).toMatchObject({ occurrencesChanged: 0 });
    expect(w.provider.calls).toEqual([]);
  });

  it('a moved occurrence sends its new times', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(series());
    const moved = anEvent()
      .instanceOf(MASTER, ORIGINAL)
      .titled('Dishes (Modified)')
      .timed('2025-03-24T12:30:00-05:00', '2025-03-24T13:15:00-05:00');
    w.calendar.put(CAL, moved.build());

    w.sync();

    const override = { startTime: '2025-03-24T12:30:00-05:00', endTime: '2025-03-24T13:15:00-05:00' };
    expect(w.provider.calls).toEqual([
      { method: 'setOccurrence', args: [conferenceId, '20250324T123000Z', override] },
    ]);

    // The same exception listed again (the master re-emitted with it, a later edit elsewhere): no second call.
    w.provider.resetCalls();
    w.calendar.put(CAL, moved.build());
    expect(w.sync()).toMatchObject({ occurrencesChanged: 0, unchanged: 1 });
    expect(w.provider.calls).toEqual([]);
  });

  it('cutting the series short withdraws the override of a moved occurrence it removed', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(series());
    const instanceId = `${MASTER}_20250324T123000Z`;
    w.calendar.put(
      CAL,
      anEvent()
        .instanceOf(MASTER, ORIGINAL)
        .timed('2025-03-24T12:30:00-05:00', '2025-03-24T13:15:00-05:00')
        .build(),
    );
    w.sync();
    w.provider.resetCalls();

    // "Delete this and following" (calendar-fixtures §1.5): the exception comes back as a bare tombstone.
    w.calendar.remove(CAL, instanceId);
    w.sync();

    expect(w.provider.calls).toEqual([
      { method: 'clearOccurrence', args: [conferenceId, '20250324T123000Z'] },
    ]);
    expect(w.store.getRecord(CAL, MASTER)?.occurrences).toEqual({});
    expect(w.provider.get(conferenceId)?.occurrences).toEqual({});
  });

  it('an occurrence moved back to its own slot has its override withdrawn', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(series());
    const instance = () => anEvent().instanceOf(MASTER, ORIGINAL);
    w.calendar.put(CAL, instance().timed('2025-03-24T12:30:00-05:00', '2025-03-24T13:15:00-05:00').build());
    w.sync();
    w.provider.resetCalls();

    w.calendar.put(CAL, instance().timed('2025-03-24T07:30:00-05:00', '2025-03-24T08:15:00-05:00').build());
    w.sync();

    expect(w.provider.calls).toEqual([
      { method: 'clearOccurrence', args: [conferenceId, '20250324T123000Z'] },
    ]);
    expect(w.store.getRecord(CAL, MASTER)?.occurrences).toEqual({});
  });

  it('the tombstone of an instance without an override costs no call', () => {
    const w = makeWorld();
    w.givenOurEvent(series());
    w.calendar.remove(CAL, `${MASTER}_20250325T123000Z`);
    expect(w.sync()).toMatchObject({ occurrencesChanged: 0, failures: [] });
    expect(w.provider.calls).toEqual([]);
  });

  it('a moved all-day occurrence sends its new dates under the original date key', () => {
    const w = makeWorld();
    const master = anEvent().withId('0uhol67ej05kdturjs7bpho0da').allDay('2020-05-06', '2020-05-07');
    const conferenceId = w.givenOurEvent(
      master.recurring('RRULE:FREQ=WEEKLY;WKST=SU;UNTIL=20200527;BYDAY=WE'),
    );
    w.calendar.put(
      CAL,
      anEvent()
        .instanceOf('0uhol67ej05kdturjs7bpho0da', { date: '2020-05-13' })
        .allDay('2020-05-19', '2020-05-20')
        .build(),
    );

    w.sync();

    expect(w.provider.calls).toEqual([
      {
        method: 'setOccurrence',
        args: [conferenceId, '20200513', { startDate: '2020-05-19', endDate: '2020-05-20' }],
      },
    ]);
  });

  it('an exception only renamed in its own slot needs no override', () => {
    const w = makeWorld();
    w.givenOurEvent(series());
    w.calendar.put(
      CAL,
      anEvent()
        .instanceOf(MASTER, ORIGINAL)
        .titled('Dishes, renamed')
        .timed('2025-03-24T07:30:00-05:00', '2025-03-24T08:15:00-05:00')
        .build(),
    );
    expect(w.sync()).toMatchObject({ occurrencesChanged: 0 });
    expect(w.provider.calls).toEqual([]);
  });

  it('an instance of a series that is not ours is untouched', () => {
    const w = makeWorld();
    w.calendar.put(CAL, anEvent().instanceOf('someoneelse0001', ORIGINAL).cancelled().build());
    expect(w.sync()).toMatchObject({ notOurs: 1 });
    expect(w.provider.calls).toEqual([]);
  });

  it('a "this and following" split: the _R series leads the conference, the earlier part keeps a record of it', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(series());
    const later = `${MASTER}_R20250327T123000`;
    w.calendar.put(
      CAL,
      series().recurring('RRULE:FREQ=DAILY;UNTIL=20250327T045959Z').withOurConference(conferenceId).build(),
    );
    const continuation = () =>
      series()
        .withId(later)
        .titled('🧽 Dishes')
        .timed('2025-03-27T07:30:00-05:00', '2025-03-27T08:15:00-05:00')
        .withOurConference(conferenceId);
    w.calendar.put(CAL, continuation().build());

    expect(w.sync()).toMatchObject({ deleted: 0, failures: [] });

    // Whatever order Calendar lists the two in, the conference ends up describing the meetings still to come.
    expect(w.provider.get(conferenceId)).toMatchObject({
      title: '🧽 Dishes',
      startTime: '2025-03-27T07:30:00-05:00',
      recurrence: ['RRULE:FREQ=DAILY'],
    });
    expect(w.store.getRecord(CAL, MASTER)).toMatchObject({ conferenceId, secondary: true });
    expect(w.store.getRecord(CAL, later)).toMatchObject({ conferenceId, attached: true });
    expect(w.store.getRecord(CAL, later)?.secondary).toBeUndefined();

    // Deleting the earlier part keeps the conference the later meetings use.
    w.provider.resetCalls();
    w.calendar.remove(CAL, MASTER);
    expect(w.sync()).toMatchObject({ deleted: 0 });
    // No deletion; the leading part sends its own fields once more (a conference lost meanwhile is made again).
    expect(w.provider.calls.map((c) => c.method)).not.toContain('delete');
    expect(w.provider.get(conferenceId)).toMatchObject({ startTime: '2025-03-27T07:30:00-05:00' });

    // The continuing series is ours: its edits reach the conference, and deleting it deletes the conference.
    w.calendar.put(CAL, continuation().titled('Dishes, new rota').build());
    expect(w.sync()).toMatchObject({ updated: 1 });
    w.calendar.remove(CAL, later);
    expect(w.sync()).toMatchObject({ deleted: 1 });
    expect(w.provider.get(conferenceId)).toBeUndefined();
  });

  it('a split part that goes while the provider has lost the conference: the leading part makes it again', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(series());
    const later = `${MASTER}_R20250327T123000`;
    w.calendar.put(
      CAL,
      series().recurring('RRULE:FREQ=DAILY;UNTIL=20250327T045959Z').withOurConference(conferenceId).build(),
    );
    const continuation = series()
      .withId(later)
      .timed('2025-03-27T07:30:00-05:00', '2025-03-27T08:15:00-05:00')
      .withOurConference(conferenceId);
    w.calendar.put(CAL, continuation.build());
    expect(w.sync()).toMatchObject({ failures: [] });

    // The provider loses it; the only change is the earlier part's deletion (the later part is not edited).
    w.provider.deleteOnProviderSide(conferenceId);
    w.calendar.remove(CAL, MASTER);
    expect(w.sync()).toMatchObject({ failures: [] });

    const shownEvent = w.calendar.peek(CAL, later);
    const shown = (shownEvent?.['conferenceData'] as { conferenceId?: string } | undefined)?.conferenceId;
    expect(shown).toBeDefined();
    expect(shown).not.toBe(conferenceId);
    expect(w.provider.get(shown as string)).toMatchObject({ startTime: '2025-03-27T07:30:00-05:00' });
  });

  it('an _R series carrying another conference is not taken for a continuation of ours', () => {
    const w = makeWorld();
    w.givenOurEvent(series());
    w.calendar.put(CAL, series().withId(`${MASTER}_R20250327T123000`).withMeet().build());
    expect(w.sync()).toMatchObject({ notOurs: 1, updated: 0 });
    expect(w.store.getRecord(CAL, MASTER)).not.toBeNull();
  });

  it('a cancelled series deletes the conference; its cancelled instances send nothing of their own', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(series());
    w.calendar.remove(CAL, MASTER);
    w.calendar.put(CAL, anEvent().instanceOf(MASTER, ORIGINAL).cancelled().build());

    const report = w.sync();

    expect(report).toMatchObject({ deleted: 1, failures: [] });
    expect(w.provider.calls).toEqual([{ method: 'delete', args: [conferenceId] }]);
  });
});
