/**
 * State that outlives the process: `--db <file>` keeps events, change logs and valid sync tokens
 * across a restart (the CLI, killed with SIGTERM and started again on the same file), and
 * GET /emulator/v1/export + POST /emulator/v1/import carry a whole reproduction between runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auth, calendar, type calendar_v3 } from '@googleapis/calendar';
import { CalendarEngine } from '../../local/calendar-emulator/engine/engine';
import { SqliteStore } from '../../local/calendar-emulator/engine/sqlite-store';
import { newEngine, startEmulator, timed } from './helpers';

const root = `${__dirname}/../..`;
const A = 'alice@example.com';
const B = 'bob@example.com';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'emulator-db-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const meeting = (summary: string, extra: object = {}) => ({
  summary,
  start: timed('2025-04-01T09:00:00'),
  end: timed('2025-04-01T10:00:00'),
  ...extra,
});

function start(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    `${root}/node_modules/.bin/tsx`,
    ['local/calendar-emulator/main.ts', '--port', '0', '--db', db],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}
const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
const client = (url: string, user: string): calendar_v3.Calendar => {
  const oauth = new auth.OAuth2();
  oauth.setCredentials({ access_token: user });
  return calendar({
    version: 'v3',
    rootUrl: `${url}/`,
    auth: oauth,
    retry: false,
    fetchImplementation: fetch,
  } as calendar_v3.Options);
};

test('a restart on the same --db keeps events, calendars, ACLs, and a sync token issued before it valid', async () => {
  const db = join(dir, 'restart.db');
  let run = await start(db);
  let alice = client(run.url, A);
  const kept = await alice.events.insert({
    calendarId: 'primary',
    requestBody: meeting('Kept', { attendees: [{ email: B }] }),
  });
  const doomed = await alice.events.insert({ calendarId: 'primary', requestBody: meeting('Doomed') });
  const team = await alice.calendars.insert({ requestBody: { summary: 'Team', timeZone: 'Europe/Berlin' } });
  await alice.acl.insert({
    calendarId: 'primary',
    requestBody: { role: 'reader', scope: { type: 'user', value: B } },
  });
  const token = (await alice.events.list({ calendarId: 'primary' })).data.nextSyncToken!;
  const bobToken = (await client(run.url, B).events.list({ calendarId: 'primary' })).data.nextSyncToken!;
  expect(await stop(run.child)).toBe(0);

  run = await start(db);
  try {
    alice = client(run.url, A);
    const bob = client(run.url, B);
    // The old token still answers incrementally: nothing changed, so the same token comes back.
    const idle = await alice.events.list({ calendarId: 'primary', syncToken: token });
    expect(idle.data.items).toEqual([]);
    expect(idle.data.nextSyncToken).toBe(token);
    await alice.events.delete({ calendarId: 'primary', eventId: doomed.data.id! });
    await alice.events.patch({
      calendarId: 'primary',
      eventId: kept.data.id!,
      requestBody: { summary: 'Kept (renamed)' },
    });
    const inc = await alice.events.list({ calendarId: 'primary', syncToken: token });
    expect(inc.data.items!.map((e) => [e.id, e.status, e.summary])).toEqual([
      [doomed.data.id, 'cancelled', undefined],
      [kept.data.id, 'confirmed', 'Kept (renamed)'],
    ]);
    // The attendee copy, the secondary calendar and the ACL came back too.
    const bobInc = await bob.events.list({ calendarId: 'primary', syncToken: bobToken });
    expect(bobInc.data.items!.map((e) => e.summary)).toEqual(['Kept (renamed)']);
    expect((await alice.calendars.get({ calendarId: team.data.id! })).data.timeZone).toBe('Europe/Berlin');
    expect((await bob.events.list({ calendarId: A })).data.accessRole).toBe('reader');
  } finally {
    expect(await stop(run.child)).toBe(0);
  }
  // And what changed after the restart survives the next one.
  run = await start(db);
  try {
    const got = await client(run.url, A).events.get({ calendarId: 'primary', eventId: kept.data.id! });
    expect(got.data.summary).toBe('Kept (renamed)');
  } finally {
    await stop(run.child);
  }
}, 60_000);

test('the in-process store: a second engine on the same file continues where the first stopped', () => {
  const file = join(dir, 'inproc.db');
  const first = new CalendarEngine({ secret: 's1' });
  const store1 = new SqliteStore(file);
  store1.attach(first);
  const ev = first.insert(A, A, meeting('one'));
  const token = first.list(A, A).nextSyncToken!;
  first.patch(A, A, ev.id!, { summary: 'two' });
  // onChange writes after the operation (a microtask); close after it ran.
  return Promise.resolve().then(() => {
    store1.close();
    const second = new CalendarEngine({ secret: 's1' });
    const store2 = new SqliteStore(file);
    store2.attach(second);
    expect(second.list(A, A, { syncToken: token }).items.map((e) => e.summary)).toEqual(['two']);
    // Same calendars and events; the reloaded change log holds only each event's latest change.
    expect(second.stats()).toEqual({ ...first.stats(), logEntries: 1 });
    store2.close();
    // A database made with another secret is refused rather than silently answering 400 to old tokens.
    expect(() => new SqliteStore(file).attach(new CalendarEngine({ secret: 'other' }))).toThrow(
      /another --secret/,
    );
  });
});

test('export from one emulator, import into another: same events, same tokens', async () => {
  const one = await startEmulator();
  const two = await startEmulator();
  try {
    const alice1 = one.client(A);
    await alice1.events.insert({ calendarId: 'primary', requestBody: meeting('shared repro') });
    const token = (await alice1.events.list({ calendarId: 'primary' })).data.nextSyncToken!;
    const snapshot = await (await one.raw('/emulator/v1/export')).text();
    const res = await two.raw('/emulator/v1/import', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: snapshot,
    });
    expect(res.status).toBe(200);
    const alice2 = two.client(A);
    expect((await alice2.events.list({ calendarId: 'primary' })).data.items!.map((e) => e.summary)).toEqual([
      'shared repro',
    ]);
    expect((await alice2.events.list({ calendarId: 'primary', syncToken: token })).data.items).toEqual([]);
    const bad = await two.raw('/emulator/v1/import', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"x":1}',
    });
    expect(bad.status).toBe(400);
  } finally {
    await one.close();
    await two.close();
  }
});

test('import keeps series, exceptions and moved-away tombstones intact', () => {
  const { engine } = newEngine();
  const series = engine.insert(A, A, meeting('daily', { recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] }));
  engine.patch(A, A, `${series.id}_20250402T140000Z`, { summary: 'special' });
  const copy = newEngine().engine;
  copy.importState(JSON.parse(JSON.stringify(engine.exportState())));
  expect(copy.list(A, A, { singleEvents: true }).items.map((e) => e.summary)).toEqual([
    'daily',
    'special',
    'daily',
  ]);
  expect(copy.list(A, A)).toEqual(engine.list(A, A));
});
