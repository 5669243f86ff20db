/**
 * Bad input on every route of the 38 methods and every control endpoint: malformed JSON, wrong JSON
 * types, junk query values, missing credentials — always a Google-shaped 4xx (or the 501 of the
 * unserved method), never a 500, never a hang, and the emulator keeps serving. Deterministic: the
 * junk comes from a seeded generator.
 */
import { METHODS } from '../../local/calendar-emulator/http/surface';
import { startEmulator, timed } from './helpers';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emu;
const A = 'alice@example.com';

beforeAll(async () => {
  emu = await startEmulator({}, undefined, { strictParameters: false });
});
afterAll(async () => emu.close());

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK: unknown[] = [
  null,
  42,
  'text',
  [],
  [1, 2],
  {},
  { id: 7 },
  { id: [] },
  { role: 'god', scope: { type: 'planet' } },
  { summary: 5, timeZone: 'Mars/Base' },
  { timeMin: 'yesterday', timeMax: 3, items: 'all' },
  { id: 'x'.repeat(100), type: 'web_hook', address: 'ftp://127.0.0.1/' },
  { start: { dateTime: 'soon' }, end: { date: '2025-02-30' }, attendees: 'everyone' },
  { reminders: { useDefault: 'yes' }, recurrence: ['RRULE:FREQ=SOMETIMES'] },
  { extendedProperties: { shared: [] } },
  { __proto__: { polluted: true } },
];
const QUERY_JUNK = [
  'maxResults=-1',
  'showDeleted=maybe',
  'timeMin=later',
  'syncToken=%00%FF',
  'timeZone=Nowhere/City',
];

function pathOf(template: string, rand: () => number): string {
  const ids = [
    'primary',
    A,
    'c_nosuch@group.calendar.google.com',
    'not-an-email',
    '%E0%A4%A',
    'a'.repeat(300),
  ];
  return `/calendar/v3${template.replace(/:(\w+)/g, () => ids[Math.floor(rand() * ids.length)])}`;
}

test('no input on any route gives a 500 or hangs', async () => {
  // Something to point at, so that some requests reach deep code paths.
  await emu.client(A).events.insert({
    calendarId: 'primary',
    requestBody: {
      id: 'fuaaevent01',
      summary: 'x',
      start: timed('2025-04-01T09:00:00'),
      end: timed('2025-04-01T10:00:00'),
    },
  });
  const rand = prng(11);
  const statuses = new Map<number, number>();
  for (const m of METHODS) {
    for (let round = 0; round < 12; round++) {
      const body = JUNK[Math.floor(rand() * JUNK.length)];
      const raw = rand() < 0.15 ? '{"unterminated": ' : JSON.stringify(body);
      const query = rand() < 0.5 ? `?${QUERY_JUNK[Math.floor(rand() * QUERY_JUNK.length)]}` : '';
      const hasBody = m.verb !== 'GET' && m.verb !== 'DELETE';
      const started = Date.now();
      const res = await emu.raw(`${pathOf(m.path, rand)}${query}`, {
        method: m.verb,
        user: rand() < 0.9 ? A : undefined,
        headers: hasBody ? { 'content-type': 'application/json' } : undefined,
        body: hasBody ? raw : undefined,
      });
      const text = await res.text();
      expect(Date.now() - started).toBeLessThan(5000);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500 && res.status !== 501) throw new Error(`${m.name} ${res.status}: ${text}`);
      if (res.status >= 400 && !JSON.parse(text).error?.errors?.[0]?.reason)
        throw new Error(`${m.name} ${res.status} without Google body: ${text}`);
    }
  }
  for (const path of [
    '/emulator/v1/faults',
    '/emulator/v1/latency',
    '/emulator/v1/clock',
    '/emulator/v1/notifications',
    '/emulator/v1/import',
  ]) {
    for (const body of JUNK) {
      const res = await emu.raw(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect([path, res.status < 500]).toEqual([path, true]);
    }
  }
  // Still serving, and the fuzzing changed the clock and latency at most within bounds.
  await emu.raw('/emulator/v1/latency', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"ms":0}',
  });
  const list = await emu.client(A).events.list({ calendarId: 'primary' });
  expect(list.status).toBe(200);
  expect(statuses.get(400)).toBeGreaterThan(0);
}, 60_000);
