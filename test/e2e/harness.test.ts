/**
 * The e2e harness's own promises, checked against the real conference server: the synchronous UrlFetchApp
 * (statuses, muteHttpExceptions, headers, payloads, redirects, loopback only), the property, lock and trigger
 * stand-ins, ConferenceDataService's built JSON, and the bundle reading the test's clock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  ALICE,
  API_KEY,
  BOB,
  type ConferenceServer,
  type E2EWorld,
  MAX_PROPERTY_VALUE_BYTES,
  requestFailedMessage,
  useE2E,
} from './harness';

const e2e = useE2E();
let server: ConferenceServer;
let world: E2EWorld;
beforeEach(() => {
  server = e2e.server();
  world = e2e.world();
});

/** What a call threw (the test fails if it threw nothing). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('UrlFetchApp', () => {
  it('is synchronous and returns every status when muteHttpExceptions is true', () => {
    const { UrlFetchApp } = world.services(ALICE);
    const url = `${server.baseUrl}/v1/conferences`;
    const denied = UrlFetchApp.fetch(url, { muteHttpExceptions: true });
    expect(denied.getResponseCode()).toBe(401);
    expect(JSON.parse(denied.getContentText())).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect(denied.getHeaders()['content-type']).toMatch(/^application\/json/);

    const created = UrlFetchApp.fetch(url, {
      method: 'post',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Idempotency-Key': 'harness-1' },
      payload: JSON.stringify({ title: 'harness', calendarId: 'harness@example.com', eventId: 'h1' }),
      contentType: 'application/json; charset=utf-8',
      muteHttpExceptions: true,
    });
    expect(created.getResponseCode()).toBe(201);
    expect(JSON.parse(created.getContentText())).toMatchObject({ title: 'harness', version: 1 });
    expect(created.getAllHeaders()).toMatchObject({ etag: '"1"' });
    expect(world.fetches.map((f) => [f.method, f.status])).toEqual([
      ['GET', 401],
      ['POST', 201],
    ]);
  });

  it('fetchAll answers in input order, each request with its own params, muted statuses included', () => {
    const { UrlFetchApp } = world.services(ALICE);
    const url = `${server.baseUrl}/v1/conferences`;
    const responses = UrlFetchApp.fetchAll([
      { url, muteHttpExceptions: true },
      {
        url,
        method: 'post',
        headers: { Authorization: `Bearer ${API_KEY}`, 'Idempotency-Key': 'harness-all-1' },
        payload: JSON.stringify({ title: 'all', calendarId: 'harness@example.com', eventId: 'a1' }),
        contentType: 'application/json',
        muteHttpExceptions: true,
      },
    ]);
    expect(responses.map((r: { getResponseCode(): number }) => r.getResponseCode())).toEqual([401, 201]);
    expect(JSON.parse(responses[1].getContentText())).toMatchObject({ title: 'all' });
    expect(UrlFetchApp.fetchAll([])).toEqual([]);
  });

  it('fetchAll throws for one failing request without muteHttpExceptions, discarding every result', () => {
    const { UrlFetchApp } = world.services(ALICE);
    const url = `${server.baseUrl}/v1/conferences`;
    const error = thrown(() => UrlFetchApp.fetchAll([{ url, muteHttpExceptions: true }, url]));
    expect(error.name).toBe('Exception');
    expect(error.message).toMatch(/^Request failed for .* returned code 401\./);
  });

  it("throws Apps Script's Exception for a status >= 400 unless muteHttpExceptions is true", () => {
    const { UrlFetchApp } = world.services(ALICE);
    const error = thrown(() => UrlFetchApp.fetch(`${server.baseUrl}/v1/conferences`));
    expect(error.name).toBe('Exception');
    expect(error.message).toMatch(
      new RegExp(
        `^Request failed for ${server.process.origin.replace(/[.]/g, '\\.')} returned code 401\\. ` +
          'Truncated server response: \\{"error":.*\\(use muteHttpExceptions option to examine full response\\)$',
      ),
    );
    expect(requestFailedMessage('http://127.0.0.1:1/a/b?c', 500, 'x'.repeat(200))).toBe(
      `Request failed for http://127.0.0.1:1 returned code 500. Truncated server response: ${'x'.repeat(147)}... ` +
        '(use muteHttpExceptions option to examine full response)',
    );
  });

  it('refuses anything but loopback URLs, without a request', () => {
    const { UrlFetchApp } = world.services(ALICE);
    const error = thrown(() => UrlFetchApp.fetch('https://conference.example.com/api/v1/conferences'));
    expect(error).toMatchObject({
      name: 'Exception',
      message: 'Address unavailable: https://conference.example.com/api/v1/conferences',
    });
    expect(thrown(() => UrlFetchApp.fetch('http://localhost.example.com/')).message).toMatch(
      /^Address unavailable/,
    );
    expect(world.fetches.map((f) => f.status)).toEqual(['refused', 'refused']);
  });

  describe('redirects', () => {
    let child: ChildProcess;
    let origin: string;
    beforeAll(async () => {
      const source = `
        const http = require('node:http');
        const api = process.argv[1];
        const server = http.createServer((req, res) => {
          if (req.url === '/to-api') res.writeHead(302, { location: api + '/v1/conferences' });
          else if (req.url === '/away') res.writeHead(302, { location: 'http://example.com/x' });
          else res.writeHead(200, [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['Content-Type', 'text/plain']]);
          res.end(req.url === '/cookies' ? 'ok' : '');
        });
        server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));`;
      child = spawn(process.execPath, ['-e', source, e2e.server().baseUrl], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      origin = await new Promise<string>((resolve, reject) => {
        child.stdout!.setEncoding('utf8').on('data', (d: string) => {
          const m = /listening (\d+)/.exec(d);
          if (m) resolve(`http://127.0.0.1:${m[1]}`);
        });
        child.on('exit', (code) => reject(new Error(`redirect server exited with ${code}`)));
      });
    });
    afterAll(() => {
      child?.kill();
    });

    it('follows redirects by default and returns the 3xx itself with followRedirects false', () => {
      const { UrlFetchApp } = world.services(ALICE);
      expect(UrlFetchApp.fetch(`${origin}/to-api`, { muteHttpExceptions: true }).getResponseCode()).toBe(401);
      const hop = UrlFetchApp.fetch(`${origin}/to-api`, { followRedirects: false });
      expect(hop.getResponseCode()).toBe(302);
      expect(hop.getHeaders().location).toBe(`${server.baseUrl}/v1/conferences`);
    });

    it('refuses a redirect that leaves the machine', () => {
      const { UrlFetchApp } = world.services(ALICE);
      expect(thrown(() => UrlFetchApp.fetch(`${origin}/away`)).message).toBe(
        'Address unavailable: http://example.com/x',
      );
    });

    it('gives repeated headers as arrays from getAllHeaders', () => {
      const { UrlFetchApp } = world.services(ALICE);
      const response = UrlFetchApp.fetch(`${origin}/cookies`);
      expect(response.getContentText()).toBe('ok');
      expect(response.getAllHeaders()['set-cookie']).toEqual(['a=1', 'b=2']);
    });
  });
});

describe('PropertiesService, LockService, ScriptApp, ConferenceDataService', () => {
  it("keeps each user's properties apart, as strings, and refuses values over 9 KB", () => {
    const alice = world.services(ALICE).PropertiesService.getUserProperties();
    const bob = world.services(BOB).PropertiesService.getUserProperties();
    alice.setProperty('n', 42).setProperties({ a: '1', b: '2' });
    expect(alice.getProperties()).toEqual({ n: '42', a: '1', b: '2' });
    expect(bob.getKeys()).toEqual([]);
    alice.setProperties({ only: 'this' }, true);
    expect(alice.getKeys()).toEqual(['only']);
    expect(thrown(() => alice.setProperty('big', 'x'.repeat(MAX_PROPERTY_VALUE_BYTES + 1)))).toMatchObject({
      name: 'Exception',
      message: 'Argument too large: value',
    });
    alice.setProperty('edge', 'x'.repeat(MAX_PROPERTY_VALUE_BYTES));
    alice.deleteProperty('edge');
    expect(alice.getProperty('edge')).toBeNull();
    alice.deleteAllProperties();
    expect(alice.getProperties()).toEqual({});
    expect(
      world.services(ALICE).PropertiesService.getScriptProperties().getProperty('CONFERENCE_API_BASE_URL'),
    ).toBe(server.baseUrl);
  });

  it("holds a user's lock against another execution of the same user only", () => {
    const first = world.services(ALICE).LockService.getUserLock();
    const second = world.services(ALICE).LockService.getUserLock();
    const bobs = world.services(BOB).LockService.getUserLock();
    expect(first.hasLock()).toBe(false);
    expect(first.tryLock(1000)).toBe(true);
    expect(first.tryLock(1000)).toBe(true);
    expect(second.tryLock(1000)).toBe(false);
    expect(thrown(() => second.waitLock(1000)).message).toBe(
      'Lock timeout: another process was holding the lock for too long.',
    );
    expect(bobs.tryLock(1000)).toBe(true);
    first.releaseLock();
    expect(second.tryLock(1000)).toBe(true);
  });

  it('installs one trigger per calendar, reads the clock and builds Calendar-shaped conference data', () => {
    const alice = world.addOn(ALICE);
    const built = alice.createConference(ALICE, 'harness01');
    alice.createConference(ALICE, 'harness01');
    const triggers = world.services(ALICE).ScriptApp.getProjectTriggers();
    expect(
      triggers.map((t: any) => [t.getHandlerFunction(), t.getTriggerSourceId(), t.getEventType()]),
    ).toEqual([['syncEvents', ALICE, 'ON_EVENT_UPDATED']]);
    expect(world.services(BOB).ScriptApp.getProjectTriggers()).toEqual([]);

    const json = JSON.parse(built.printJson());
    expect(json).toMatchObject({
      conferenceSolutionId: 'conference-sync',
      conferenceId: expect.any(String),
      entryPoints: expect.arrayContaining([
        { entryPointType: 'video', uri: expect.stringMatching(/^https:\/\//) },
        expect.objectContaining({ entryPointType: 'phone', uri: expect.stringMatching(/^tel:\+/) }),
      ]),
    });
    // The record the bundle wrote carries the test's clock, not the machine's.
    // (Found by content, not by the add-on's key names, which are its own business.)
    const stored = Object.values(world.propertiesOf(ALICE).getProperties()).join('\n');
    expect(stored).toContain(json.conferenceId);

    const service = world.services(ALICE).ConferenceDataService;
    const badPhone = service
      .newConferenceDataBuilder()
      .setConferenceSolutionId('conference-sync')
      .setConferenceId('x')
      .addEntryPoint(
        service.newEntryPoint().setEntryPointType(service.EntryPointType.VIDEO).setUri('tel:+1'),
      );
    expect(thrown(() => badPhone.build()).name).toBe('Exception');
  });
});
