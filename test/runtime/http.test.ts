/**
 * The runtime over real HTTP: UrlFetchApp.fetchAll really runs its requests in parallel (against a slow server
 * in another process), the Calendar advanced service bound to the emulator's HTTP API (one shared process)
 * answers in Apps Script's argument orders and error forms, and the watcher fires an EventUpdated trigger after
 * a change made by another client, with the real event object.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { AppsScriptRuntime, CalendarWatcher } from '../../local/apps-script-runtime';
import { type Child, startChild } from '../../local/playground/processes';
import { bundle, thrown } from './helpers';

const ALICE = 'alice@example.com';
const DELAY_MS = 400;

// A server that answers every request after DELAY_MS with its path, in its own process (the runtime blocks its
// own thread while a script waits on UrlFetchApp, as Apps Script does).
const SLOW_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => setTimeout(() => {
  res.writeHead(req.url.startsWith('/missing') ? 404 : 200, { 'Content-Type': 'text/plain' });
  res.end('answer ' + req.url);
}, ${DELAY_MS}));
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

let slow: ChildProcess;
let slowUrl: string;
let emulator: Child;

beforeAll(async () => {
  slow = spawn(process.execPath, ['-e', SLOW_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  slowUrl = await new Promise<string>((resolve) =>
    slow.stdout?.on('data', (d) => {
      const m = /listening on (\S+)/.exec(String(d));
      if (m) resolve(m[1]);
    }),
  );
  emulator = await startChild('calendar emulator', 'local/calendar-emulator/main.ts', ['--port', '0']);
}, 60_000);

afterAll(async () => {
  slow?.kill('SIGTERM');
  await emulator?.stop();
});

const CODE = `
  function parallel(base) {
    var urls = [1, 2, 3, 4, 5].map(function (i) { return base + '/r' + i; });
    var t = Date.now();
    var texts = UrlFetchApp.fetchAll(urls).map(function (r) { return r.getContentText(); });
    return { texts: texts, ms: Date.now() - t };
  }
  function sequential(base) {
    var t = Date.now();
    for (var i = 1; i <= 3; i++) UrlFetchApp.fetch(base + '/s' + i);
    return Date.now() - t;
  }
  function mixed(base) {
    return UrlFetchApp.fetchAll([base + '/ok', { url: base + '/missing', muteHttpExceptions: true }])
      .map(function (r) { return r.getResponseCode(); });
  }
  function unmuted(base) { return UrlFetchApp.fetchAll([base + '/ok', base + '/missing']); }
  function calendar() {
    var created = Calendar.Events.insert(
      { summary: 'Over HTTP', start: { dateTime: '2026-12-01T10:00:00Z' }, end: { dateTime: '2026-12-01T11:00:00Z' } },
      'alice@example.com');
    var got = Calendar.Events.get('alice@example.com', created.id, { fields: 'id,summary' });
    var patched = Calendar.Events.patch({ summary: 'Patched' }, 'alice@example.com', created.id, {}, { 'If-Match': created.etag });
    var page = Calendar.Events.list('alice@example.com', { showDeleted: true, maxResults: 10 });
    Calendar.Events.remove('alice@example.com', created.id);
    return { got: got, patched: patched.summary, listed: page.items.length, token: typeof page.nextSyncToken };
  }
  function missing() { return Calendar.Events.get('alice@example.com', 'nosuchevent1'); }
  function install() { ScriptApp.newTrigger('onUpdate').forUserCalendar('alice@example.com').onEventUpdated().create(); }
  function onUpdate(e) {
    var p = PropertiesService.getUserProperties();
    p.setProperty('events', JSON.stringify(JSON.parse(p.getProperty('events') || '[]').concat([e])));
  }`;

let runtime: AppsScriptRuntime;
beforeEach(() => {
  runtime = new AppsScriptRuntime({ distDir: bundle(CODE), calendar: { rootUrl: `${emulator.url}/` } });
});
afterEach(() => runtime.close());

describe('UrlFetchApp over HTTP', () => {
  it('runs fetchAll requests in parallel, answers in input order, and counts them', () => {
    const { texts, ms } = runtime.call<{ texts: string[]; ms: number }>(ALICE, 'parallel', [slowUrl]);
    expect(texts).toEqual(['answer /r1', 'answer /r2', 'answer /r3', 'answer /r4', 'answer /r5']);
    // Five requests of 400 ms each: about one delay in parallel, 2 s one after the other.
    expect(ms).toBeLessThan(DELAY_MS * 2.5);
    expect(runtime.call<number>(ALICE, 'sequential', [slowUrl])).toBeGreaterThanOrEqual(DELAY_MS * 3);
    expect(runtime.executions.at(-2)?.stats).toMatchObject({ fetch: 0, fetchAll: [5] });
    expect(runtime.executions.at(-1)?.stats).toMatchObject({ fetch: 3, fetchAll: [] });
  });

  it('returns muted statuses, and throws for an unmuted failure in a batch', () => {
    expect(runtime.call(ALICE, 'mixed', [slowUrl])).toEqual([200, 404]);
    expect(thrown(() => runtime.call(ALICE, 'unmuted', [slowUrl])).message).toBe(
      `Request failed for ${slowUrl} returned code 404. Truncated server response: answer /missing (use muteHttpExceptions option to examine full response)`,
    );
  });
});

describe('Calendar over the emulator HTTP API', () => {
  it("takes Apps Script's argument orders, optional arguments and headers, as the execution's user", () => {
    expect(runtime.call(ALICE, 'calendar')).toEqual({
      got: { id: expect.any(String), summary: 'Over HTTP' },
      patched: 'Patched',
      listed: 1,
      token: 'string',
    });
    expect(runtime.executions.at(-1)?.stats.calendar).toEqual({
      insert: 1,
      get: 1,
      patch: 1,
      list: 1,
      remove: 1,
    });
  });

  it('throws GoogleJsonResponseException with the method named and the details', () => {
    const error = thrown(() => runtime.call(ALICE, 'missing')) as Error & { details: unknown };
    expect(error.name).toBe('GoogleJsonResponseException');
    expect(error.message).toBe('API call to calendar.events.get failed with error: Not Found');
    expect(error.details).toMatchObject({
      code: 404,
      errors: [expect.objectContaining({ reason: 'notFound' })],
    });
  });
});

it('fires the EventUpdated trigger after a change made by another client, with the event object only', async () => {
  runtime.call(ALICE, 'install');
  const watcher = new CalendarWatcher({ rootUrl: emulator.url, runtime, intervalMs: 100 });
  await watcher.pollOnce();
  const firstLook = JSON.parse(runtime.userPropertiesOf(ALICE).data.get('events') ?? '[]').length;
  watcher.start();
  try {
    const res = await fetch(`${emulator.url}/calendar/v3/calendars/${ALICE}/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ALICE}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        summary: 'From curl',
        start: { date: '2026-12-02' },
        end: { date: '2026-12-03' },
      }),
    });
    expect(res.status).toBe(200);
    const deadline = Date.now() + 5000;
    let events: unknown[] = [];
    while (Date.now() < deadline) {
      events = JSON.parse(runtime.userPropertiesOf(ALICE).data.get('events') ?? '[]');
      if (events.length > firstLook) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(events.slice(firstLook)).toEqual([
      { calendarId: ALICE, authMode: 'FULL', triggerUid: runtime.triggers(ALICE)[0].uid },
    ]);
  } finally {
    await watcher.stop();
  }
});
