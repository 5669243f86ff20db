/**
 * Issue 9, cases 7 and 8: ownership survives time. A meeting that ended more than 30 days ago (the add-on's
 * housekeeping has forgotten its record) and is then moved to next week and renamed is still recognised as alice's
 * and followed, while bob's copy of it never touches it; an event editor left open for two days (createConference
 * called, the event saved two days later) ends with a working conference on the event.
 */
import { at, meetingBody, saveNewEventWithConference, shownConferenceId } from './events';
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
const DAY = 24 * HOUR;

/** Some other, conference-less activity in alice's calendar, so her trigger runs now and then. */
function otherActivity(n: number) {
  world.engine.patch(ALICE, ALICE, 'other0701', { summary: `Focus time ${n}` });
  world.addOn(ALICE).fireTrigger(ALICE);
}

describe('a meeting long past (issue 9, case 7)', () => {
  it('a meeting that ended over a month ago, then moved to next week and renamed, takes its conference along', async () => {
    const alice = world.addOn(ALICE);
    const bob = world.addOn(BOB);
    // The clock starts on 25 November 2026; the meeting is the next day.
    const { conferenceId } = saveNewEventWithConference(alice, {
      id: 'pastmeet01',
      summary: 'Customer workshop',
      start: '2026-11-26T10:00:00+01:00',
      end: '2026-11-26T12:00:00+01:00',
      attendees: [BOB],
    });
    world.engine.insert(
      ALICE,
      ALICE,
      meetingBody({
        id: 'other0701',
        summary: 'Focus time',
        start: '2026-11-27T14:00:00+01:00',
        end: '2026-11-27T16:00:00+01:00',
      }),
    );
    alice.fireTrigger(ALICE);
    expect(bob.initializeSyncing(BOB)).toMatchObject({ notOurs: 1, updated: 0 });

    // 32 days after it ended, with syncs and sweeps running meanwhile: the add-on's housekeeping forgot it.
    for (let day = 1; day <= 32; day++) {
      world.advance(DAY);
      if (day % 8 === 0) otherActivity(day);
    }
    otherActivity(99);

    // Alice reuses the old meeting: moves it to next week and renames it. Bob's trigger happens to run first.
    world.engine.patch(ALICE, ALICE, 'pastmeet01', {
      summary: 'Customer workshop (follow-up)',
      start: at('2027-01-05T10:00:00+01:00'),
      end: at('2027-01-05T12:00:00+01:00'),
    });
    bob.fireTrigger(BOB);
    expect(world.writes(BOB)).toEqual([]);
    alice.fireTrigger(ALICE);

    const followed = await server.client.getConference(conferenceId);
    expect(followed).toMatchObject({ title: 'Customer workshop (follow-up)' });
    expect(Date.parse(followed.startTime!)).toBe(Date.parse('2027-01-05T09:00:00Z'));
    expect(shownConferenceId(world.engine, ALICE, ALICE, 'pastmeet01')).toBe(conferenceId);

    // Bob's add-on never changed alice's conference, then or later.
    bob.fireTrigger(BOB);
    world.advance(2 * HOUR);
    expect(world.writes(BOB)).toEqual([]);
  });
});

describe('an event editor left open (issue 9, case 8)', () => {
  it('an event saved two days after its conference was made shows a working conference', async () => {
    const alice = world.addOn(ALICE);
    world.engine.insert(
      ALICE,
      ALICE,
      meetingBody({
        id: 'other0701',
        summary: 'Focus time',
        start: '2026-11-27T14:00:00+01:00',
        end: '2026-11-27T16:00:00+01:00',
      }),
    );
    alice.initializeSyncing(ALICE);

    // Alice opens a new event and picks Conference Sync: Calendar calls createConference; the tab stays open.
    const built = alice.createConference(ALICE, 'openeditor01');
    const offered = JSON.parse(built.printJson()).conferenceId as string;
    expect(offered).toEqual(expect.any(String));

    // Two days pass, with the add-on's triggers running (time-driven, and other edits of hers).
    for (let hour = 6; hour <= 48; hour += 6) {
      world.advance(6 * HOUR);
      otherActivity(hour);
    }

    // Then she clicks Save: the event carries what createConference returned two days ago.
    world.engine.insert(
      ALICE,
      ALICE,
      {
        ...meetingBody({
          id: 'openeditor01',
          summary: 'Contract negotiation',
          start: '2026-12-04T15:00:00+01:00',
          end: '2026-12-04T16:00:00+01:00',
          attendees: [BOB],
        }),
        conferenceData: eventConferenceData(built),
      },
      { conferenceDataVersion: 1 },
    );
    alice.fireTrigger(ALICE);

    const shown = shownConferenceId(world.engine, ALICE, ALICE, 'openeditor01');
    expect(shown).toBeDefined();
    expect(await conferenceOrNull(server.client, shown!)).toMatchObject({
      id: shown,
      eventId: 'openeditor01',
      title: 'Contract negotiation',
    });
    // One live conference for the event, and it follows it.
    expect(
      (await server.client.listConferences({ calendarId: ALICE, eventId: 'openeditor01' })).map((c) => c.id),
    ).toEqual([shown]);
    world.engine.patch(ALICE, ALICE, 'openeditor01', { summary: 'Contract negotiation (round 2)' });
    alice.fireTrigger(ALICE);
    expect(await server.client.getConference(shown!)).toMatchObject({
      title: 'Contract negotiation (round 2)',
    });
  });
});
