/**
 * A conference is deleted only when no event of this user shows it any more: the grace period and its Events.get
 * confirmation, undo, moves to another calendar, split parts, tombstones (a restored event gets a new conference,
 * written onto it) and claiming a forgotten record. The core against the in-memory fakes, with the add-on's
 * default grace period (the other core tests run without one).
 */
import { anEvent, CAL, FAILURES, makeWorld, OTHER_CAL, type World } from '../fakes';

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
const GRACE = { deletionGraceMs: 10 * MINUTE };

function meeting(id = 'grace001') {
  return anEvent()
    .withId(id)
    .titled('Planning')
    .timed('2025-03-27T15:00:00Z', '2025-03-27T16:00:00Z', 'UTC')
    .withAttendees({ email: 'bob@example.com' });
}

const deletes = (w: World) => w.provider.calls.filter((c) => c.method === 'delete');

describe('a deletion waits for its confirmation', () => {
  it('the run that sees a deleted event keeps the conference; a run after the grace period deletes it', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.calendar.remove(CAL, 'grace001');

    expect(w.sync(CAL, GRACE)).toMatchObject({ deleted: 0, pendingDeletions: 1, tokenStored: true });
    expect(w.provider.get(conferenceId)).toBeDefined();
    w.clock.advance(9 * MINUTE);
    expect(w.sync(CAL, GRACE)).toMatchObject({ deleted: 0, pendingDeletions: 1 });

    w.clock.advance(2 * MINUTE);
    const gets = w.calendar.getCalls;
    expect(w.sync(CAL, GRACE)).toMatchObject({ deleted: 1, pendingDeletions: 0 });
    expect(w.calendar.getCalls).toBeGreaterThan(gets);
    expect(w.provider.get(conferenceId)).toBeUndefined();
  });

  it('an undone deletion keeps the conference, and its edits are followed again', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.calendar.remove(CAL, 'grace001');
    w.sync(CAL, GRACE);
    w.calendar.put(CAL, meeting().withOurConference(conferenceId).build());
    expect(w.sync(CAL, GRACE)).toMatchObject({ pendingDeletions: 0 });

    w.clock.advance(DAY);
    w.sync(CAL, GRACE);
    expect(deletes(w)).toEqual([]);
    w.calendar.put(CAL, meeting().titled('Planning again').withOurConference(conferenceId).build());
    expect(w.sync(CAL, GRACE)).toMatchObject({ updated: 1 });
    expect(w.provider.get(conferenceId)?.title).toBe('Planning again');
  });

  it('an event restored after its conference was deleted gets a new conference, written onto it', () => {
    const w = makeWorld();
    const oldId = w.givenOurEvent(meeting());
    w.calendar.remove(CAL, 'grace001');
    w.sync(CAL, GRACE);
    w.clock.advance(11 * MINUTE);
    expect(w.sync(CAL, GRACE)).toMatchObject({ deleted: 1 });

    w.calendar.put(CAL, meeting().withOurConference(oldId).build());
    expect(w.sync(CAL, GRACE)).toMatchObject({ updated: 1, failures: [] });
    const data = w.calendar.peek(CAL, 'grace001')?.['conferenceData'] as
      | { conferenceId?: string }
      | undefined;
    const shown = data?.conferenceId;
    expect(shown).toBeDefined();
    expect(shown).not.toBe(oldId);
    expect(w.provider.get(shown as string)).toMatchObject({ title: 'Planning', eventId: 'grace001' });

    // The add-on's own write comes back in the feed: nothing more is sent.
    w.provider.resetCalls();
    expect(w.sync(CAL, GRACE)).toMatchObject({ updated: 0, deleted: 0 });
    expect(w.provider.calls).toEqual([]);
  });
});

describe('a move to another calendar', () => {
  it("hands the record to the calendar that now holds the organizer's event in the run that sees the move; the conference is kept", () => {
    const w = makeWorld();
    w.calendar.addCalendar(OTHER_CAL);
    const conferenceId = w.givenOurEvent(meeting());
    // events.move: the source keeps a cancelled copy, the destination the event, organized by it.
    w.calendar.remove(CAL, 'grace001');
    w.calendar.put(
      OTHER_CAL,
      meeting().withOurConference(conferenceId).with('organizer', { email: OTHER_CAL, self: true }).build(),
    );
    const report = w.sync(CAL, GRACE);

    expect(report).toMatchObject({ deleted: 0, movedTo: [OTHER_CAL], pendingDeletions: 0 });
    w.clock.advance(11 * MINUTE);
    expect(w.sync(CAL, GRACE)).toMatchObject({ deleted: 0, pendingDeletions: 0 });
    expect(deletes(w)).toEqual([]);
    expect(w.store.getRecord(CAL, 'grace001')).toBeNull();
    expect(w.store.getRecord(OTHER_CAL, 'grace001')).toMatchObject({ conferenceId, attached: true });
    w.calendar.put(
      OTHER_CAL,
      meeting()
        .titled('Planning (team)')
        .withOurConference(conferenceId)
        .with('organizer', { email: OTHER_CAL, self: true })
        .build(),
    );
    expect(w.sync(OTHER_CAL, GRACE)).toMatchObject({ updated: 1 });
    expect(w.provider.get(conferenceId)?.title).toBe('Planning (team)');
  });

  it("an attendee's copy left behind with no organizer's copy elsewhere keeps the conference followed", () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    // The user added the conference to someone else's event they may edit: Calendar shows them an attendee's copy.
    w.calendar.put(
      CAL,
      meeting().withOurConference(conferenceId).with('organizer', { email: 'carol@example.com' }).build(),
    );
    expect(w.sync(CAL, GRACE)).toMatchObject({ pendingDeletions: 1 });
    w.clock.advance(11 * MINUTE);
    expect(w.sync(CAL, GRACE)).toMatchObject({ deleted: 0, pendingDeletions: 0 });
    expect(w.provider.get(conferenceId)).toBeDefined();
  });
});

describe('a split series', () => {
  const MASTER = 'weekly01';
  const series = () =>
    anEvent()
      .withId(MASTER)
      .titled('Weekly')
      .timed('2025-03-26T10:00:00Z', '2025-03-26T11:00:00Z', 'UTC')
      .recurring('RRULE:FREQ=WEEKLY;COUNT=8');
  const later = `${MASTER}_R20250409T100000`;

  it('the conference goes only with the last part, and the earlier part sends its occurrence changes', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(series());
    w.calendar.put(
      CAL,
      series().recurring('RRULE:FREQ=WEEKLY;UNTIL=20250409T095959Z').withOurConference(conferenceId).build(),
    );
    w.calendar.put(
      CAL,
      series()
        .withId(later)
        .titled('Weekly (new room)')
        .timed('2025-04-09T10:00:00Z', '2025-04-09T11:00:00Z', 'UTC')
        .withOurConference(conferenceId)
        .build(),
    );
    w.sync(CAL, GRACE);
    expect(w.provider.get(conferenceId)?.title).toBe('Weekly (new room)');

    w.calendar.remove(CAL, later);
    w.sync(CAL, GRACE);
    w.clock.advance(11 * MINUTE);
    expect(w.sync(CAL, GRACE)).toMatchObject({ deleted: 0, failures: [] });
    expect(deletes(w)).toEqual([]);
    // The earlier part leads now: its fields were sent.
    expect(w.provider.get(conferenceId)?.title).toBe('Weekly');

    w.calendar.put(
      CAL,
      anEvent()
        .instanceOf(MASTER, { dateTime: '2025-04-02T10:00:00Z', timeZone: 'UTC' })
        .titled('Weekly')
        .timed('2025-04-02T14:00:00Z', '2025-04-02T15:00:00Z', 'UTC')
        .withOurConference(conferenceId)
        .build(),
    );
    expect(w.sync(CAL, GRACE)).toMatchObject({ occurrencesChanged: 1 });
    expect(w.provider.get(conferenceId)?.occurrences['20250402T100000Z']).toMatchObject({
      startTime: '2025-04-02T14:00:00Z',
    });

    w.calendar.remove(CAL, MASTER);
    w.sync(CAL, GRACE);
    w.clock.advance(11 * MINUTE);
    expect(w.sync(CAL, GRACE)).toMatchObject({ deleted: 1 });
    expect(w.provider.get(conferenceId)).toBeUndefined();
  });
});

describe('ownership after the record was forgotten', () => {
  it('an event showing a conference this calendar made for it is followed again; one made elsewhere is not', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    // Forgotten: a month after it ended.
    w.clock.advance(40 * DAY);
    w.calendar.put(CAL, anEvent().withId('other001').titled('Focus').build());
    w.sync(CAL, GRACE);
    expect(w.store.getRecord(CAL, 'grace001')).toBeNull();

    w.calendar.put(
      CAL,
      meeting()
        .titled('Planning (follow-up)')
        .timed('2025-05-10T15:00:00Z', '2025-05-10T16:00:00Z', 'UTC')
        .withOurConference(conferenceId)
        .build(),
    );
    expect(w.sync(CAL, GRACE)).toMatchObject({ updated: 1 });
    expect(w.provider.get(conferenceId)?.title).toBe('Planning (follow-up)');

    // The same conference shown by another calendar's event that looks like its organizer's: asked, not touched.
    w.provider.resetCalls();
    w.calendar.put(
      OTHER_CAL,
      meeting()
        .titled('Copied')
        .timed('2025-05-11T15:00:00Z', '2025-05-11T16:00:00Z', 'UTC')
        .withOurConference(conferenceId)
        .build(),
    );
    expect(w.sync(OTHER_CAL, GRACE)).toMatchObject({ notOurs: 1, updated: 0 });
    expect(w.provider.calls.map((c) => c.method)).toEqual(['get']);
  });

  it("another add-on's conference (an id the provider refuses) is simply not ours: no failure on the card", () => {
    const w = makeWorld();
    w.provider.failNext('get', FAILURES.invalid);
    w.calendar.put(CAL, meeting('zoom0001').withOurConference('zoom:81234/xyz').build());
    const report = w.sync(CAL, GRACE);
    expect(report).toMatchObject({ notOurs: 1, failures: [] });
    expect(w.store.listFailures(CAL)).toEqual([]);
  });
});
