/**
 * Issue 9, case 12: an event moved to another calendar of the same user (Calendar's "Change calendar", i.e.
 * events.move from alice's primary calendar to a second calendar she owns) keeps its conference, which is then
 * followed in the destination calendar: the add-on finds where the event went and makes sure that calendar is
 * synced (an EventUpdated trigger of alice's for it).
 */
import { createSecondCalendar, meetingBody, saveNewEventWithConference, shownConferenceId } from './events';
import {
  ALICE,
  BOB,
  type ConferenceServer,
  conferenceOrNull,
  type E2EWorld,
  eventConferenceData,
  useE2E,
} from './harness';

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

    // Calendar's "Change calendar": the team calendar shows the same event (same id), organized by it. Alice is
    // among the guests (Calendar lists the organizer), so her primary calendar keeps an attendee's copy of it.
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

  // Without guests the event has no attendee list, so the primary calendar keeps no attendee's copy of it: its feed
  // shows only the bare cancelled tombstone that events.move leaves behind.
  it('an event without guests moved to another of my calendars keeps its conference, which follows it there', async () => {
    const alice = world.addOn(ALICE);
    const personal = createSecondCalendar(world.engine, ALICE, 'Personal');
    const built = alice.createConference(ALICE, 'relocated02');
    const conferenceId = JSON.parse(built.printJson()).conferenceId as string;
    const body = meetingBody({
      id: 'relocated02',
      summary: 'Dentist (video)',
      start: '2026-12-04T08:30:00+01:00',
      end: '2026-12-04T09:00:00+01:00',
    });
    delete body.attendees;
    body.conferenceData = eventConferenceData(built);
    world.engine.insert(ALICE, ALICE, body, { conferenceDataVersion: 1 });
    alice.fireTrigger(ALICE);
    expect(await server.client.getConference(conferenceId)).toMatchObject({ title: 'Dentist (video)' });

    world.engine.move(ALICE, ALICE, 'relocated02', personal);
    expect(world.engine.get(ALICE, ALICE, 'relocated02')).toMatchObject({ status: 'cancelled' });
    alice.fireTrigger(ALICE);
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, conferenceId)).toMatchObject({ id: conferenceId });
    expect(alice.trigger(personal)).toBeDefined();

    world.engine.patch(ALICE, personal, 'relocated02', { summary: 'Dentist (video, moved)' });
    alice.fireTrigger(personal);
    expect(await server.client.getConference(conferenceId)).toMatchObject({
      title: 'Dentist (video, moved)',
    });
  });
});
