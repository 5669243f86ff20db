/**
 * Issue 9, case 12: an event moved to another calendar of the same user (Calendar's "Change calendar", i.e.
 * events.move from alice's primary calendar to a second calendar she owns) keeps its conference, which is then
 * followed in the destination calendar: the add-on finds where the event went and makes sure that calendar is
 * synced (an EventUpdated trigger of alice's for it).
 */
import { createSecondCalendar, saveNewEventWithConference, shownConferenceId } from './events';
import { ALICE, BOB, type ConferenceServer, conferenceOrNull, type E2EWorld, useE2E } from './harness';

const e2e = useE2E();
let server: ConferenceServer;
let world: E2EWorld;
beforeEach(() => {
  server = e2e.server();
  world = e2e.world();
});

const HOUR = 60 * 60 * 1000;

describe('moving an event to another calendar (issue 9, case 12)', () => {
  it('an event moved to another of my calendars keeps its conference, which follows it there', async () => {
    const alice = world.addOn(ALICE);
    const team = createSecondCalendar(world.engine, ALICE, 'Team');
    const { conferenceId } = saveNewEventWithConference(alice, {
      id: 'relocated01',
      summary: 'Partner call',
      start: '2026-12-03T10:00:00+01:00',
      end: '2026-12-03T11:00:00+01:00',
      attendees: [BOB],
    });
    alice.fireTrigger(ALICE);

    // Calendar's "Change calendar": the primary calendar's feed shows a cancelled tombstone, the team calendar
    // the same event (same id), organized by it.
    world.engine.move(ALICE, ALICE, 'relocated01', team);
    expect(world.engine.get(ALICE, team, 'relocated01')).toMatchObject({
      status: 'confirmed',
      conferenceData: { conferenceId },
    });
    alice.fireTrigger(ALICE);
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, conferenceId)).toMatchObject({ id: conferenceId });
    expect(world.writes(ALICE).filter((f) => f.method === 'DELETE')).toEqual([]);

    // The destination calendar is synced now: alice has an EventUpdated trigger for it.
    expect(alice.trigger(team)).toBeDefined();

    // A rename in the destination calendar reaches the conference.
    world.engine.patch(ALICE, team, 'relocated01', { summary: 'Partner call (team)' });
    alice.fireTrigger(team);
    expect(await server.client.getConference(conferenceId)).toMatchObject({ title: 'Partner call (team)' });
    expect(shownConferenceId(world.engine, ALICE, team, 'relocated01')).toBe(conferenceId);

    // Deleting it there, at last, deletes the conference (after the grace period).
    world.engine.delete(ALICE, team, 'relocated01');
    alice.fireTrigger(team);
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();
  });
});
