/**
 * Issue 9, cases 5 and 6: the provider's contract is met from any event Calendar accepts. A title of 1,500
 * characters, more than 1,000 guests, a recurrence of more than 100 lines, a zero-length timed event: each gets a
 * conference, the conference holds what fits (title ≤ 1024 characters, ≤ 1000 addresses with the organizer kept,
 * ≤ 100 recurrence lines, an end after the start), and a later move still reaches it.
 */
import { at, meetingBody, saveNewEventWithConference } from './events';
import { ALICE, BOB, type ConferenceServer, type E2EWorld, eventConferenceData, useE2E } from './harness';

const e2e = useE2E();
let server: ConferenceServer;
let world: E2EWorld;
beforeEach(() => {
  server = e2e.server();
  world = e2e.world();
});

const alice = () => world.addOn(ALICE);

/** Moves the event by a day and an hour, as dragging it in the week view does, and runs alice's trigger. */
function moveAndSync(eventId: string, start: string, end: string) {
  world.engine.patch(ALICE, ALICE, eventId, { start: at(start), end: at(end) });
  return alice().fireTrigger(ALICE);
}

describe("events beyond the provider's limits (issue 9, case 5)", () => {
  it('an event with a 1,500-character title gets a conference, and its move reaches it', async () => {
    const title = `Planning ${'x'.repeat(1500 - 'Planning '.length)}`;
    expect(title).toHaveLength(1500);
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'longtitle01',
      summary: title,
      start: '2026-12-01T10:00:00+01:00',
      end: '2026-12-01T11:00:00+01:00',
      attendees: [BOB],
    });
    expect(conferenceId).toEqual(expect.any(String));
    alice().fireTrigger(ALICE);
    const held = await server.client.getConference(conferenceId);
    expect(held.title.length).toBeGreaterThan(0);
    expect(held.title.length).toBeLessThanOrEqual(1024);
    expect(held.title.startsWith('Planning xxx')).toBe(true);

    moveAndSync('longtitle01', '2026-12-02T15:00:00+01:00', '2026-12-02T16:00:00+01:00');
    const moved = await server.client.getConference(conferenceId);
    expect(Date.parse(moved.startTime!)).toBe(Date.parse('2026-12-02T14:00:00Z'));
    expect(Date.parse(moved.endTime!)).toBe(Date.parse('2026-12-02T15:00:00Z'));
    expect(moved.title.length).toBeLessThanOrEqual(1024);
  });

  it('an event with more than 1,000 guests gets a conference that keeps the organizer, and its move reaches it', async () => {
    // Calendar lets this event have 1,100 guests (the emulator's guest limit raised for it); the organizer is last.
    world.engine.options.maxAttendees = 1200;
    const guests = Array.from({ length: 1100 }, (_, i) => `guest${String(i).padStart(4, '0')}@example.org`);
    const built = alice().createConference(ALICE, 'bigguestlist01');
    const conferenceId = JSON.parse(built.printJson()).conferenceId as string;
    expect(conferenceId).toEqual(expect.any(String));
    const body = meetingBody({
      id: 'bigguestlist01',
      summary: 'All hands',
      start: '2026-12-03T17:00:00+01:00',
      end: '2026-12-03T18:00:00+01:00',
    });
    body.attendees = [
      ...guests.map((email) => ({ email, responseStatus: 'needsAction' })),
      { email: ALICE, organizer: true, responseStatus: 'accepted' },
    ];
    body.conferenceData = eventConferenceData(built);
    world.engine.insert(ALICE, ALICE, body, { conferenceDataVersion: 1 });
    alice().fireTrigger(ALICE);

    const held = await server.client.getConference(conferenceId);
    expect(held.attendees.length).toBeGreaterThan(0);
    expect(held.attendees.length).toBeLessThanOrEqual(1000);
    expect(held.attendees).toContain(ALICE);
    expect(held.title).toBe('All hands');

    moveAndSync('bigguestlist01', '2026-12-04T17:00:00+01:00', '2026-12-04T18:00:00+01:00');
    const moved = await server.client.getConference(conferenceId);
    expect(Date.parse(moved.startTime!)).toBe(Date.parse('2026-12-04T16:00:00Z'));
    expect(moved.attendees).toContain(ALICE);
    expect(moved.attendees.length).toBeLessThanOrEqual(1000);
  });

  it('a series with more than 100 recurrence lines gets a conference, and its move reaches it', async () => {
    // A daily meeting with 120 single days taken out (one EXDATE line each, as some clients write them).
    const exdates = Array.from({ length: 120 }, (_, i) => {
      const day = new Date(Date.UTC(2026, 11, 2 + 2 * i)).toISOString().slice(0, 10).replace(/-/g, '');
      return `EXDATE;TZID=Europe/Paris:${day}T090000`;
    });
    const recurrence = ['RRULE:FREQ=DAILY;COUNT=400', ...exdates];
    expect(recurrence.length).toBeGreaterThan(100);
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'longrule01',
      summary: 'Daily standup',
      start: '2026-12-01T09:00:00+01:00',
      end: '2026-12-01T09:15:00+01:00',
      attendees: [BOB],
      recurrence,
    });
    expect(conferenceId).toEqual(expect.any(String));
    alice().fireTrigger(ALICE);
    const held = await server.client.getConference(conferenceId);
    expect(held.recurrence.length).toBeGreaterThan(0);
    expect(held.recurrence.length).toBeLessThanOrEqual(100);
    expect(held.recurrence).toContain('RRULE:FREQ=DAILY;COUNT=400');
    expect(held.title).toBe('Daily standup');

    // The whole series moves to 09:30.
    moveAndSync('longrule01', '2026-12-01T09:30:00+01:00', '2026-12-01T09:45:00+01:00');
    const moved = await server.client.getConference(conferenceId);
    expect(Date.parse(moved.startTime!)).toBe(Date.parse('2026-12-01T08:30:00Z'));
    expect(moved.recurrence.length).toBeLessThanOrEqual(100);
  });
});

describe('a zero-length event (issue 9, case 6)', () => {
  it('an event that ends when it starts gets a conference, and its rename and move reach it', async () => {
    const { conferenceId } = saveNewEventWithConference(alice(), {
      id: 'nolength01',
      summary: 'Reminder: send the report',
      start: '2026-12-05T10:00:00+01:00',
      end: '2026-12-05T10:00:00+01:00',
      attendees: [BOB],
    });
    expect(conferenceId).toEqual(expect.any(String));
    alice().fireTrigger(ALICE);
    const held = await server.client.getConference(conferenceId);
    expect(held.title).toBe('Reminder: send the report');
    expect(Date.parse(held.startTime!)).toBe(Date.parse('2026-12-05T09:00:00Z'));
    expect(Date.parse(held.endTime!)).toBe(Date.parse('2026-12-05T09:01:00Z'));

    world.engine.patch(ALICE, ALICE, 'nolength01', {
      summary: 'Reminder: send the final report',
      start: at('2026-12-06T11:00:00+01:00'),
      end: at('2026-12-06T11:00:00+01:00'),
    });
    expect(alice().fireTrigger(ALICE)).toMatchObject({ failures: [] });
    const moved = await server.client.getConference(conferenceId);
    expect(moved.title).toBe('Reminder: send the final report');
    expect(Date.parse(moved.startTime!)).toBe(Date.parse('2026-12-06T10:00:00Z'));
    expect(Date.parse(moved.endTime!)).toBe(Date.parse('2026-12-06T10:01:00Z'));
  });
});
