/**
 * The Calendar advanced service's additions, the same script over both bindings (the in-process engine and the
 * emulator's HTTP API): Events.patch passes conferenceDataVersion and If-Match through (a stale etag is the
 * emulator's 412 as a GoogleJsonResponseException), Events.move, CalendarList.list (minAccessRole, paging) and
 * CalendarList.get for the execution's user.
 */
import { AppsScriptRuntime } from '../../local/apps-script-runtime';
import { CalendarEngine } from '../../local/calendar-emulator/engine';
import { type Child, startChild } from '../../local/playground/processes';
import { bundle } from './helpers';

const ALICE = 'alice@example.com';

const CODE = `
  function event(summary) {
    return Calendar.Events.insert(
      { summary: summary, start: { dateTime: '2030-01-01T10:00:00Z' }, end: { dateTime: '2030-01-01T11:00:00Z' } },
      'alice@example.com');
  }
  function errorOf(fn) {
    try { fn(); return null; } catch (e) { return { name: e.name, message: e.message, code: e.details && e.details.code }; }
  }
  function patchIfMatch() {
    var created = event('First');
    var fresh = Calendar.Events.patch({ summary: 'Second' }, 'alice@example.com', created.id, {}, { 'If-Match': created.etag });
    var stale = errorOf(function () {
      Calendar.Events.patch({ summary: 'Third' }, 'alice@example.com', created.id, {}, { 'If-Match': created.etag });
    });
    // Without conferenceDataVersion Google ignores conferenceData; with 1 it is applied.
    var ignored = Calendar.Events.patch(
      { conferenceData: { createRequest: { requestId: 'req-1', conferenceSolutionKey: { type: 'hangoutsMeet' } } } },
      'alice@example.com', created.id, {}, { 'If-Match': fresh.etag });
    var applied = Calendar.Events.patch(
      { conferenceData: { createRequest: { requestId: 'req-2', conferenceSolutionKey: { type: 'hangoutsMeet' } } } },
      'alice@example.com', created.id, { conferenceDataVersion: 1 }, { 'If-Match': ignored.etag });
    var now = Calendar.Events.get('alice@example.com', created.id, { conferenceDataVersion: 1 });
    return { fresh: fresh.summary, stale: stale, ignored: !!ignored.conferenceData, applied: !!applied.conferenceData,
             stored: now.conferenceData ? now.conferenceData.createRequest.requestId : null, summary: now.summary };
  }
  function moveTo(destination) {
    var created = event('Moving');
    var moved = Calendar.Events.move('alice@example.com', created.id, destination, { fields: 'id,summary' });
    var left = Calendar.Events.get('alice@example.com', created.id);
    return { moved: moved, leftStatus: left.status };
  }
  function lists() {
    var all = Calendar.CalendarList.list();
    var owner = Calendar.CalendarList.list({ minAccessRole: 'owner', maxResults: 1 });
    var next = owner.nextPageToken ? Calendar.CalendarList.list({ minAccessRole: 'owner', maxResults: 1, pageToken: owner.nextPageToken }) : null;
    var one = Calendar.CalendarList.get('alice@example.com');
    var missing = errorOf(function () { Calendar.CalendarList.get('nobody-here@example.com'); });
    return {
      kind: all.kind,
      ids: all.items.map(function (c) { return c.id; }).sort(),
      firstPage: owner.items.length, next: next && next.items.map(function (c) { return c.id; }),
      one: { id: one.id, accessRole: one.accessRole, primary: one.primary },
      missing: missing,
    };
  }
`;

let emulator: Child;
beforeAll(async () => {
  emulator = await startChild('calendar emulator', 'local/calendar-emulator/main.ts', ['--port', '0']);
}, 60_000);
afterAll(async () => {
  await emulator?.stop();
});

type Binding = 'engine' | 'http';
const runtimes: AppsScriptRuntime[] = [];
afterEach(() => {
  for (const r of runtimes.splice(0)) r.close();
});

let engine: CalendarEngine;
function runtimeFor(binding: Binding): AppsScriptRuntime {
  engine = new CalendarEngine({ secret: 's' });
  const calendar = binding === 'engine' ? { engine } : { rootUrl: `${emulator.url}/` };
  const runtime = new AppsScriptRuntime({ distDir: bundle(CODE), calendar });
  runtimes.push(runtime);
  return runtime;
}

/** A secondary calendar of alice's, made through the emulator itself (the script's service has no Calendars). */
async function secondCalendar(binding: Binding): Promise<string> {
  const body = { summary: `Second ${binding}` };
  if (binding === 'engine') return engine.insertCalendar(ALICE, body).id;
  const res = await fetch(`${emulator.url}/calendar/v3/calendars`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ALICE}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ((await res.json()) as { id: string }).id;
}

describe.each<Binding>(['engine', 'http'])('Calendar advanced service additions (%s binding)', (binding) => {
  it('Events.patch passes If-Match (a stale etag is 412) and conferenceDataVersion through', () => {
    const out = runtimeFor(binding).call<Record<string, unknown>>(ALICE, 'patchIfMatch');
    expect(out.fresh).toBe('Second');
    expect(out.stale).toEqual({
      name: 'GoogleJsonResponseException',
      message: 'API call to calendar.events.patch failed with error: Precondition Failed',
      code: 412,
    });
    expect(out.summary).toBe('Second');
    expect(out.ignored).toBe(false);
    expect(out.applied).toBe(true);
    expect(out.stored).toBe('req-2');
  });

  it('Events.move(calendarId, eventId, destination, optionalArgs) moves the event', async () => {
    const runtime = runtimeFor(binding);
    const destination = await secondCalendar(binding);
    const out = runtime.call<{ moved: { id: string; summary: string }; leftStatus: string }>(
      ALICE,
      'moveTo',
      [destination],
    );
    expect(out.moved.summary).toBe('Moving');
    expect(Object.keys(out.moved).sort()).toEqual(['id', 'summary']);
    expect(out.leftStatus).toBe('cancelled');
  });

  it("CalendarList.list / get answer the execution's user's calendar list", async () => {
    const runtime = runtimeFor(binding);
    const second = await secondCalendar(binding);
    const out = runtime.call<Record<string, unknown>>(ALICE, 'lists');
    expect(out.kind).toBe('calendar#calendarList');
    expect(out.ids).toEqual(expect.arrayContaining([ALICE, second]));
    expect(out.firstPage).toBe(1);
    expect(out.next).toHaveLength(1);
    expect(out.one).toEqual({ id: ALICE, accessRole: 'owner', primary: true });
    expect(out.missing).toMatchObject({ name: 'GoogleJsonResponseException', code: 404 });
    expect(String((out.missing as { message: string }).message)).toMatch(
      /^API call to calendar\.calendarList\.get failed with error: /,
    );
  });
});
