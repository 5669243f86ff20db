/**
 * Issue 9, case 2: "edit this and following" splits a weekly series in two (the emulator's splitSeries, as the
 * Calendar UI does it); both parts carry the conference. Every part that still shows it is followed, and the
 * conference goes only with the last part.
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

const HOUR = 60 * 60 * 1000;

describe('a split series (issue 9, case 2)', () => {
  it('deleting the later part of a split series keeps the conference, and the earlier part is still followed', async () => {
    const alice = world.addOn(ALICE);
    const { conferenceId } = saveNewEventWithConference(alice, {
      id: 'splitted01',
      summary: 'Team planning',
      start: '2026-12-01T10:00:00+01:00',
      end: '2026-12-01T11:00:00+01:00',
      attendees: [BOB],
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=8'],
    });
    alice.fireTrigger(ALICE);

    // "Edit this and following" from 15 December: a new series for the later meetings.
    const later = world.engine.splitSeries(ALICE, ALICE, 'splitted01_20261215T090000Z', {
      summary: 'Team planning (new room)',
    });
    alice.fireTrigger(ALICE);
    expect(shownConferenceId(world.engine, ALICE, ALICE, 'splitted01')).toBe(conferenceId);
    expect(shownConferenceId(world.engine, ALICE, ALICE, later.id!)).toBe(conferenceId);

    // The user deletes the later part; past the grace period and every due time-driven trigger.
    world.engine.delete(ALICE, ALICE, later.id!);
    alice.fireTrigger(ALICE);
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, conferenceId)).toMatchObject({ id: conferenceId });

    // The earlier part's meeting of 8 December moves to the 9th, 14:00–15:00: the conference learns of it.
    world.engine.patch(ALICE, ALICE, 'splitted01_20261208T090000Z', {
      start: at('2026-12-09T14:00:00+01:00'),
      end: at('2026-12-09T15:00:00+01:00'),
    });
    alice.fireTrigger(ALICE);
    const after = await server.client.getConference(conferenceId);
    expect(after.occurrences['20261208T090000Z']).toMatchObject({ cancelled: false });
    expect(Date.parse(after.occurrences['20261208T090000Z'].startTime!)).toBe(
      Date.parse('2026-12-09T13:00:00Z'),
    );
  });

  it('the conference of a split series is deleted only with its last part', async () => {
    const alice = world.addOn(ALICE);
    const { conferenceId } = saveNewEventWithConference(alice, {
      id: 'splitted02',
      summary: 'Retro',
      start: '2026-12-01T16:00:00+01:00',
      end: '2026-12-01T17:00:00+01:00',
      attendees: [BOB],
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=8'],
    });
    alice.fireTrigger(ALICE);
    const later = world.engine.splitSeries(ALICE, ALICE, 'splitted02_20261215T150000Z', {
      summary: 'Retro (moved on)',
    });
    alice.fireTrigger(ALICE);

    world.engine.delete(ALICE, ALICE, later.id!);
    alice.fireTrigger(ALICE);
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, conferenceId)).not.toBeNull();

    // The last part that shows the conference goes: so does the conference, after the grace period.
    world.engine.delete(ALICE, ALICE, 'splitted02');
    alice.fireTrigger(ALICE);
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();
    expect(world.failedExecutions()).toEqual([]);
  });
});
