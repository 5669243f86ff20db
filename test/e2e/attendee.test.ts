/**
 * End to end, two users running the add-on on one Calendar: Bob, an attendee, has his own installation (own user
 * properties, own trigger on his own calendar), and his calendar holds a copy of Alice's event with Alice's
 * conference on it; so does Carol's. Whatever happens to those copies (edited, declined, cancelled), the attendees'
 * add-ons must never change or delete the conference.
 */
import { at, saveNewEventWithConference } from './events';
import { ALICE, BOB, CAROL, type ConferenceServer, conferenceOrNull, type E2EWorld, useE2E } from './harness';

const e2e = useE2E();
let server: ConferenceServer;
let world: E2EWorld;
beforeEach(() => {
  server = e2e.server();
  world = e2e.world();
});

it("an attendee's add-on never touches the organizer's conference", async () => {
  const alice = world.addOn(ALICE);
  const bob = world.addOn(BOB);
  const carol = world.addOn(CAROL);
  const { conferenceId } = saveNewEventWithConference(alice, {
    id: 'attendee05',
    summary: 'Vendor call',
    start: '2026-12-09T15:00:00+01:00',
    end: '2026-12-09T16:00:00+01:00',
    attendees: [BOB, CAROL],
  });
  alice.fireTrigger(ALICE);
  const original = await server.client.getConference(conferenceId);

  // Bob installs the add-on: his own trigger on his own calendar, whose first sync sees his copy.
  expect(world.engine.get(BOB, BOB, 'attendee05').conferenceData).toMatchObject({ conferenceId });
  expect(bob.initializeSyncing(BOB)).toMatchObject({ notOurs: 1, updated: 0, deleted: 0, failures: [] });
  expect(bob.trigger(BOB)).toBeDefined();
  expect(bob.trigger(ALICE)).toBeUndefined();

  // Alice edits the event; the change reaches Bob's copy, and Bob's trigger happens to run first.
  world.engine.patch(ALICE, ALICE, 'attendee05', {
    summary: 'Vendor call (rescheduled)',
    start: at('2026-12-10T15:00:00+01:00'),
    end: at('2026-12-10T16:00:00+01:00'),
  });
  expect(bob.fireTrigger(BOB)).toMatchObject({ eventsSeen: 1, notOurs: 1, updated: 0, deleted: 0 });
  expect(await server.client.getConference(conferenceId)).toMatchObject({
    title: 'Vendor call',
    version: original.version,
  });
  // Alice's own run is what updates it.
  expect(alice.fireTrigger(ALICE)).toMatchObject({ updated: 1 });
  const edited = await server.client.getConference(conferenceId);
  expect(edited).toMatchObject({ title: 'Vendor call (rescheduled)', version: original.version + 1 });

  // Bob declines by deleting the event from his calendar: his copy comes back to his add-on as cancelled.
  world.engine.delete(BOB, BOB, 'attendee05');
  expect(bob.fireTrigger(BOB)).toMatchObject({ eventsSeen: 1, deleted: 0 });
  expect(await conferenceOrNull(server.client, conferenceId)).toMatchObject({ version: edited.version });

  // Carol runs the add-on too. Alice cancels the meeting: Carol's copy is cancelled, and her trigger runs first.
  expect(carol.initializeSyncing(CAROL)).toMatchObject({ notOurs: 1 });
  world.engine.delete(ALICE, ALICE, 'attendee05');
  expect(world.engine.get(CAROL, CAROL, 'attendee05').status).toBe('cancelled');
  expect(carol.fireTrigger(CAROL)).toMatchObject({ eventsSeen: 1, deleted: 0 });
  expect(await conferenceOrNull(server.client, conferenceId)).toMatchObject({ version: edited.version });

  // The attendees' add-ons made no provider call that changes anything, and keep no record of the conference.
  for (const attendee of [BOB, CAROL]) {
    expect(world.writes(attendee)).toEqual([]);
    // Whatever keys the add-on uses, nothing it stored for the attendee names the conference.
    const stored = Object.values(world.propertiesOf(attendee).getProperties()).join('\n');
    expect(stored).not.toContain(conferenceId);
  }

  // Only the organizer's add-on deletes it, once the grace period is over (its hourly sweep confirms it).
  expect(alice.fireTrigger(ALICE)).toMatchObject({ deleted: 0, pendingDeletions: 1 });
  expect(await conferenceOrNull(server.client, conferenceId)).toMatchObject({ version: edited.version });
  world.advance(2 * 60 * 60 * 1000);
  expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();
  for (const attendee of [BOB, CAROL]) expect(world.writes(attendee)).toEqual([]);
});
