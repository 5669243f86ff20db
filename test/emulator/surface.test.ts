/**
 * Honest edges of the REST surface: every one of the 38 v3 methods has a route (served, or 501 naming
 * the method — never the 404 of a wrong id), and every parameter of the current discovery document
 * (the one @googleapis/calendar 16 is generated from) is accepted; unknown ones only in strict mode.
 */
import { METHODS } from '../../local/calendar-emulator/http/surface';
import { startEmulator, timed } from './helpers';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emu;
const A = 'alice@example.com';

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu.close());

test('the surface table has the 38 methods of the discovery document', () => {
  expect(METHODS).toHaveLength(38);
  expect(new Set(METHODS.map((m) => m.name)).size).toBe(38);
});

test('a method the emulator does not serve answers 501 with a message naming it', async () => {
  const res = await emu.raw('/calendar/v3/calendars/primary/transferOwnership?newDataOwner=bob@example.com', {
    method: 'POST',
    user: A,
  });
  expect(res.status).toBe(501);
  const body = (await res.json()) as any;
  expect(body.error.code).toBe(501);
  expect(body.error.errors[0].reason).toBe('notImplemented');
  expect(body.error.message).toMatch(/calendar\.calendars\.transferOwnership/);
});

test('eventLabelVersion (current discovery surface) is accepted by the official client on insert and patch', async () => {
  const alice = emu.client(A);
  const ev = await alice.events.insert({
    calendarId: 'primary',
    eventLabelVersion: 1,
    requestBody: { summary: 'x', start: timed('2025-04-01T09:00:00'), end: timed('2025-04-01T10:00:00') },
  });
  expect(ev.status).toBe(200);
  const p = await alice.events.patch({
    calendarId: 'primary',
    eventId: ev.data.id!,
    eventLabelVersion: 1,
    requestBody: { summary: 'y' },
  });
  expect(p.data.summary).toBe('y');
});

test('an unknown parameter is ignored by default and a 400 in strict mode', async () => {
  const lenient = await emu.raw('/calendar/v3/calendars/primary/events?colour=blue', { user: A });
  expect(lenient.status).toBe(200);
  const strict = await startEmulator({}, undefined, { strictParameters: true });
  try {
    const res = await strict.raw('/calendar/v3/calendars/primary/events?colour=blue', { user: A });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.errors[0]).toMatchObject({
      reason: 'invalidParameter',
      location: 'colour',
    });
  } finally {
    await strict.close();
  }
});
