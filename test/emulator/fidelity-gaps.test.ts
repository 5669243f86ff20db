/**
 * The fidelity gaps of issue 11, each against its source: event-type properties kept (Events
 * resource: outOfOfficeProperties, focusTimeProperties, workingLocationProperties), 403
 * forbiddenForNonOrganizer for an attendee changing shared extended properties (body of
 * calendar-fixtures.md §5.1), 400 cannotUseDefaultRemindersAndSpecifyOverride (Events resource:
 * overrides apply "if not using the default reminders"), 400 "Invalid sequence value." for a lowered
 * sequence (calendar-fixtures.md §5.2), events.import keeping a foreign iCalUID and organizer
 * (fixtures §6: ids of imported events are "_" + base32hex(iCalUID)), and quickAdd.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import { appsScriptEvents } from '../../local/calendar-emulator/engine/apps-script';
import { googleError, newEngine, startEmulator, timed } from './helpers';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emu;
let alice: calendar_v3.Calendar;
let bob: calendar_v3.Calendar;
const A = 'alice@example.com';
const B = 'bob@example.com';

beforeAll(async () => {
  emu = await startEmulator();
  alice = emu.client(A);
  bob = emu.client(B);
});
afterAll(async () => emu.close());
beforeEach(() => emu.engine.reset());

const meeting = (extra: object = {}) => ({
  summary: 'Planning',
  start: timed('2025-04-01T09:00:00'),
  end: timed('2025-04-01T10:00:00'),
  ...extra,
});

test('outOfOfficeProperties and the other event-type properties are kept', async () => {
  const ooo = await alice.events.insert({
    calendarId: 'primary',
    requestBody: meeting({
      eventType: 'outOfOffice',
      summary: 'Away',
      outOfOfficeProperties: {
        autoDeclineMode: 'declineOnlyNewConflictingInvitations',
        declineMessage: 'Away',
      },
    }),
  });
  expect(ooo.data.outOfOfficeProperties).toEqual({
    autoDeclineMode: 'declineOnlyNewConflictingInvitations',
    declineMessage: 'Away',
  });
  const focus = await alice.events.insert({
    calendarId: 'primary',
    requestBody: meeting({ eventType: 'focusTime', focusTimeProperties: { chatStatus: 'doNotDisturb' } }),
  });
  const got = await alice.events.get({ calendarId: 'primary', eventId: focus.data.id! });
  expect(got.data.focusTimeProperties).toEqual({ chatStatus: 'doNotDisturb' });
  const listed = await alice.events.list({ calendarId: 'primary', eventTypes: ['outOfOffice'] });
  expect(listed.data.items!.map((e) => e.outOfOfficeProperties?.declineMessage)).toEqual(['Away']);
});

test("an attendee changing shared extended properties gets Google's 403 forbiddenForNonOrganizer; private ones are theirs", async () => {
  const ev = await alice.events.insert({
    calendarId: 'primary',
    requestBody: meeting({ attendees: [{ email: B }], extendedProperties: { shared: { room: '1' } } }),
  });
  const res = await googleError(
    bob.events.patch({
      calendarId: 'primary',
      eventId: ev.data.id!,
      requestBody: { extendedProperties: { shared: { room: '2' } } },
    }),
  );
  expect(res).toEqual({
    status: 403,
    body: {
      error: {
        errors: [
          {
            domain: 'calendar',
            reason: 'forbiddenForNonOrganizer',
            message: 'Shared properties can only be changed by the organizer of the event.',
          },
        ],
        code: 403,
        message: 'Shared properties can only be changed by the organizer of the event.',
      },
    },
  });
  // Repeating the organizer's value is no change, and is accepted.
  const same = await bob.events.patch({
    calendarId: 'primary',
    eventId: ev.data.id!,
    requestBody: { extendedProperties: { shared: { room: '1' } } },
  });
  expect(same.status).toBe(200);
});

test('useDefault reminders together with overrides is a 400 cannotUseDefaultRemindersAndSpecifyOverride', async () => {
  const res = await googleError(
    alice.events.insert({
      calendarId: 'primary',
      requestBody: meeting({
        reminders: { useDefault: true, overrides: [{ method: 'popup', minutes: 10 }] },
      }),
    }),
  );
  expect(res.status).toBe(400);
  expect(res.body.error.errors[0]).toMatchObject({
    domain: 'calendar',
    reason: 'cannotUseDefaultRemindersAndSpecifyOverride',
  });
  // A patch that adds overrides to useDefault: true reminders is refused too (the merge has both).
  const ev = await alice.events.insert({ calendarId: 'primary', requestBody: meeting() });
  const patched = await googleError(
    alice.events.patch({
      calendarId: 'primary',
      eventId: ev.data.id!,
      requestBody: { reminders: { overrides: [{ method: 'popup', minutes: 5 }] } },
    }),
  );
  expect(patched.body.error.errors[0].reason).toBe('cannotUseDefaultRemindersAndSpecifyOverride');
  const ok = await alice.events.patch({
    calendarId: 'primary',
    eventId: ev.data.id!,
    requestBody: { reminders: { useDefault: false, overrides: [{ method: 'popup', minutes: 5 }] } },
  });
  expect(ok.data.reminders).toEqual({ useDefault: false, overrides: [{ method: 'popup', minutes: 5 }] });
});

test('a lowered sequence is a 400 "Invalid sequence value."; the same or a higher one is accepted', async () => {
  const ev = await alice.events.insert({ calendarId: 'primary', requestBody: meeting({ sequence: 3 }) });
  const res = await googleError(
    alice.events.patch({ calendarId: 'primary', eventId: ev.data.id!, requestBody: { sequence: 2 } }),
  );
  expect(res.status).toBe(400);
  expect(res.body.error.message).toBe('Invalid sequence value.');
  expect(
    (await alice.events.patch({ calendarId: 'primary', eventId: ev.data.id!, requestBody: { sequence: 3 } }))
      .data.sequence,
  ).toBe(3);
  expect(
    (
      await alice.events.update({
        calendarId: 'primary',
        eventId: ev.data.id!,
        requestBody: meeting({ sequence: 5 }),
      })
    ).data.sequence,
  ).toBe(5);
});

test('events.import keeps a foreign iCalUID and organizer, sends no invitations, and re-import updates', async () => {
  const uid = '8DFBDA9E-DAC0-4F7D-91E5-C4D007ABF44E';
  const body = meeting({
    iCalUID: uid,
    organizer: { email: 'organizer@elsewhere.org', displayName: 'Elsewhere' },
    attendees: [{ email: A }, { email: B }],
  });
  const first = await alice.events.import({ calendarId: 'primary', requestBody: body });
  expect(first.data).toMatchObject({
    iCalUID: uid,
    organizer: { email: 'organizer@elsewhere.org', displayName: 'Elsewhere' },
  });
  expect(first.data.id).toMatch(/^_[0-9a-v]+$/);
  // No copy in Bob's calendar: an import is a private copy.
  expect((await bob.events.list({ calendarId: 'primary' })).data.items).toEqual([]);
  const again = await alice.events.import({
    calendarId: 'primary',
    requestBody: { ...body, summary: 'Planning v2' },
  });
  expect(again.data.id).toBe(first.data.id);
  expect(again.data.summary).toBe('Planning v2');
  expect((await alice.events.list({ calendarId: 'primary' })).data.items).toHaveLength(1);
  expect(
    (await googleError(alice.events.import({ calendarId: 'primary', requestBody: meeting() }))).status,
  ).toBe(400);
});

test('quickAdd parses the documented example and simple variants', async () => {
  const res = await alice.events.quickAdd({
    calendarId: 'primary',
    text: 'Appointment at Somewhere on June 3rd 10am-10:25am',
  });
  expect(res.data).toMatchObject({
    summary: 'Appointment',
    location: 'Somewhere',
    start: { dateTime: '2025-06-03T10:00:00Z', timeZone: 'UTC' },
    end: { dateTime: '2025-06-03T10:25:00Z', timeZone: 'UTC' },
  });
  const allDay = await alice.events.quickAdd({ calendarId: 'primary', text: 'Offsite tomorrow' });
  expect(allDay.data).toMatchObject({
    summary: 'Offsite',
    start: { date: '2025-03-21' },
    end: { date: '2025-03-22' },
  });
  const at = await alice.events.quickAdd({ calendarId: 'primary', text: 'Lunch with Bob 2025-04-02 12:30' });
  expect(at.data).toMatchObject({
    summary: 'Lunch with Bob',
    start: { dateTime: '2025-04-02T12:30:00Z' },
    end: { dateTime: '2025-04-02T13:30:00Z' },
  });
  expect((await googleError(alice.events.quickAdd({ calendarId: 'primary', text: '' }))).status).toBe(400);
});

test('Apps Script forms: Calendar.Events.import(resource, calendarId) and quickAdd(calendarId, text)', () => {
  const { engine } = newEngine();
  const Events = appsScriptEvents(engine, A);
  const imported = Events.import(meeting({ iCalUID: 'abc@elsewhere.org' }), 'primary', { fields: 'iCalUID' });
  expect(imported).toEqual({ iCalUID: 'abc@elsewhere.org' });
  expect(Events.quickAdd('primary', 'Review at 3pm').start).toEqual({
    dateTime: '2025-03-20T15:00:00Z',
    timeZone: 'UTC',
  });
  expect(() => Events.import(meeting(), 'primary')).toThrow(
    'API call to calendar.events.import failed with error: Missing iCalUID.',
  );
});

test('maxAttendees: more attendees than asked for shows only the caller and attendeesOmitted', async () => {
  const ev = await alice.events.insert({
    calendarId: 'primary',
    requestBody: meeting({ attendees: [{ email: A }, { email: B }, { email: 'carol@example.com' }] }),
  });
  const got = await bob.events.get({ calendarId: 'primary', eventId: ev.data.id!, maxAttendees: 2 });
  expect(got.data.attendees).toEqual([{ email: B, self: true, responseStatus: 'needsAction' }]);
  expect(got.data.attendeesOmitted).toBe(true);
  const all = await bob.events.get({ calendarId: 'primary', eventId: ev.data.id!, maxAttendees: 3 });
  expect(all.data.attendees).toHaveLength(3);
});
