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

describe('series edits that drop occurrences (known defects, see the e2e report)', () => {
  // Calendar's "delete this and following" truncates the rule (UNTIL) and re-sends each exception after it as a
  // bare tombstone without recurringEventId (fixtures §1.5, a real capture). The moved occurrence is gone from
  // Calendar, so the conference must not keep announcing it at its new time.
  it('truncating a series withdraws the override of a moved occurrence it removed', async () => {
    const alice = world.addOn(ALICE);
    const { conferenceId } = saveNewEventWithConference(alice, {
      id: 'seriesc1',
      summary: 'Retro',
      start: '2026-12-01T10:00:00+01:00',
      end: '2026-12-01T11:00:00+01:00',
      attendees: [BOB],
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'],
    });
    alice.fireTrigger(ALICE);
    world.engine.patch(ALICE, ALICE, 'seriesc1_20261215T090000Z', {
      start: at('2026-12-16T14:00:00+01:00'),
      end: at('2026-12-16T15:30:00+01:00'),
    });
    alice.fireTrigger(ALICE);
    expect((await server.client.getConference(conferenceId)).occurrences['20261215T090000Z']).toMatchObject({
      cancelled: false,
    });

    // "Delete this and following" from 15 December on: the series keeps 1 and 8 December only.
    world.engine.patch(ALICE, ALICE, 'seriesc1', {
      recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20261209T225959Z'],
    });
    expect(world.engine.instances(ALICE, ALICE, 'seriesc1').items.map((i) => i.id)).toEqual([
      'seriesc1_20261201T090000Z',
      'seriesc1_20261208T090000Z',
    ]);
    alice.fireTrigger(ALICE);
    const after = await server.client.getConference(conferenceId);
    expect(after.recurrence).toEqual(['RRULE:FREQ=WEEKLY;UNTIL=20261209T225959Z']);
    // Either withdrawn (DELETE …/occurrences/{key}) or cancelled; not still "moved to 16 December, 14:00".
    expect(after.occurrences['20261215T090000Z']?.cancelled ?? true).toBe(true);
  });

  // "Edit this and following" splits the series: the new `<id>_R<start>` series carries the same conferenceData
  // (the add-on's own assumption in planActions.ts, and the emulator's behaviour), so its meetings use the
  // conference's join link. Deleting the earlier part must not delete a conference the later meetings still show.
  it('a conference still carried by the later part of a split series is not deleted with the earlier part', async () => {
    const alice = world.addOn(ALICE);
    const { conferenceId } = saveNewEventWithConference(alice, {
      id: 'seriesb1',
      summary: 'Planning',
      start: '2026-12-01T10:00:00+01:00',
      end: '2026-12-01T11:00:00+01:00',
      attendees: [BOB],
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'],
    });
    alice.fireTrigger(ALICE);
    const later = world.engine.splitSeries(ALICE, ALICE, 'seriesb1_20261215T090000Z', {
      summary: 'Planning (new room)',
    });
    expect(later.conferenceData).toMatchObject({ conferenceId });
    alice.fireTrigger(ALICE);

    // The user deletes the earlier meetings (the original, now truncated, series).
    world.engine.delete(ALICE, ALICE, 'seriesb1');
    alice.fireTrigger(ALICE);
    expect(world.engine.get(ALICE, ALICE, later.id!)).toMatchObject({
      status: 'confirmed',
      conferenceData: { conferenceId },
    });
    expect(await server.client.getConference(conferenceId)).toMatchObject({ id: conferenceId });
  });
});
