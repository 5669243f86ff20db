/**
 * End to end, the built bundle under gas-local against the Calendar emulator and the conference server's CLI: a
 * conference's life from creation through edits to deletion, and a full re-sync after an expired token. Every
 * expectation is read back from the conference server itself.
 */
import { at, meetingBody, saveNewEventWithConference } from './events';
import { ALICE, BOB, CAROL, type ConferenceServer, conferenceOrNull, type E2EWorld, useE2E } from './harness';

const HOUR = 60 * 60 * 1000;
const e2e = useE2E();
let server: ConferenceServer;
let world: E2EWorld;
beforeEach(() => {
  server = e2e.server();
  world = e2e.world();
});

const alice = () => world.addOn(ALICE);

describe('a conference in step with its event', () => {
  it('a conference added to a new event is created once and follows the event', async () => {
    const { conferenceId, conference } = saveNewEventWithConference(alice(), {
      id: 'created01',
      summary: 'Quarterly planning',
      start: '2026-12-01T10:00:00+01:00',
      end: '2026-12-01T11:00:00+01:00',
      attendees: [BOB, CAROL],
    });
    expect(JSON.parse(conference.printJson())).toMatchObject({
      conferenceSolutionId: 'conference-sync',
      conferenceId,
      entryPoints: expect.arrayContaining([
        expect.objectContaining({ entryPointType: 'video', uri: expect.stringMatching(/^https:\/\//) }),
      ]),
    });
    // createConference installed the calendar's trigger; Calendar now fires it for the saved event.
    expect(alice().trigger(ALICE)).toBeDefined();
    const report = alice().fireTrigger(ALICE);
    expect(report).toMatchObject({ failures: [] });

    const held = await server.client.getConference(conferenceId);
    expect(held).toMatchObject({
      calendarId: ALICE,
      eventId: 'created01',
      title: 'Quarterly planning',
      attendees: [ALICE, BOB, CAROL],
      timeZone: 'Europe/Paris',
    });
    expect(Date.parse(held.startTime!)).toBe(Date.parse('2026-12-01T09:00:00Z'));
    expect(Date.parse(held.endTime!)).toBe(Date.parse('2026-12-01T10:00:00Z'));

    // Calendar calls the onCreateFunction again for the same event (a retry, a second click): same conference.
    const again = alice().createConference(ALICE, 'created01');
    expect(JSON.parse(again.printJson()).conferenceId).toBe(conferenceId);
    const listed = await server.client.listConferences({ calendarId: ALICE, eventId: 'created01' });
    expect(listed.map((c) => c.id)).toEqual([conferenceId]);
    expect((await server.client.getConference(conferenceId)).version).toBe(held.version);
  });

  it('moving and renaming the event patches the conference; an RSVP changes nothing', async () => {
    const engine = world.engine;
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'moved02',
      summary: 'Design review',
      start: '2026-12-02T14:00:00+01:00',
      end: '2026-12-02T15:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);
    const before = await server.client.getConference(conferenceId);

    engine.patch(ALICE, ALICE, 'moved02', {
      summary: 'Design review (moved)',
      start: at('2026-12-03T16:30:00+01:00'),
      end: at('2026-12-03T18:00:00+01:00'),
    });
    expect(alice().fireTrigger(ALICE)).toMatchObject({ updated: 1, failures: [] });
    const moved = await server.client.getConference(conferenceId);
    expect(moved).toMatchObject({ title: 'Design review (moved)', version: before.version + 1 });
    expect(Date.parse(moved.startTime!)).toBe(Date.parse('2026-12-03T15:30:00Z'));
    expect(Date.parse(moved.endTime!)).toBe(Date.parse('2026-12-03T17:00:00Z'));
    expect(moved.joinUrl).toBe(before.joinUrl);

    // Bob accepts in his own calendar; the change reaches Alice's event and fires her trigger.
    const writes = world.writes(ALICE).length;
    engine.patch(BOB, BOB, 'moved02', { attendees: [{ email: BOB, responseStatus: 'accepted' }] });
    const rsvp = engine.get(ALICE, ALICE, 'moved02').attendees?.find((a) => a.email === BOB);
    expect(rsvp?.responseStatus).toBe('accepted');
    const report = alice().fireTrigger(ALICE);
    expect(report).toMatchObject({ eventsSeen: 1, updated: 0, failures: [] });
    expect(world.writes(ALICE)).toHaveLength(writes);
    expect((await server.client.getConference(conferenceId)).version).toBe(moved.version);
  });

  it('deleting the event deletes the conference after the grace period', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'deleted03',
      summary: 'Offsite',
      start: '2026-12-04T09:00:00+01:00',
      end: '2026-12-04T17:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);
    expect(await conferenceOrNull(server.client, conferenceId)).not.toBeNull();

    world.engine.delete(ALICE, ALICE, 'deleted03');
    // The run that sees it keeps the conference (an undo would keep it); the hourly sweep after the ten-minute
    // grace period reads the event again and deletes it.
    const writesBefore = world.writes(ALICE).length;
    expect(alice().fireTrigger(ALICE)).toMatchObject({ deleted: 0, pendingDeletions: 1, failures: [] });
    expect(await conferenceOrNull(server.client, conferenceId)).not.toBeNull();
    expect(world.writes(ALICE)).toHaveLength(writesBefore);
    expect(world.triggers).toContainEqual(
      expect.objectContaining({ user: ALICE, handler: 'sweepCalendars', source: 'CLOCK' }),
    );
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();
    expect(await server.client.listConferences({ calendarId: ALICE, eventId: 'deleted03' })).toEqual([]);
    // Nothing is left to do: a further run changes nothing at the provider.
    const writes = world.writes(ALICE).length;
    alice().fireTrigger(ALICE);
    expect(world.writes(ALICE)).toHaveLength(writes);
  });

  it('removing the conference from the event deletes it after the grace period', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'removed04',
      summary: 'One to one',
      start: '2026-12-05T11:00:00+01:00',
      end: '2026-12-05T11:30:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);
    expect(await conferenceOrNull(server.client, conferenceId)).not.toBeNull();

    // The user removes the video call from the event in Calendar's UI; the event itself stays.
    world.engine.patch(ALICE, ALICE, 'removed04', { conferenceData: null }, { conferenceDataVersion: 1 });
    expect(world.engine.get(ALICE, ALICE, 'removed04')).toMatchObject({ status: 'confirmed' });
    expect(world.engine.get(ALICE, ALICE, 'removed04').conferenceData).toBeUndefined();
    // The run that sees it keeps the conference (an undo would keep it); the hourly sweep after the ten-minute
    // grace period reads the event again and deletes it.
    expect(alice().fireTrigger(ALICE)).toMatchObject({ deleted: 0, pendingDeletions: 1, failures: [] });
    expect(await conferenceOrNull(server.client, conferenceId)).not.toBeNull();
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();
  });

  it('an expired sync token leads to a full sync and nothing is done twice', async () => {
    const engine = world.engine;
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'token07',
      summary: 'Standup',
      start: '2026-12-07T09:00:00+01:00',
      end: '2026-12-07T09:15:00+01:00',
      attendees: [BOB, CAROL],
    });
    // A second event of Alice's without any conference: the full sync sees it too and leaves it alone.
    engine.insert(
      ALICE,
      ALICE,
      meetingBody({
        id: 'plain07',
        summary: 'Lunch',
        start: '2026-12-07T12:00:00+01:00',
        end: '2026-12-07T13:00:00+01:00',
      }),
    );
    alice().fireTrigger(ALICE);
    engine.patch(ALICE, ALICE, 'token07', { summary: 'Standup (daily)' });
    alice().fireTrigger(ALICE);
    const synced = await server.client.getConference(conferenceId);
    expect(synced.title).toBe('Standup (daily)');

    // Google expires the token (410 fullSyncRequired): the next run lists everything again.
    engine.invalidateSyncTokens(ALICE, ALICE);
    const writes = world.writes(ALICE).length;
    const full = alice().fireTrigger(ALICE);
    expect(full).toMatchObject({
      mode: 'full',
      fullSyncReason: 'token-expired',
      tokenStored: true,
      failures: [],
    });
    expect(full?.eventsSeen).toBeGreaterThanOrEqual(2);
    expect(world.writes(ALICE)).toHaveLength(writes);
    expect((await server.client.getConference(conferenceId)).version).toBe(synced.version);

    // A change made just before another expiry is applied exactly once by the full sync, and not again after.
    engine.patch(ALICE, ALICE, 'token07', { summary: 'Standup (weekly)' });
    engine.invalidateSyncTokens(ALICE, ALICE);
    expect(alice().fireTrigger(ALICE)).toMatchObject({ mode: 'full', updated: 1 });
    alice().fireTrigger(ALICE);
    const after = await server.client.getConference(conferenceId);
    expect(after).toMatchObject({ title: 'Standup (weekly)', version: synced.version + 1 });
  });
});

it('a trigger that fires while a sync is running is not lost', async () => {
  const { conferenceId } = saveNewEventWithConference(alice(), {
    id: 'overlap14',
    summary: 'Hiring sync',
    start: '2026-12-21T10:00:00+01:00',
    end: '2026-12-21T11:00:00+01:00',
    attendees: [BOB],
  });
  alice().fireTrigger(ALICE);
  const before = await server.client.getConference(conferenceId);

  // While the first run is sending its PATCH (holding Alice's lock), she edits again and Calendar fires the
  // trigger: that second execution cannot get the lock in time.
  let overlapping: unknown = 'not run';
  world.onFetch = (f) => {
    if (f.method !== 'PATCH' || overlapping !== 'not run') return;
    world.engine.patch(ALICE, ALICE, 'overlap14', { summary: 'Hiring sync (second edit)' });
    overlapping = alice().fireTrigger(ALICE);
  };
  world.engine.patch(ALICE, ALICE, 'overlap14', { summary: 'Hiring sync (first edit)' });
  alice().fireTrigger(ALICE);
  world.onFetch = undefined;

  expect(overlapping).toBeUndefined();
  // The run that held the lock synced again for the overlapping trigger: both edits landed, each once.
  expect(await server.client.getConference(conferenceId)).toMatchObject({
    title: 'Hiring sync (second edit)',
    version: before.version + 2,
  });
});

describe('more of Calendar’s ways to end a conference', () => {
  it('a conference made for an edit the user discarded is deleted after a day', async () => {
    // Calendar called createConference, but the user closed the editor without saving.
    const built = alice().createConference(ALICE, 'discarded09');
    const conferenceId = JSON.parse(built.printJson()).conferenceId as string;
    world.engine.insert(
      ALICE,
      ALICE,
      meetingBody({
        id: 'other09',
        summary: 'Other',
        start: '2026-12-14T10:00:00+01:00',
        end: '2026-12-14T11:00:00+01:00',
      }),
    );
    alice().fireTrigger(ALICE);
    expect(await conferenceOrNull(server.client, conferenceId)).not.toBeNull();

    world.clock.advance(25 * 60 * 60 * 1000);
    world.engine.patch(ALICE, ALICE, 'other09', { summary: 'Other (renamed)' });
    expect(alice().fireTrigger(ALICE)).toMatchObject({ deleted: 1 });
    expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();
  });

  it('switching the event to Google Meet deletes the conference after the grace period', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'meet0010',
      summary: 'Interview',
      start: '2026-12-15T10:00:00+01:00',
      end: '2026-12-15T11:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);
    world.engine.patch(
      ALICE,
      ALICE,
      'meet0010',
      {
        conferenceData: {
          createRequest: { requestId: 'meet-1', conferenceSolutionKey: { type: 'hangoutsMeet' } },
        },
      },
      { conferenceDataVersion: 1 },
    );
    expect(world.engine.get(ALICE, ALICE, 'meet0010').conferenceData).toMatchObject({
      conferenceSolution: { key: { type: 'hangoutsMeet' } },
    });
    expect(alice().fireTrigger(ALICE)).toMatchObject({ deleted: 0, pendingDeletions: 1 });
    expect(await conferenceOrNull(server.client, conferenceId)).not.toBeNull();
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();
  });

  it('an event deleted while the sync token expired still deletes its conference after the grace period', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'gonedel11',
      summary: 'Townhall',
      start: '2026-12-16T17:00:00+01:00',
      end: '2026-12-16T18:00:00+01:00',
      attendees: [BOB, CAROL],
    });
    alice().fireTrigger(ALICE);
    world.engine.delete(ALICE, ALICE, 'gonedel11');
    world.engine.invalidateSyncTokens(ALICE, ALICE);
    expect(alice().fireTrigger(ALICE)).toMatchObject({ mode: 'full', deleted: 0, pendingDeletions: 1 });
    expect(await conferenceOrNull(server.client, conferenceId)).not.toBeNull();
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();
  });

  it('a conference deleted at the provider is made again once when its event changes', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'remade12',
      summary: 'Kick-off',
      start: '2026-12-17T10:00:00+01:00',
      end: '2026-12-17T11:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);
    await server.client.deleteConference(conferenceId);
    world.engine.patch(ALICE, ALICE, 'remade12', { summary: 'Kick-off (agenda)' });
    alice().fireTrigger(ALICE);
    world.engine.patch(ALICE, ALICE, 'remade12', { summary: 'Kick-off (final agenda)' });
    alice().fireTrigger(ALICE);
    const remade = await server.client.listConferences({ calendarId: ALICE, eventId: 'remade12' });
    expect(remade).toHaveLength(1);
    expect(remade[0]).toMatchObject({ title: 'Kick-off (final agenda)', version: 2 });
    expect(remade[0].id).not.toBe(conferenceId);
    // The event shows the remade conference now (written back); deleting it deletes that one.
    expect(world.engine.get(ALICE, ALICE, 'remade12').conferenceData?.conferenceId).toBe(remade[0].id);
    world.engine.delete(ALICE, ALICE, 'remade12');
    expect(alice().fireTrigger(ALICE)).toMatchObject({ deleted: 0, pendingDeletions: 1 });
    expect(await conferenceOrNull(server.client, remade[0].id)).not.toBeNull();
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, remade[0].id)).toBeNull();
    expect(await server.client.listConferences({ calendarId: ALICE, eventId: 'remade12' })).toEqual([]);
  });
});
