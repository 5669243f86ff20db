/**
 * Which events the sync acts on, and what it does to their conferences: only this user's records count as ours;
 * a cancelled event, or a removed or replaced conference, deletes it; changed fields are PATCHed, and nothing else.
 */
import { createConferenceForEvent } from '../../../src/core/createConference';
import { anEvent, CAL, FAILURES, makeWorld, OTHER_CAL } from '../fakes';

const DAY = 24 * 60 * 60 * 1000;

function meeting(id = 'plan0001') {
  return anEvent()
    .withId(id)
    .titled('Planning')
    .withAttendees(
      { email: 'organizer@example.com', organizer: true, responseStatus: 'accepted' },
      { email: 'bob@example.com' },
    );
}

describe('ours or not', () => {
  it("an attendee's copy is never touched", () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    // Bob's calendar holds a copy with the same conferenceData; his own store has no record of it.
    w.calendar.put(
      OTHER_CAL,
      meeting().titled('Renamed by the organizer').withOurConference(conferenceId).build(),
    );
    w.sync(OTHER_CAL);
    w.calendar.put(OTHER_CAL, meeting().withOurConference(conferenceId).cancelled().build());
    w.calendar.put(OTHER_CAL, meeting('other001').withMeet().build());

    const report = w.sync(OTHER_CAL);

    // At most a read: the provider says the conference was made for another calendar's event (a copy that looks
    // like the organizer's, as here, is asked about; Calendar marks real attendees' copies, which are not).
    expect(w.provider.calls.filter((c) => c.method !== 'get')).toEqual([]);
    expect(report).toMatchObject({ notOurs: 2, updated: 0, deleted: 0 });
    expect(w.provider.get(conferenceId)).toBeDefined();
  });

  it('an RSVP-only change makes no call', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.calendar.put(
      CAL,
      meeting()
        .withAttendees(
          { email: 'organizer@example.com', organizer: true, responseStatus: 'accepted' },
          { email: 'bob@example.com', responseStatus: 'accepted' },
        )
        .withOurConference(conferenceId)
        .build(),
    );

    const report = w.sync();

    expect(w.provider.calls).toEqual([]);
    expect(report).toMatchObject({ eventsSeen: 1, unchanged: 1, updated: 0 });
  });

  it('a title change PATCHes the conference once with the new title and the fields as they are', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.calendar.put(CAL, meeting().titled('Planning (moved room)').withOurConference(conferenceId).build());

    const report = w.sync();

    expect(w.provider.calls).toEqual([
      {
        method: 'update',
        args: [
          conferenceId,
          expect.objectContaining({ title: 'Planning (moved room)', startTime: '2025-03-26T10:00:00-05:00' }),
        ],
      },
    ]);
    expect(report.updated).toBe(1);
    expect(w.provider.get(conferenceId)?.title).toBe('Planning (moved room)');
    expect(w.sync().updated).toBe(0);
  });

  it('the first sync after saving attaches the conference and sends the real fields', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    expect(w.store.getRecord(CAL, 'plan0001')).toMatchObject({ attached: true });
    expect(w.provider.get(conferenceId)).toMatchObject({
      title: 'Planning',
      startTime: '2025-03-26T10:00:00-05:00',
      attendees: ['bob@example.com', 'organizer@example.com'],
    });
  });
});

describe('deletion', () => {
  it('a cancelled event deletes its conference and keeps only a tombstone of the record', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.calendar.remove(CAL, 'plan0001'); // lists as a bare {kind, etag, id, status} tombstone

    const report = w.sync();

    expect(w.provider.calls).toEqual([{ method: 'delete', args: [conferenceId] }]);
    expect(w.provider.get(conferenceId)).toBeUndefined();
    expect(w.store.getRecord(CAL, 'plan0001')).toMatchObject({ conferenceId, deletedAt: expect.any(Number) });
    expect(report).toMatchObject({ deleted: 1, tokenStored: true });
  });

  it('a deleted conference (404) counts as done', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.provider.deleteOnProviderSide(conferenceId);
    w.calendar.put(CAL, meeting().withOurConference(conferenceId).cancelled().build());

    const report = w.sync();

    expect(report).toMatchObject({ deleted: 1, failures: [] });
    expect(w.store.getRecord(CAL, 'plan0001')).toMatchObject({ conferenceId, deletedAt: expect.any(Number) });
  });

  it('removing the conference from the event deletes it', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.calendar.put(CAL, meeting().withoutConference().build());

    expect(w.sync()).toMatchObject({ deleted: 1 });
    expect(w.provider.calls).toEqual([{ method: 'delete', args: [conferenceId] }]);
    expect(w.store.getRecord(CAL, 'plan0001')).toMatchObject({ conferenceId, deletedAt: expect.any(Number) });
  });

  it('switching the event to Google Meet deletes our conference', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    w.calendar.put(CAL, meeting().withMeet().build());

    expect(w.sync()).toMatchObject({ deleted: 1 });
    expect(w.provider.get(conferenceId)).toBeUndefined();
  });

  it('an unattached conference is not deleted when the event lacks it', () => {
    const w = makeWorld();
    w.calendar.put(CAL, meeting().build()); // the saved event, before the edit adding the conference is saved
    w.sync();
    // Calendar calls createConference while the user edits; the edit is not saved yet.
    const result = createConferenceForEvent(w.ports, CAL, 'plan0001');
    if (!result.ok) throw new Error(result.message);
    w.calendar.put(CAL, meeting().titled('Planning, edited elsewhere').build());

    const report = w.sync();

    expect(report).toMatchObject({ deleted: 0, updated: 0 });
    expect(w.provider.count('delete')).toBe(0);
    expect(w.store.getRecord(CAL, 'plan0001')).toMatchObject({
      attached: false,
      conferenceId: result.conference.id,
    });
  });

  it('an unattached conference expires after a day', () => {
    const w = makeWorld();
    const result = createConferenceForEvent(w.ports, CAL, 'discard1'); // the user then discards the edit
    if (!result.ok) throw new Error(result.message);
    w.sync();
    w.clock.advance(DAY - 1000);
    expect(w.sync()).toMatchObject({ deleted: 0 });
    expect(w.provider.get(result.conference.id)).toBeDefined();

    w.clock.advance(2000);
    const report = w.sync();

    expect(report).toMatchObject({ deleted: 1 });
    expect(w.provider.get(result.conference.id)).toBeUndefined();
    expect(w.store.getRecord(CAL, 'discard1')).toMatchObject({ deletedAt: expect.any(Number) });
  });
});

describe('a conference deleted at the provider while the event lives', () => {
  it('is recreated on the next PATCH and written onto the event, which is followed by the new id', () => {
    const w = makeWorld();
    const oldId = w.givenOurEvent(meeting());
    w.provider.deleteOnProviderSide(oldId);
    w.calendar.put(CAL, meeting().titled('Planning v2').withOurConference(oldId).build());

    const report = w.sync();

    const record = w.store.getRecord(CAL, 'plan0001');
    expect(report).toMatchObject({ updated: 1, failures: [] });
    expect(record).toMatchObject({ attached: true });
    expect(record?.eventConferenceId).toBeUndefined();
    expect(record?.conferenceId).not.toBe(oldId);
    // Written onto the event: it shows the new conference now.
    expect(w.calendar.peek(CAL, 'plan0001')).toMatchObject({
      conferenceData: expect.objectContaining({ conferenceId: record!.conferenceId }),
    });
    expect(w.provider.get(record!.conferenceId)).toMatchObject({ title: 'Planning v2', eventId: 'plan0001' });
    expect(w.log.messages('warn').some((m) => m.includes('made a new one'))).toBe(true);

    // The next change reaches the new conference.
    w.provider.resetCalls();
    w.calendar.put(CAL, meeting().titled('Planning v3').withOurConference(record!.conferenceId).build());
    expect(w.sync()).toMatchObject({ updated: 1, deleted: 0 });
    expect(w.provider.calls).toEqual([
      { method: 'update', args: [record!.conferenceId, expect.objectContaining({ title: 'Planning v3' })] },
    ]);
  });

  it('re-adding Conference Sync to the event after a recreate puts the new conference on it, and keeps it', () => {
    const w = makeWorld();
    const oldId = w.givenOurEvent(meeting());
    w.provider.deleteOnProviderSide(oldId);
    w.calendar.put(CAL, meeting().titled('Planning v2').withOurConference(oldId).build());
    w.sync();
    const newId = w.store.getRecord(CAL, 'plan0001')!.conferenceId;

    // The user removes the dead link and picks Conference Sync again: the key gives back the recreated one.
    const again = createConferenceForEvent(w.ports, CAL, 'plan0001');
    expect(again.ok && again.conference.id).toBe(newId);
    w.calendar.put(CAL, meeting().titled('Planning v2').withOurConference(newId).build());
    w.provider.resetCalls();

    expect(w.sync()).toMatchObject({ deleted: 0 });
    expect(w.provider.get(newId)).toBeDefined();
    expect(w.store.getRecord(CAL, 'plan0001')).toMatchObject({ conferenceId: newId, attached: true });
    expect(w.store.getRecord(CAL, 'plan0001')).not.toHaveProperty('eventConferenceId');
  });
});

describe('records of meetings long over', () => {
  const longOver = (id: string) =>
    anEvent().withId(id).titled('Retro').timed('2026-01-05T10:00:00Z', '2026-01-05T11:00:00Z');

  it('are forgotten a month after the meeting ended, without any provider call', () => {
    const w = makeWorld();
    w.clock.set(Date.parse('2026-01-05T09:00:00Z'));
    const conferenceId = w.givenOurEvent(longOver('retro001'));
    w.clock.set(Date.parse('2026-02-03T12:00:00Z')); // 29 days after the end: still kept
    expect(w.sync()).toMatchObject({ forgotten: 0 });
    expect(w.store.getRecord(CAL, 'retro001')).not.toBeNull();

    w.clock.set(Date.parse('2026-02-05T12:00:00Z'));
    expect(w.sync()).toMatchObject({ forgotten: 1 });
    expect(w.store.getRecord(CAL, 'retro001')).toBeNull();
    expect(w.provider.calls).toEqual([]);
    expect(w.provider.get(conferenceId)).toBeDefined();
  });

  it('a series that never ends is never forgotten, however old its first meeting', () => {
    const w = makeWorld();
    w.clock.set(Date.parse('2026-01-05T09:00:00Z'));
    w.givenOurEvent(longOver('weekly01').recurring('RRULE:FREQ=WEEKLY'));
    w.clock.set(Date.parse('2026-06-01T12:00:00Z'));
    expect(w.sync()).toMatchObject({ forgotten: 0 });
    expect(w.store.getRecord(CAL, 'weekly01')).not.toBeNull();
  });

  it('a series is forgotten a month after its last occurrence (UNTIL or COUNT), not before', () => {
    const w = makeWorld();
    w.clock.set(Date.parse('2026-01-05T09:00:00Z'));
    w.givenOurEvent(longOver('until001').recurring('RRULE:FREQ=WEEKLY;UNTIL=20260202T100000Z'));
    w.givenOurEvent(longOver('count001').recurring('RRULE:FREQ=WEEKLY;COUNT=4'));
    w.clock.set(Date.parse('2026-02-20T12:00:00Z')); // 18 days after the last meeting of the UNTIL series
    expect(w.sync()).toMatchObject({ forgotten: 0 });
    w.clock.set(Date.parse('2026-03-10T12:00:00Z'));
    expect(w.sync()).toMatchObject({ forgotten: 2 });
    expect(w.store.getRecord(CAL, 'until001')).toBeNull();
    expect(w.store.getRecord(CAL, 'count001')).toBeNull();
  });
});

describe('the expiry of never-attached conferences rests on the event, not on the record alone', () => {
  it('a first PATCH that fails still marks the conference attached, so it does not expire', () => {
    const w = makeWorld();
    const created = createConferenceForEvent(w.ports, CAL, 'plan0001');
    if (!created.ok) throw new Error(created.message);
    w.provider.failNext('update', FAILURES.invalid);
    w.calendar.put(CAL, meeting().withOurConference(created.conference.id).build());
    expect(w.sync()).toMatchObject({ updated: 0 });
    expect(w.store.getRecord(CAL, 'plan0001')?.attached).toBe(true);

    w.clock.advance(DAY + 60_000);
    w.sync();
    expect(w.provider.count('delete')).toBe(0);
    expect(w.provider.get(created.conference.id)).toBeDefined();
  });

  it('a record that looks never attached is attached when its saved event carries the conference', () => {
    const w = makeWorld();
    const conferenceId = w.givenOurEvent(meeting());
    // State written by an older version, or lost in a race: the record says "not attached" although it is.
    const record = w.store.getRecord(CAL, 'plan0001');
    if (!record) throw new Error('no record');
    w.store.putRecord({ ...record, attached: false });

    w.clock.advance(DAY + 60_000);
    w.sync();

    expect(w.provider.count('delete')).toBe(0);
    expect(w.provider.get(conferenceId)).toBeDefined();
    expect(w.store.getRecord(CAL, 'plan0001')?.attached).toBe(true);
  });
});
