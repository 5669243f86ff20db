/**
 * events.watch and channels.stop through Google's client, with a real local webhook: a `sync`
 * message, then `exists` after each change, with the headers of Google's push guide
 * (https://developers.google.com/calendar/api/guides/push: X-Goog-Channel-ID, -Token, -Expiration,
 * X-Goog-Resource-ID, -URI, -State, X-Goog-Message-Number); expiry (params.ttl, default 604800 s);
 * and the control endpoint that drops, delays or duplicates notifications.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { calendar_v3 } from '@googleapis/calendar';
import { googleError, startEmulator, timed } from './helpers';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emu;
let alice: calendar_v3.Calendar;
const A = 'alice@example.com';

interface Hit {
  headers: IncomingHttpHeaders;
  body: string;
}
let hook: Server;
let hookUrl: string;
let hits: Hit[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  alice = emu.client(A);
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/notify`;
});
afterAll(async () => {
  await emu.close();
  await new Promise((r) => hook.close(r));
});
beforeEach(async () => {
  emu.engine.reset();
  emu.notifier.reset();
  hits = [];
});

const meeting = (summary: string) => ({
  summary,
  start: timed('2025-04-01T09:00:00'),
  end: timed('2025-04-01T10:00:00'),
});

test('a channel delivers sync, then exists after each change, with Google headers; channels.stop ends it', async () => {
  const res = await alice.events.watch({
    calendarId: 'primary',
    requestBody: { id: 'channel-1', type: 'web_hook', address: hookUrl, token: 'target=tests' },
  });
  expect(res.data).toMatchObject({
    kind: 'api#channel',
    id: 'channel-1',
    resourceId: expect.any(String),
    resourceUri: `${emu.url}/calendar/v3/calendars/primary/events?alt=json`,
    token: 'target=tests',
  });
  // Default lifetime 604800 s (settings.watch reference, "Default is 604800 seconds").
  expect(Number(res.data.expiration)).toBe(emu.clock.now() + 604_800_000);
  await emu.notifier.idle();
  await new Promise((r) => setTimeout(r, 20));
  await emu.notifier.idle();
  expect(hits).toHaveLength(1);
  expect(hits[0].headers).toMatchObject({
    'x-goog-channel-id': 'channel-1',
    'x-goog-channel-token': 'target=tests',
    'x-goog-channel-expiration': new Date(Number(res.data.expiration)).toUTCString(),
    'x-goog-resource-id': res.data.resourceId,
    'x-goog-resource-uri': res.data.resourceUri,
    'x-goog-resource-state': 'sync',
    'x-goog-message-number': '1',
  });
  expect(hits[0].body).toBe('');

  const ev = await alice.events.insert({ calendarId: 'primary', requestBody: meeting('one') });
  await emu.notifier.idle();
  await alice.events.patch({ calendarId: 'primary', eventId: ev.data.id!, requestBody: { summary: 'two' } });
  await emu.notifier.idle();
  expect(hits.map((h) => [h.headers['x-goog-resource-state'], h.headers['x-goog-message-number']])).toEqual([
    ['sync', '1'],
    ['exists', '2'],
    ['exists', '3'],
  ]);
  // Another calendar's change is not this channel's business.
  await emu.client('bob@example.com').events.insert({ calendarId: 'primary', requestBody: meeting('bob') });
  await emu.notifier.idle();
  expect(hits).toHaveLength(3);

  await alice.channels.stop({ requestBody: { id: 'channel-1', resourceId: res.data.resourceId } });
  await alice.events.insert({ calendarId: 'primary', requestBody: meeting('three') });
  await emu.notifier.idle();
  expect(hits).toHaveLength(3);
  expect(
    (await googleError(alice.channels.stop({ requestBody: { id: 'channel-1', resourceId: 'x' } }))).status,
  ).toBe(404);
});

test('a channel expires by its ttl (on the emulator clock)', async () => {
  await alice.events.watch({
    calendarId: 'primary',
    requestBody: { id: 'short', type: 'web_hook', address: hookUrl, params: { ttl: '60' } },
  });
  await new Promise((r) => setTimeout(r, 20));
  await emu.notifier.idle();
  emu.clock.advance(61_000);
  await alice.events.insert({ calendarId: 'primary', requestBody: meeting('late') });
  await emu.notifier.idle();
  expect(hits.map((h) => h.headers['x-goog-resource-state'])).toEqual(['sync']);
  const state = (await (await emu.raw('/emulator/v1/notifications')).json()) as any;
  expect(state.channels).toEqual([]);
});

test('the control endpoint drops, duplicates and delays notifications; the log shows each delivery', async () => {
  await alice.events.watch({
    calendarId: 'primary',
    requestBody: { id: 'ctl', type: 'web_hook', address: hookUrl },
  });
  await new Promise((r) => setTimeout(r, 20));
  await emu.notifier.idle();
  const control = (body: object) =>
    emu.raw('/emulator/v1/notifications', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect((await control({ action: 'drop' })).status).toBe(200);
  await alice.events.insert({ calendarId: 'primary', requestBody: meeting('dropped') });
  await emu.notifier.idle();
  await control({ action: 'duplicate', channelId: 'ctl' });
  await alice.events.insert({ calendarId: 'primary', requestBody: meeting('twice') });
  await emu.notifier.idle();
  await control({ action: 'delay', delayMs: 150 });
  await alice.events.insert({ calendarId: 'primary', requestBody: meeting('later') });
  await new Promise((r) => setTimeout(r, 30));
  const numbersBeforeDelay = hits.map((h) => h.headers['x-goog-message-number']);
  await emu.notifier.idle();
  // Message 2 was dropped (its number is used up), 3 came twice, 4 only after the delay.
  expect(numbersBeforeDelay).toEqual(['1', '3', '3']);
  expect(hits.map((h) => h.headers['x-goog-message-number'])).toEqual(['1', '3', '3', '4']);
  const log = ((await (await emu.raw('/emulator/v1/notifications')).json()) as any).deliveries;
  expect(log.map((d: any) => [d.messageNumber, d.state, d.outcome])).toEqual([
    [1, 'sync', 200],
    [2, 'exists', 'dropped'],
    [3, 'exists', 200],
    [3, 'exists', 200],
    [4, 'exists', 200],
  ]);
  expect((await control({ action: 'explode' })).status).toBe(400);
});

test('bad watch requests: a non-loopback address, a duplicate id, a missing id, an unknown calendar', async () => {
  const bad = await googleError(
    alice.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'x1', type: 'web_hook', address: 'https://example.com/hook' },
    }),
  );
  expect(bad.status).toBe(400);
  await alice.events.watch({
    calendarId: 'primary',
    requestBody: { id: 'x2', type: 'web_hook', address: hookUrl },
  });
  const dup = await googleError(
    alice.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'x2', type: 'web_hook', address: hookUrl },
    }),
  );
  expect(dup.body.error.errors[0].reason).toBe('channelIdNotUnique');
  expect(
    (
      await googleError(
        alice.events.watch({ calendarId: 'primary', requestBody: { type: 'web_hook', address: hookUrl } }),
      )
    ).status,
  ).toBe(400);
  expect(
    (
      await googleError(
        alice.events.watch({
          calendarId: 'team',
          requestBody: { id: 'x3', type: 'web_hook', address: hookUrl },
        }),
      )
    ).status,
  ).toBe(404);
});

test('calendarList.watch and acl.watch deliver on their own resources', async () => {
  await alice.calendarList.watch({ requestBody: { id: 'cl', type: 'web_hook', address: hookUrl } });
  await alice.acl.watch({
    calendarId: 'primary',
    requestBody: { id: 'acl', type: 'web_hook', address: hookUrl },
  });
  await new Promise((r) => setTimeout(r, 20));
  await emu.notifier.idle();
  await alice.acl.insert({
    calendarId: 'primary',
    requestBody: { role: 'reader', scope: { type: 'default' } },
  });
  await alice.calendars.insert({ requestBody: { summary: 'New' } });
  await emu.notifier.idle();
  expect(
    hits.map((h) => [h.headers['x-goog-channel-id'], h.headers['x-goog-resource-state']]).sort(),
  ).toEqual([
    ['acl', 'exists'],
    ['acl', 'sync'],
    ['cl', 'exists'],
    ['cl', 'sync'],
  ]);
});
