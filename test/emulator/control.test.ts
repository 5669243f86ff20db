/**
 * Control endpoints (clock, stats) and the small read-only methods, through Google's client:
 * freebusy.query (busy spans merged, transparent and declined events free, per-calendar notFound for
 * a calendar the caller cannot see), colors.get (Google's 24 + 11 palette) and settings.get/list.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import { googleError, startEmulator, timed } from './helpers';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emu;
let alice: calendar_v3.Calendar;
const A = 'alice@example.com';
const B = 'bob@example.com';
const json = { 'content-type': 'application/json' };

beforeAll(async () => {
  emu = await startEmulator();
  alice = emu.client(A);
});
afterAll(async () => emu.close());
beforeEach(() => emu.engine.reset());

test('POST /emulator/v1/clock moves time forward: updated stamps and sync-token ages follow it', async () => {
  const before = (await (await emu.raw('/emulator/v1/clock')).json()) as any;
  expect(before.now).toBe('2025-03-20T12:00:00.000Z');
  const res = await emu.raw('/emulator/v1/clock', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ advanceMs: 3_600_000 }),
  });
  expect(((await res.json()) as any).now).toBe('2025-03-20T13:00:00.000Z');
  const ev = await alice.events.insert({
    calendarId: 'primary',
    requestBody: { summary: 'x', start: timed('2025-04-01T09:00:00'), end: timed('2025-04-01T10:00:00') },
  });
  expect(ev.data.updated).toBe('2025-03-20T13:00:00.000Z');
  const to = await emu.raw('/emulator/v1/clock', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ now: '2025-06-01T00:00:00Z' }),
  });
  expect(((await to.json()) as any).now).toBe('2025-06-01T00:00:00.000Z');
  const back = await emu.raw('/emulator/v1/clock', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ now: '2020-01-01T00:00:00Z' }),
  });
  expect(back.status).toBe(400);
});

test('GET /emulator/v1/stats counts calendars, events, log entries, channels and bytes; a read creates nothing', async () => {
  const stats = async () => (await (await emu.raw('/emulator/v1/stats')).json()) as any;
  await alice.events.list({ calendarId: 'primary' });
  await alice.events.list({ calendarId: 'nobody-yet@example.com' }).catch(() => undefined);
  expect(await stats()).toMatchObject({ calendars: 0, events: 0, logEntries: 0, channels: 0 });
  await alice.events.insert({
    calendarId: 'primary',
    requestBody: {
      summary: 'x',
      start: timed('2025-04-01T09:00:00'),
      end: timed('2025-04-01T10:00:00'),
      attendees: [{ email: B }],
    },
  });
  const s = await stats();
  expect(s).toMatchObject({ calendars: 2, events: 2, logEntries: 2 });
  expect(s.bytes).toBeGreaterThan(200);
  expect(s.heapUsedBytes).toBeGreaterThan(0);
});

test('freebusy.query: merged busy spans, transparent and declined events free, notFound for an unseen calendar', async () => {
  const add = (calendarId: string, start: string, end: string, extra: object = {}) =>
    emu.client(calendarId).events.insert({
      calendarId: 'primary',
      requestBody: { summary: 's', start: { dateTime: start }, end: { dateTime: end }, ...extra },
    });
  await add(A, '2025-04-01T09:00:00Z', '2025-04-01T10:00:00Z');
  await add(A, '2025-04-01T09:30:00Z', '2025-04-01T11:00:00Z');
  await add(A, '2025-04-01T12:00:00Z', '2025-04-01T13:00:00Z', { transparency: 'transparent' });
  await add(A, '2025-04-02T08:00:00Z', '2025-04-02T08:30:00Z', {
    recurrence: ['RRULE:FREQ=DAILY;COUNT=2'],
    start: { dateTime: '2025-04-02T08:00:00Z', timeZone: 'UTC' },
    end: { dateTime: '2025-04-02T08:30:00Z', timeZone: 'UTC' },
  });
  const res = await alice.freebusy.query({
    requestBody: {
      timeMin: '2025-04-01T00:00:00Z',
      timeMax: '2025-04-03T00:00:00Z',
      items: [{ id: A }, { id: B }, { id: 'primary' }],
    },
  });
  expect(res.data.kind).toBe('calendar#freeBusy');
  expect(res.data.calendars![A].busy).toEqual([
    { start: '2025-04-01T09:00:00Z', end: '2025-04-01T11:00:00Z' },
    { start: '2025-04-02T08:00:00Z', end: '2025-04-02T08:30:00Z' },
  ]);
  expect(res.data.calendars!.primary.busy).toHaveLength(2);
  expect(res.data.calendars![B]).toEqual({ errors: [{ domain: 'global', reason: 'notFound' }], busy: [] });
  const empty = await googleError(
    alice.freebusy.query({
      requestBody: { timeMin: '2025-04-02T00:00:00Z', timeMax: '2025-04-01T00:00:00Z', items: [] },
    }),
  );
  expect(empty.body.error.errors[0].reason).toBe('timeRangeEmpty');
});

test('colors.get and settings.get/list answer Google-shaped static data', async () => {
  const c = await alice.colors.get();
  expect(Object.keys(c.data.calendar!)).toHaveLength(24);
  expect(Object.keys(c.data.event!)).toHaveLength(11);
  expect(c.data.calendar!['14']).toEqual({ background: '#9fe1e7', foreground: '#1d1d1d' });
  const list = await alice.settings.list();
  expect(list.data.kind).toBe('calendar#settings');
  expect(list.data.items!.find((s) => s.id === 'timezone')!.value).toBe('UTC');
  expect((await alice.settings.get({ setting: 'weekStart' })).data).toMatchObject({
    kind: 'calendar#setting',
    id: 'weekStart',
    value: '0',
  });
  expect((await googleError(alice.settings.get({ setting: 'noSuchSetting' }))).status).toBe(404);
});
