/**
 * events.move as Google documents it (calendar-api.md §1.6, from the discovery document D1: "If an
 * event changes organizer (e.g. move) and the original organizer is not an attendee, it will leave
 * behind a cancelled event where only the id field is guaranteed"): driven through Google's client,
 * the engine, and the Apps Script form `Calendar.Events.move(calendarId, eventId, destination)`.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import { appsScriptEvents } from '../../local/calendar-emulator/engine/apps-script';
import { googleError, newEngine, startEmulator, timed } from './helpers';

const A = 'alice@example.com';
const B = 'bob@example.com';
const C = 'carol@example.com';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emu;
let alice: calendar_v3.Calendar;

beforeAll(async () => {
  emu = await startEmulator();
  alice = emu.client(A);
});
afterAll(async () => emu.close());
beforeEach(() => emu.engine.reset());

/** Bob lets Alice write to his calendar: events.move needs writer access to the destination. */
const shareBobWithAlice = (
  engine: { insertAcl: (a: string, c: string, b: unknown) => unknown },
  role = 'writer',
) => engine.insertAcl(B, B, { role, scope: { type: 'user', value: A } });

const body = (extra: object = {}) => ({
  summary: 'Planning',
  start: timed('2025-04-01T09:00:00'),
  end: timed('2025-04-01T10:00:00'),
  ...extra,
});

test('the source feed shows the event cancelled, the destination feed shows it with the same id, organized there', async () => {
  const bobClient = emu.client(B);
  const ev = (await alice.events.insert({ calendarId: 'primary', requestBody: body() })).data;
  const srcToken = (await alice.events.list({ calendarId: 'primary' })).data.nextSyncToken!;
  // Bob lets Alice write to his calendar so that she may move the event there.
  await bobClient.acl.insert({
    calendarId: 'primary',
    requestBody: { role: 'writer', scope: { type: 'user', value: A } },
  });
  const dstToken = (await bobClient.events.list({ calendarId: 'primary' })).data.nextSyncToken!;

  const moved = await alice.events.move({ calendarId: 'primary', eventId: ev.id!, destination: B });
  expect(moved.status).toBe(200);
  expect(moved.data).toMatchObject({ id: ev.id, summary: 'Planning', organizer: { email: B } });
  expect(moved.data.etag).not.toBe(ev.etag);

  const src = await alice.events.list({ calendarId: 'primary', syncToken: srcToken });
  expect(src.data.items).toEqual([
    { kind: 'calendar#event', etag: expect.any(String), id: ev.id, status: 'cancelled' },
  ]);
  // A full listing of the source no longer has it.
  expect((await alice.events.list({ calendarId: 'primary' })).data.items).toEqual([]);

  const dst = await bobClient.events.list({ calendarId: 'primary', syncToken: dstToken });
  expect(dst.data.items!.map((e) => [e.id, e.status, e.organizer?.email, e.organizer?.self])).toEqual([
    [ev.id, 'confirmed', B, true],
  ]);
  expect(dst.data.items![0].iCalUID).toBe(ev.iCalUID);
  // The new organizer owns it now: Bob can rename it, and the old calendar stays untouched.
  await bobClient.events.patch({
    calendarId: 'primary',
    eventId: ev.id!,
    requestBody: { summary: 'Bob plans' },
  });
  expect((await bobClient.events.get({ calendarId: 'primary', eventId: ev.id! })).data.summary).toBe(
    'Bob plans',
  );
});

test('a source owner who is an attendee keeps an attendee copy; other attendees follow the new organizer', () => {
  const { engine } = newEngine();
  shareBobWithAlice(engine);
  const ev = engine.insert(A, A, body({ attendees: [{ email: A }, { email: C }] }));
  engine.move(A, A, ev.id!, B);
  const left = engine.get(A, A, ev.id!);
  expect(left.status).toBe('confirmed');
  expect(left.organizer).toEqual({ email: B });
  expect(engine.get(C, C, ev.id!).organizer).toEqual({ email: B });
  // Carol's RSVP now reaches Bob, the organizer.
  engine.patch(C, C, ev.id!, { attendees: [{ email: C, responseStatus: 'accepted' }] });
  expect(engine.get(B, B, ev.id!).attendees!.find((a) => a.email === C)!.responseStatus).toBe('accepted');
  // And Alice's own edits are only an attendee's (her RSVP), not the organizer's.
  engine.patch(A, A, ev.id!, { summary: 'hijack' });
  expect(engine.get(B, B, ev.id!).summary).toBe('Planning');
});

test('a series moves with its exceptions; an instance alone cannot be moved', async () => {
  const { engine } = newEngine();
  shareBobWithAlice(engine);
  const series = engine.insert(A, A, body({ recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] }));
  engine.patch(A, A, `${series.id}_20250402T140000Z`, { summary: 'special' });
  expect(() => engine.move(A, A, `${series.id}_20250403T140000Z`, B)).toThrow(
    expect.objectContaining({ code: 400, reason: 'cannotChangeOrganizerOfInstance' }),
  );
  engine.move(A, A, series.id!, B);
  const there = engine.list(B, B, { singleEvents: true }).items;
  expect(there.map((e) => e.summary)).toEqual(['Planning', 'special', 'Planning']);
  expect(engine.list(A, A, { singleEvents: true }).items).toEqual([]);
});

test('errors: missing destination, unknown event, a duplicate id at the destination, a non-default event type', async () => {
  shareBobWithAlice(emu.engine);
  const ev = (await alice.events.insert({ calendarId: 'primary', requestBody: body({ id: 'samedup01' }) }))
    .data;
  const noDest = await emu.raw(`/calendar/v3/calendars/primary/events/${ev.id}/move`, {
    method: 'POST',
    user: A,
  });
  expect(noDest.status).toBe(400);
  expect(((await noDest.json()) as any).error.errors[0]).toMatchObject({
    reason: 'required',
    location: 'destination',
  });
  expect(
    (await googleError(alice.events.move({ calendarId: 'primary', eventId: 'nosuchevent', destination: B })))
      .status,
  ).toBe(404);
  await emu.client(B).events.insert({ calendarId: 'primary', requestBody: body({ id: 'samedup01' }) });
  const dup = await googleError(
    alice.events.move({ calendarId: 'primary', eventId: ev.id!, destination: B }),
  );
  expect(dup.status).toBe(409);
  const ooo = emu.engine.insert(A, A, body({ eventType: 'outOfOffice', summary: 'away' }));
  const typed = await googleError(
    alice.events.move({ calendarId: 'primary', eventId: ooo.id!, destination: B }),
  );
  expect(typed.status).toBe(400);
  expect(typed.body.error.errors[0].reason).toBe('eventTypeRestriction');
});

test('Apps Script form: Calendar.Events.move(calendarId, eventId, destination) and its error form', () => {
  const { engine } = newEngine();
  shareBobWithAlice(engine);
  const Events = appsScriptEvents(engine, A);
  const ev = Events.insert(body(), 'primary');
  const moved = Events.move('primary', ev.id!, B, { fields: 'id,organizer' });
  // The returned copy is the destination's, so its organizer is that calendar (`self`).
  expect(moved).toEqual({ id: ev.id, organizer: { email: B, self: true } });
  expect(() => Events.move('primary', 'nosuchevent', B)).toThrow(
    'API call to calendar.events.move failed with error: Not Found',
  );
});

test('the destination needs writer access: none is a 404, reader a 403 requiredAccessLevel', () => {
  const { engine } = newEngine();
  const ev = engine.insert(A, A, body());
  expect(() => engine.move(A, A, ev.id!, B)).toThrow(expect.objectContaining({ code: 404 }));
  shareBobWithAlice(engine, 'reader');
  expect(() => engine.move(A, A, ev.id!, B)).toThrow(
    expect.objectContaining({
      code: 403,
      reason: 'requiredAccessLevel',
      message: 'You need to have writer access to this calendar.',
    }),
  );
  // Nothing moved.
  expect(engine.get(A, A, ev.id!).status).toBe('confirmed');
});
