/**
 * Bad input over HTTP: malformed JSON, wrong types, impossible dates, invalid RRULEs, oversize
 * bodies, unknown parameters, missing credentials — each a Google-shaped 400 (401 for
 * credentials), never a crash; the server keeps serving afterwards. Raw fetch is used because
 * Google's client cannot send most of these.
 */
import { startEmulator } from './helpers';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emu;
const A = 'alice@example.com';
const path = `/calendar/v3/calendars/${encodeURIComponent(A)}/events`;
const json = { 'content-type': 'application/json' };
const good = {
  summary: 'ok',
  start: { dateTime: '2025-04-01T09:00:00Z' },
  end: { dateTime: '2025-04-01T10:00:00Z' },
};

beforeAll(async () => {
  // Strict parameters: an unknown query parameter is a 400 here (by default it is ignored, see surface.test.ts).
  emu = await startEmulator({}, 64 * 1024, { strictParameters: true });
});
afterAll(async () => emu.close());

async function expectGoogle400(res: Response, reason?: string) {
  expect(res.status).toBe(400);
  const body = (await res.json()) as any;
  expect(body).toEqual({
    error: {
      errors: [
        expect.objectContaining({
          domain: expect.any(String),
          reason: reason ?? expect.any(String),
          message: expect.any(String),
        }),
      ],
      code: 400,
      message: expect.any(String),
    },
  });
  return body;
}

test('malformed JSON is a 400 parseError', async () => {
  const res = await emu.raw(path, { method: 'POST', user: A, headers: json, body: '{"summary": ' });
  const body = await expectGoogle400(res, 'parseError');
  expect(body.error.message).toBe('Parse Error');
});

test.each([
  ['a number as summary', { ...good, summary: 5 }],
  ['a string as attendees', { ...good, attendees: 'bob' }],
  ['a string as reminders.overrides', { ...good, reminders: { useDefault: false, overrides: 'x' } }],
  ['an array as the body', [good]],
])('wrong types (%s) are a 400', async (_name, body) => {
  const res = await emu.raw(path, { method: 'POST', user: A, headers: json, body: JSON.stringify(body) });
  await expectGoogle400(res);
});

test.each([
  ['30 February', { ...good, start: { date: '2025-02-30' }, end: { date: '2025-03-01' } }],
  ['hour 25', { ...good, start: { dateTime: '2025-04-01T25:00:00Z' } }],
  ['no offset and no zone', { ...good, start: { dateTime: '2025-04-01T09:00:00' } }],
  ['unknown zone', { ...good, start: { dateTime: '2025-04-01T09:00:00', timeZone: 'Mars/Olympus' } }],
  ['end before start', { ...good, end: { dateTime: '2025-04-01T08:00:00Z' } }],
  ['missing end', { summary: 'x', start: good.start }],
])('impossible dates (%s) are a 400', async (_name, body) => {
  const res = await emu.raw(path, { method: 'POST', user: A, headers: json, body: JSON.stringify(body) });
  await expectGoogle400(res);
});

test('an invalid RRULE is a 400', async () => {
  const body = {
    ...good,
    start: { ...good.start, timeZone: 'UTC' },
    end: { ...good.end, timeZone: 'UTC' },
    recurrence: ['RRULE:FREQ=SOMETIMES'],
  };
  const res = await emu.raw(path, { method: 'POST', user: A, headers: json, body: JSON.stringify(body) });
  const out = await expectGoogle400(res, 'invalid');
  expect(out.error.message).toBe('Invalid recurrence rule.');
});

test('an oversize body is a 400', async () => {
  const res = await emu.raw(path, {
    method: 'POST',
    user: A,
    headers: json,
    body: JSON.stringify({ ...good, description: 'x'.repeat(100 * 1024) }),
  });
  await expectGoogle400(res);
});

test.each([
  ['an unknown parameter', '?colour=blue'],
  ['a non-boolean showDeleted', '?showDeleted=maybe'],
  ['a non-integer maxResults', '?maxResults=ten'],
  ['a malformed timeMin', '?timeMin=yesterday'],
  ['an unknown orderBy', '?orderBy=size&singleEvents=true'],
])('%s is a 400', async (_name, query) => {
  const res = await emu.raw(`${path}${query}`, { user: A });
  await expectGoogle400(res);
});

test('a request without credentials is a 401 authError', async () => {
  const res = await emu.raw(path);
  expect(res.status).toBe(401);
  expect(((await res.json()) as any).error.errors[0].reason).toBe('authError');
});

test('an unknown path is a Google 404', async () => {
  const res = await emu.raw('/calendar/v3/nothing/here', { user: A });
  expect(res.status).toBe(404);
  expect(((await res.json()) as any).error.message).toBe('Not Found');
});

test('bad control-endpoint input is a 400 too', async () => {
  for (const body of [
    '{',
    JSON.stringify({ status: 'x' }),
    JSON.stringify({ status: 500, pathPattern: '(' }),
  ]) {
    const res = await emu.raw('/emulator/v1/faults', { method: 'POST', headers: json, body });
    await expectGoogle400(res);
  }
  await expectGoogle400(
    await emu.raw('/emulator/v1/latency', { method: 'POST', headers: json, body: '{"ms":-1}' }),
  );
});

test('after all that the emulator still serves', async () => {
  const created = await emu.raw(path, { method: 'POST', user: A, headers: json, body: JSON.stringify(good) });
  expect(created.status).toBe(200);
  const list = await emu.raw(path, { user: A });
  expect(list.status).toBe(200);
  expect(((await list.json()) as any).items.length).toBeGreaterThan(0);
});

test('a calendar id in the path is URL-decoded and primary is the bearer user', async () => {
  const res = await emu.raw('/calendar/v3/calendars/primary/events', { user: A });
  const viaPrimary = ((await res.json()) as any).items.map((e: { id: string }) => e.id);
  const viaId = ((await (await emu.raw(path, { user: A })).json()) as any).items.map(
    (e: { id: string }) => e.id,
  );
  expect(viaPrimary).toEqual(viaId);
});

test('POST /emulator/v1/reset empties every calendar', async () => {
  await emu.raw(path, { method: 'POST', user: A, headers: json, body: JSON.stringify(good) });
  const reset = await emu.raw('/emulator/v1/reset', { method: 'POST' });
  expect(reset.status).toBe(200);
  const list = (await (await emu.raw(path, { user: A })).json()) as any;
  expect(list.items).toEqual([]);
});

test('an injected 500 backendError carries Google body and the fault is used up after count requests', async () => {
  await emu.raw('/emulator/v1/faults', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ method: 'POST', status: 500, reason: 'backendError', count: 2 }),
  });
  for (let i = 0; i < 2; i++) {
    const res = await emu.raw(path, { method: 'POST', user: A, headers: json, body: JSON.stringify(good) });
    expect(res.status).toBe(500);
    expect(((await res.json()) as any).error.errors[0]).toEqual({
      domain: 'global',
      reason: 'backendError',
      message: 'Backend Error',
    });
  }
  const res = await emu.raw(path, { method: 'POST', user: A, headers: json, body: JSON.stringify(good) });
  expect(res.status).toBe(200);
});

test('a malformed percent-escape in the path is a 400, and __proto__ keys in a body are dropped', async () => {
  const res = await emu.raw('/calendar/v3/calendars/%E0%A4%A/events', { user: A });
  expect(res.status).toBe(400);
  const created = await emu.raw(path, {
    method: 'POST',
    user: A,
    headers: json,
    body: `{"summary":"p","__proto__":{"polluted":true},"start":${JSON.stringify(good.start)},"end":${JSON.stringify(good.end)}}`,
  });
  expect(created.status).toBe(200);
  expect(({} as any).polluted).toBeUndefined();
});
