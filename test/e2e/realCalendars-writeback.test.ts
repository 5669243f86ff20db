/**
 * Issue 9, case 9: the provider lost a conference (deleted straight at the server). The next change of the event,
 * an edit or an occurrence change, makes it again AND writes the new conference onto the Calendar event
 * (Calendar.Events.patch, conferenceDataVersion 1, If-Match with the etag it read), so the event stops showing a
 * dead link; the sync that sees the add-on's own write makes no provider call; a user's edit between the read and
 * the write-back (Calendar's 412) is re-read and respected.
 */
import { at, saveNewEventWithConference, shownConferenceId } from './events';
import { ALICE, BOB, type ConferenceServer, conferenceOrNull, type E2EWorld, useE2E } from './harness';

const e2e = useE2E();
let server: ConferenceServer;
let world: E2EWorld;
beforeEach(() => {
  server = e2e.server();
  world = e2e.world();
});

const alice = () => world.addOn(ALICE);
const HOUR = 60 * 60 * 1000;

/** The add-on's writes of conferenceData onto events in Calendar. */
const conferenceWrites = (eventId: string) =>
  world.calendarWrites.filter((w) => w.eventId === eventId && w.body?.conferenceData !== undefined);

/** The video entry point's link the event shows. */
const shownJoinUrl = (eventId: string) =>
  world.engine
    .get(ALICE, ALICE, eventId)
    .conferenceData?.entryPoints?.find((e: { entryPointType?: string }) => e.entryPointType === 'video')?.uri;

describe('a conference the provider lost (issue 9, case 9)', () => {
  it('a conference the provider lost is made again on the next edit and the event shows the new one', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'lostconf01',
      summary: 'Steering committee',
      start: '2026-12-07T10:00:00+01:00',
      end: '2026-12-07T11:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);
    await server.client.deleteConference(conferenceId);

    world.engine.patch(ALICE, ALICE, 'lostconf01', { summary: 'Steering committee (Q1)' });
    alice().fireTrigger(ALICE);
    const remade = await server.client.listConferences({ calendarId: ALICE, eventId: 'lostconf01' });
    expect(remade).toHaveLength(1);
    expect(remade[0].id).not.toBe(conferenceId);
    expect(remade[0]).toMatchObject({ title: 'Steering committee (Q1)' });

    // The event now shows the new conference, its link included.
    expect(shownConferenceId(world.engine, ALICE, ALICE, 'lostconf01')).toBe(remade[0].id);
    expect(shownJoinUrl('lostconf01')).toBe(remade[0].joinUrl);
    // Written the documented way: Events.patch with conferenceDataVersion 1 and If-Match.
    const writes = conferenceWrites('lostconf01');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.at(-1)).toMatchObject({
      method: 'patch',
      calendarId: ALICE,
      params: expect.objectContaining({ conferenceDataVersion: 1 }),
      ifMatch: expect.stringMatching(/^"/),
      body: { conferenceData: expect.objectContaining({ conferenceId: remade[0].id }) },
    });

    // The add-on's own write comes back as a change: that sync makes no provider call.
    const before = world.fetches.length;
    alice().fireTrigger(ALICE);
    expect(world.fetchesSince(before)).toEqual([]);
    expect(await server.client.getConference(remade[0].id)).toMatchObject({ version: remade[0].version });

    // And the new conference is the one followed from now on.
    world.engine.patch(ALICE, ALICE, 'lostconf01', { summary: 'Steering committee (Q2)' });
    alice().fireTrigger(ALICE);
    expect(await server.client.getConference(remade[0].id)).toMatchObject({
      title: 'Steering committee (Q2)',
    });
  });

  it('a lost conference is made again when one meeting of the series is moved, and the series shows it', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'lostseries01',
      summary: 'Weekly ops',
      start: '2026-12-01T10:00:00+01:00',
      end: '2026-12-01T11:00:00+01:00',
      attendees: [BOB],
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'],
    });
    alice().fireTrigger(ALICE);
    await server.client.deleteConference(conferenceId);

    // Only one occurrence changes: 15 December moves to the 16th, 14:00–15:00.
    world.engine.patch(ALICE, ALICE, 'lostseries01_20261215T090000Z', {
      start: at('2026-12-16T14:00:00+01:00'),
      end: at('2026-12-16T15:00:00+01:00'),
    });
    alice().fireTrigger(ALICE);
    const remade = await server.client.listConferences({ calendarId: ALICE, eventId: 'lostseries01' });
    expect(remade).toHaveLength(1);
    expect(remade[0].id).not.toBe(conferenceId);
    expect(remade[0]).toMatchObject({ title: 'Weekly ops', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'] });
    const moved = remade[0].occurrences['20261215T090000Z'];
    expect(moved).toMatchObject({ cancelled: false });
    expect(Date.parse(moved.startTime!)).toBe(Date.parse('2026-12-16T13:00:00Z'));

    expect(shownConferenceId(world.engine, ALICE, ALICE, 'lostseries01')).toBe(remade[0].id);
    const before = world.fetches.length;
    alice().fireTrigger(ALICE);
    expect(world.fetchesSince(before)).toEqual([]);
  });

  it('an edit made while the add-on writes the new conference onto the event is kept, and the conference follows it', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'lostrace01',
      summary: 'Launch review',
      start: '2026-12-08T10:00:00+01:00',
      end: '2026-12-08T11:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);
    await server.client.deleteConference(conferenceId);

    // Between the add-on's read of the event and its write-back, alice edits the event again.
    world.beforeCalendarWrite = (write) => {
      if (write.eventId !== 'lostrace01' || write.body?.conferenceData === undefined) return;
      world.beforeCalendarWrite = undefined;
      world.engine.patch(ALICE, ALICE, 'lostrace01', { summary: 'Launch review (go/no-go)' });
    };
    world.engine.patch(ALICE, ALICE, 'lostrace01', { summary: 'Launch review (dry run)' });
    alice().fireTrigger(ALICE);
    world.beforeCalendarWrite = undefined;
    alice().fireTrigger(ALICE);

    // The add-on wrote the new conference back; the stale write was refused by Calendar (If-Match), re-read and
    // written again.
    expect(conferenceWrites('lostrace01').length).toBeGreaterThanOrEqual(2);
    const remade = await server.client.listConferences({ calendarId: ALICE, eventId: 'lostrace01' });
    expect(remade).toHaveLength(1);
    const event = world.engine.get(ALICE, ALICE, 'lostrace01');
    // Alice's concurrent edit was not overwritten, and the event shows the conference that exists.
    expect(event.summary).toBe('Launch review (go/no-go)');
    expect(event.conferenceData?.conferenceId).toBe(remade[0].id);
    expect(remade[0]).toMatchObject({ title: 'Launch review (go/no-go)' });
  });

  it('a conference the user removes while the add-on writes it back stays removed, and the remade one goes', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'lostremoved01',
      summary: 'Pricing',
      start: '2026-12-09T10:00:00+01:00',
      end: '2026-12-09T11:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);
    await server.client.deleteConference(conferenceId);

    // Between the read and the write-back, alice removes the video call from the event.
    world.beforeCalendarWrite = (write) => {
      if (write.eventId !== 'lostremoved01' || write.body?.conferenceData === undefined) return;
      world.beforeCalendarWrite = undefined;
      world.engine.patch(
        ALICE,
        ALICE,
        'lostremoved01',
        { conferenceData: null },
        { conferenceDataVersion: 1 },
      );
    };
    world.engine.patch(ALICE, ALICE, 'lostremoved01', { summary: 'Pricing (v2)' });
    alice().fireTrigger(ALICE);
    world.beforeCalendarWrite = undefined;
    alice().fireTrigger(ALICE);
    expect(conferenceWrites('lostremoved01').length).toBeGreaterThan(0);

    // The removal stands: the add-on did not put a conference back on the event.
    expect(world.engine.get(ALICE, ALICE, 'lostremoved01').conferenceData).toBeUndefined();
    // And no conference is left live for it once the grace period has passed.
    world.advance(2 * HOUR);
    expect(await server.client.listConferences({ calendarId: ALICE, eventId: 'lostremoved01' })).toEqual([]);
    expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();
  });
});
