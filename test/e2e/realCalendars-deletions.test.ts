/**
 * Issue 9, case 1: deleting an event and restoring it (Undo, or restore from the trash). A deletion is confirmed
 * against Calendar before it is sent: the run that sees the event deleted keeps the conference; a run at least ten
 * minutes later (the add-on's own time-driven trigger, without any further edit) deletes it once Calendar still
 * says the event is gone. An undone deletion keeps the conference; an event restored after its conference was
 * deleted gets a new one, written onto the event.
 */
import { restoreEvent, saveNewEventWithConference, shownConferenceId } from './events';
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
const DAY = 24 * HOUR;

describe('deleting an event (issue 9, case 1)', () => {
  it('a deleted event keeps its conference for the grace period, then the conference is deleted without another edit', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'graced01',
      summary: 'Budget review',
      start: '2026-12-01T10:00:00+01:00',
      end: '2026-12-01T11:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);
    expect(await conferenceOrNull(server.client, conferenceId)).not.toBeNull();

    world.engine.delete(ALICE, ALICE, 'graced01');
    alice().fireTrigger(ALICE);
    // The run that sees the deletion does not send it.
    expect(await conferenceOrNull(server.client, conferenceId)).not.toBeNull();
    expect(world.writes(ALICE).filter((f) => f.method === 'DELETE')).toEqual([]);

    // Nobody edits anything; the add-on's own time-driven trigger confirms the deletion and sends it.
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();
    expect(world.failedExecutions()).toEqual([]);
  });

  it('an undone deletion keeps the conference, and the conference follows the event afterwards', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'undone01',
      summary: 'Design sync',
      start: '2026-12-02T14:00:00+01:00',
      end: '2026-12-02T15:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);

    // Delete, the trigger runs, then the user clicks Undo: the same event is back, confirmed.
    world.engine.delete(ALICE, ALICE, 'undone01');
    alice().fireTrigger(ALICE);
    world.advance(60 * 1000);
    const restored = restoreEvent(world.engine, ALICE, ALICE, 'undone01');
    expect(restored).toMatchObject({ status: 'confirmed', conferenceData: { conferenceId } });
    alice().fireTrigger(ALICE);

    // Past the grace period, with every due time-driven trigger run: still live.
    world.advance(2 * HOUR);
    expect(await conferenceOrNull(server.client, conferenceId)).toMatchObject({ id: conferenceId });
    expect(world.writes(ALICE).filter((f) => f.method === 'DELETE')).toEqual([]);

    // And followed again: a later rename reaches it.
    world.engine.patch(ALICE, ALICE, 'undone01', { summary: 'Design sync (restored)' });
    alice().fireTrigger(ALICE);
    expect(await server.client.getConference(conferenceId)).toMatchObject({
      title: 'Design sync (restored)',
    });
  });

  it('an event restored from the trash days after its conference was deleted gets a working conference again', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'trashed01',
      summary: 'Vendor onboarding',
      start: '2026-12-10T09:00:00+01:00',
      end: '2026-12-10T10:00:00+01:00',
      attendees: [BOB],
    });
    alice().fireTrigger(ALICE);
    world.engine.delete(ALICE, ALICE, 'trashed01');
    alice().fireTrigger(ALICE);
    world.advance(3 * DAY);
    expect(await conferenceOrNull(server.client, conferenceId)).toBeNull();

    // Restored from the trash: the event still shows the dead conference's link.
    restoreEvent(world.engine, ALICE, ALICE, 'trashed01');
    alice().fireTrigger(ALICE);
    const shown = shownConferenceId(world.engine, ALICE, ALICE, 'trashed01');
    expect(shown).toBeDefined();
    expect(shown).not.toBe(conferenceId);
    expect(await conferenceOrNull(server.client, shown!)).toMatchObject({
      id: shown,
      eventId: 'trashed01',
      title: 'Vendor onboarding',
    });
    expect(await server.client.listConferences({ calendarId: ALICE, eventId: 'trashed01' })).toHaveLength(1);

    // The new conference is followed: a rename reaches it.
    world.engine.patch(ALICE, ALICE, 'trashed01', { summary: 'Vendor onboarding (again)' });
    alice().fireTrigger(ALICE);
    world.advance(2 * HOUR);
    expect(await server.client.getConference(shown!)).toMatchObject({ title: 'Vendor onboarding (again)' });
  });
});
