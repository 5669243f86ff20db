/**
 * End to end, a weekly series with the add-on's conference: cancelling one occurrence and moving another in
 * Calendar reach the conference as occurrence overrides under the instances' original start (UTC) keys.
 */
import { at, saveNewEventWithConference } from './events';
import { ALICE, BOB, type ConferenceServer, type E2EWorld, useE2E } from './harness';

const e2e = useE2E();
let server: ConferenceServer;
let world: E2EWorld;
beforeEach(() => {
  server = e2e.server();
  world = e2e.world();
});

it("a recurring event's cancelled and moved occurrences reach the conference", async () => {
  const alice = world.addOn(ALICE);
  const rule = 'RRULE:FREQ=WEEKLY;COUNT=6';
  const { conferenceId } = saveNewEventWithConference(alice, {
    id: 'series06',
    summary: 'Weekly sync',
    start: '2026-12-01T10:00:00+01:00',
    end: '2026-12-01T11:00:00+01:00',
    attendees: [BOB],
    recurrence: [rule],
  });
  alice.fireTrigger(ALICE);
  const series = await server.client.getConference(conferenceId);
  expect(series).toMatchObject({ title: 'Weekly sync', recurrence: [rule], occurrences: {} });

  // In Calendar: delete the 8 December occurrence, move the 15 December one to the 16th, 14:00–15:30.
  world.engine.delete(ALICE, ALICE, 'series06_20261208T090000Z');
  world.engine.patch(ALICE, ALICE, 'series06_20261215T090000Z', {
    start: at('2026-12-16T14:00:00+01:00'),
    end: at('2026-12-16T15:30:00+01:00'),
  });
  expect(alice.fireTrigger(ALICE)).toMatchObject({ occurrencesChanged: 2, failures: [] });

  const after = await server.client.getConference(conferenceId);
  expect(Object.keys(after.occurrences).sort()).toEqual(['20261208T090000Z', '20261215T090000Z']);
  expect(after.occurrences['20261208T090000Z']).toMatchObject({ cancelled: true });
  const moved = after.occurrences['20261215T090000Z'];
  expect(moved.cancelled).toBeFalsy();
  expect(Date.parse(moved.startTime!)).toBe(Date.parse('2026-12-16T13:00:00Z'));
  expect(Date.parse(moved.endTime!)).toBe(Date.parse('2026-12-16T14:30:00Z'));
  expect(after.version).toBe(series.version + 2);
  // The series itself is unchanged.
  expect(after).toMatchObject({ title: 'Weekly sync', recurrence: [rule], startTime: series.startTime });

  // Renaming the moved occurrence alone does not move it again; nothing is sent twice.
  const writes = world.writes(ALICE).length;
  world.engine.patch(ALICE, ALICE, 'series06_20261215T090000Z', { summary: 'Weekly sync (special)' });
  alice.fireTrigger(ALICE);
  alice.fireTrigger(ALICE);
  expect(world.writes(ALICE)).toHaveLength(writes);
  expect((await server.client.getConference(conferenceId)).version).toBe(after.version);
});
