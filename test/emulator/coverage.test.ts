/**
 * Every one of the 38 Calendar API v3 methods, called once through Google's own client
 * (@googleapis/calendar), in one realistic sequence: each served method answers with its resource,
 * and the one method the emulator does not serve answers 501 naming itself. The README's coverage
 * table lists the same methods; the surface table (http/surface.ts) must match the client's.
 */
import { createServer, type Server } from 'node:http';
import { METHODS } from '../../local/calendar-emulator/http/surface';
import { googleError, startEmulator, timed } from './helpers';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emu;
let hook: Server;
let hookUrl: string;
const A = 'alice@example.com';
const B = 'bob@example.com';

beforeAll(async () => {
  emu = await startEmulator();
  hook = createServer((_req, res) => res.writeHead(200).end());
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/`;
});
afterAll(async () => {
  await emu.close();
  await new Promise((r) => hook.close(r));
});

test('all 38 methods through the official client', async () => {
  const alice = emu.client(A);
  const bob = emu.client(B);
  const called = new Set<string>();
  const ok = async <T extends { status: number }>(name: string, p: Promise<T>): Promise<T> => {
    const res = await p;
    expect([name, res.status >= 200 && res.status < 300]).toEqual([name, true]);
    called.add(name);
    return res;
  };
  const body = {
    summary: 'Planning',
    start: timed('2025-04-01T09:00:00'),
    end: timed('2025-04-01T10:00:00'),
  };
  const channel = (id: string) => ({ id, type: 'web_hook', address: hookUrl });

  // calendars
  const cal = (await ok('calendars.insert', alice.calendars.insert({ requestBody: { summary: 'Team' } })))
    .data.id!;
  await ok('calendars.get', alice.calendars.get({ calendarId: cal }));
  await ok('calendars.patch', alice.calendars.patch({ calendarId: cal, requestBody: { description: 'd' } }));
  await ok(
    'calendars.update',
    alice.calendars.update({ calendarId: cal, requestBody: { summary: 'Team 2' } }),
  );
  // acl
  const rule = (
    await ok(
      'acl.insert',
      alice.acl.insert({
        calendarId: cal,
        requestBody: { role: 'reader', scope: { type: 'user', value: B } },
      }),
    )
  ).data.id!;
  await ok('acl.list', alice.acl.list({ calendarId: cal }));
  await ok('acl.get', alice.acl.get({ calendarId: cal, ruleId: rule }));
  await ok('acl.patch', alice.acl.patch({ calendarId: cal, ruleId: rule, requestBody: { role: 'writer' } }));
  await ok(
    'acl.update',
    alice.acl.update({
      calendarId: cal,
      ruleId: rule,
      requestBody: { role: 'writer', scope: { type: 'user', value: B } },
    }),
  );
  await ok('acl.watch', alice.acl.watch({ calendarId: cal, requestBody: channel('c-acl') }));
  // calendarList (Bob sees the shared calendar)
  await ok('calendarList.list', bob.calendarList.list());
  await ok('calendarList.get', bob.calendarList.get({ calendarId: cal }));
  await ok('calendarList.patch', bob.calendarList.patch({ calendarId: cal, requestBody: { colorId: '3' } }));
  await ok(
    'calendarList.update',
    bob.calendarList.update({ calendarId: cal, requestBody: { selected: false } }),
  );
  await ok('calendarList.delete', bob.calendarList.delete({ calendarId: cal }));
  await ok('calendarList.insert', bob.calendarList.insert({ requestBody: { id: cal } }));
  await ok('calendarList.watch', bob.calendarList.watch({ requestBody: channel('c-list') }));
  // events
  const ev = (await ok('events.insert', alice.events.insert({ calendarId: 'primary', requestBody: body })))
    .data;
  await ok('events.get', alice.events.get({ calendarId: 'primary', eventId: ev.id! }));
  await ok('events.list', alice.events.list({ calendarId: 'primary' }));
  await ok(
    'events.patch',
    alice.events.patch({ calendarId: 'primary', eventId: ev.id!, requestBody: { summary: 'P2' } }),
  );
  await ok(
    'events.update',
    alice.events.update({ calendarId: 'primary', eventId: ev.id!, requestBody: body }),
  );
  const series = (
    await alice.events.insert({
      calendarId: 'primary',
      requestBody: { ...body, recurrence: ['RRULE:FREQ=DAILY;COUNT=2'] },
    })
  ).data;
  await ok('events.instances', alice.events.instances({ calendarId: 'primary', eventId: series.id! }));
  await ok('events.move', alice.events.move({ calendarId: 'primary', eventId: ev.id!, destination: cal }));
  await ok('events.delete', alice.events.delete({ calendarId: cal, eventId: ev.id! }));
  await ok(
    'events.import',
    alice.events.import({ calendarId: 'primary', requestBody: { ...body, iCalUID: 'x@elsewhere.org' } }),
  );
  await ok('events.quickAdd', alice.events.quickAdd({ calendarId: 'primary', text: 'Lunch tomorrow 12:30' }));
  const watched = (
    await ok('events.watch', alice.events.watch({ calendarId: 'primary', requestBody: channel('c-ev') }))
  ).data;
  await ok(
    'channels.stop',
    alice.channels.stop({ requestBody: { id: watched.id, resourceId: watched.resourceId } }),
  );
  // the rest
  await ok('colors.get', alice.colors.get());
  await ok('settings.list', alice.settings.list());
  await ok('settings.get', alice.settings.get({ setting: 'timezone' }));
  await ok('settings.watch', alice.settings.watch({ requestBody: channel('c-settings') }));
  await ok(
    'freebusy.query',
    alice.freebusy.query({
      requestBody: { timeMin: '2025-04-01T00:00:00Z', timeMax: '2025-04-02T00:00:00Z', items: [{ id: A }] },
    }),
  );
  await ok('acl.delete', alice.acl.delete({ calendarId: cal, ruleId: rule }));
  await ok('calendars.clear', alice.calendars.clear({ calendarId: 'primary' }));
  await ok('calendars.delete', alice.calendars.delete({ calendarId: cal }));

  const unserved = await googleError(
    alice.calendars.transferOwnership({ calendarId: 'primary', newDataOwner: B, useAdminAccess: false }),
  );
  expect(unserved.status).toBe(501);
  expect(unserved.body.error.message).toMatch(/calendars\.transferOwnership/);
  called.add('calendars.transferOwnership');

  expect([...called].sort()).toEqual(METHODS.map((m) => m.name).sort());
  await emu.notifier.idle();
});
