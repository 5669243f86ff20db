/**
 * The local Apps Script runtime's promises, on small hand-written bundles and an in-process Calendar engine:
 * one fresh context per execution, state only through the services, errors that name what is not modelled,
 * time limits, triggers (limit, time-driven on the virtual clock), properties (limits, verbatim errors,
 * persistence), locks across overlapping executions, CardService rendering, caches, logs and statistics.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppsScriptRuntime,
  MAX_PROPERTY_VALUE_BYTES,
  MAX_TRIGGERS_PER_USER,
  NotModelledError,
  VirtualClock,
} from '../../local/apps-script-runtime';
import { CalendarEngine } from '../../local/calendar-emulator/engine';
import { bundle, CALENDAR_MANIFEST, thrown } from './helpers';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

const runtimes: AppsScriptRuntime[] = [];
function runtimeFor(code: string, options: Partial<ConstructorParameters<typeof AppsScriptRuntime>[0]> = {}) {
  const clock = new VirtualClock(Date.parse('2026-11-25T12:00:00Z'));
  const engine = new CalendarEngine({ now: clock.now, secret: 'runtime-test', defaultTimeZone: 'UTC' });
  const runtime = new AppsScriptRuntime({ distDir: bundle(code), calendar: { engine }, clock, ...options });
  runtimes.push(runtime);
  return { runtime, clock, engine };
}
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

describe('executions', () => {
  it('load the bundle into a fresh global scope each time; only the services carry state', () => {
    const { runtime } = runtimeFor(`
      var calls = 0;
      function bump() { calls++; return calls; }
      function remember(v) { PropertiesService.getUserProperties().setProperty('v', v); }
      function recall() { return PropertiesService.getUserProperties().getProperty('v'); }
      function me() { return Session.getActiveUser().getEmail(); }`);
    expect([runtime.call(ALICE, 'bump'), runtime.call(ALICE, 'bump')]).toEqual([1, 1]);
    runtime.call(ALICE, 'remember', ['for alice']);
    expect(runtime.call(ALICE, 'recall')).toBe('for alice');
    expect(runtime.call(BOB, 'recall')).toBeNull();
    expect(runtime.call(BOB, 'me')).toBe(BOB);
  });

  it("read the runtime's clock through the script's Date", () => {
    const { runtime, clock } = runtimeFor(
      'function now() { return [new Date().toISOString(), Date.now()]; }',
    );
    clock.advance(90_000);
    expect(runtime.call(ALICE, 'now')).toEqual([
      '2026-11-25T12:01:30.000Z',
      Date.parse('2026-11-25T12:01:30Z'),
    ]);
  });

  it('fail with an error naming a global or member the runtime does not model', () => {
    const { runtime } = runtimeFor(`
      function sheet() { return SpreadsheetApp.getActiveSpreadsheet(); }
      function member() { return UrlFetchApp.fetchAsync('http://127.0.0.1/'); }
      function builder() { return CardService.newTextButton().setIcon('BOOKMARK'); }
      function lockMember() { return LockService.getUserLock().tryLockForever(); }`);
    const global = thrown(() => runtime.call(ALICE, 'sheet'));
    expect(global).toBeInstanceOf(NotModelledError);
    expect(global.message).toBe(
      'SpreadsheetApp is not modelled by the local Apps Script runtime (local/apps-script-runtime)',
    );
    expect(thrown(() => runtime.call(ALICE, 'member')).message).toMatch(
      /^UrlFetchApp\.fetchAsync is not modelled/,
    );
    expect(thrown(() => runtime.call(ALICE, 'builder')).message).toMatch(
      /^CardService\.TextButton\.setIcon is not modelled/,
    );
    expect(thrown(() => runtime.call(ALICE, 'lockMember')).message).toMatch(
      /^Lock\.tryLockForever is not modelled/,
    );
  });

  it('have no Calendar when the manifest does not enable the advanced service', async () => {
    const runtime = new AppsScriptRuntime({
      distDir: bundle('function list() { return Calendar.Events.list("primary"); }', {
        ...CALENDAR_MANIFEST,
        dependencies: {},
      }),
      calendar: { engine: new CalendarEngine({ secret: 's' }) },
    });
    runtimes.push(runtime);
    expect(thrown(() => runtime.call(ALICE, 'list')).message).toBe('Calendar is not defined');
  });

  it('die with "Exceeded maximum execution time" past the limit: a busy loop, and a loop of service calls', () => {
    const { runtime } = runtimeFor(
      `function spin() { for (;;) {} }
       function nap() { for (var i = 0; ; i++) { Utilities.sleep(60000); PropertiesService.getUserProperties().setProperty('naps', String(i + 1)); } }`,
      { limits: { callbackMs: 300, triggerMs: 6 * 60_000 } },
    );
    const started = Date.now();
    const busy = thrown(() => runtime.call(ALICE, 'spin'));
    expect(busy).toMatchObject({ name: 'Exception', message: 'Exceeded maximum execution time' });
    expect(Date.now() - started).toBeLessThan(5000);
    // On the virtual clock a trigger sleeps six minutes of runtime time in no real time, then dies.
    expect(thrown(() => runtime.call(ALICE, 'nap', [], { kind: 'trigger' })).message).toBe(
      'Exceeded maximum execution time',
    );
    // Five naps fit; the sixth ends past six minutes (plus the real time spent), so its write never happens.
    expect(runtime.userPropertiesOf(ALICE).data.get('naps')).toBe('5');
    expect(runtime.executions.at(-1)).toMatchObject({
      kind: 'trigger',
      error: 'Exception: Exceeded maximum execution time',
    });
  });

  it('capture console and Logger per execution, and count service calls by method', () => {
    const { runtime } = runtimeFor(`
      function work() {
        console.log('%s has %d', 'alice', 2);
        Logger.log({ a: 1 });
        var p = PropertiesService.getUserProperties();
        p.setProperties({ a: '1', b: '2' });
        p.getProperties();
        p.getProperty('a');
        var lock = LockService.getUserLock();
        lock.tryLock(1000);
        lock.releaseLock();
        Calendar.Events.list('alice@example.com');
        CacheService.getUserCache().put('k', 'v');
      }`);
    runtime.call(ALICE, 'work');
    const record = runtime.executions.at(-1)!;
    expect(record.logs.map((l) => [l.level, l.text])).toEqual([
      ['log', 'alice has 2'],
      ['info', '{"a":1}'],
    ]);
    expect(record.stats).toEqual({
      calendar: { list: 1 },
      fetch: 0,
      fetchAll: [],
      properties: { setProperties: 1, getProperties: 1, getProperty: 1 },
      lock: { tryLock: 1, releaseLock: 1 },
      cache: { put: 1 },
    });
  });
});

describe('PropertiesService', () => {
  it('keeps the limits, with the verbatim errors, and leaves the store unchanged when a write fails', () => {
    const { runtime } = runtimeFor(`
      function big() { PropertiesService.getUserProperties().setProperty('big', new Array(${MAX_PROPERTY_VALUE_BYTES + 2}).join('x')); }
      function fill() {
        var p = PropertiesService.getUserProperties();
        p.setProperty('keep', 'me');
        var chunk = new Array(9000).join('y');
        var batch = {};
        for (var i = 0; i < 60; i++) batch['k' + i] = chunk;
        p.setProperties(batch);
      }
      function replaceAll() { PropertiesService.getUserProperties().setProperties({ only: 'this' }, true); }`);
    expect(thrown(() => runtime.call(ALICE, 'big'))).toMatchObject({
      name: 'Exception',
      message: 'Argument too large: value',
    });
    expect(thrown(() => runtime.call(ALICE, 'fill')).message).toBe(
      'You have exceeded the property storage quota. Please remove some properties and try again.',
    );
    expect(Object.fromEntries(runtime.userPropertiesOf(ALICE).data)).toEqual({ keep: 'me' });
    runtime.call(ALICE, 'replaceAll');
    expect(Object.fromEntries(runtime.userPropertiesOf(ALICE).data)).toEqual({ only: 'this' });
  });

  it('persists properties and triggers to the state file, and a new runtime starts from it', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'runtime-state-')), 'state.json');
    const code = `
      function install() { PropertiesService.getUserProperties().setProperty('x', '1'); ScriptApp.newTrigger('sync').forUserCalendar('alice@example.com').onEventUpdated().create(); }
      function read() { return [PropertiesService.getUserProperties().getProperty('x'), ScriptApp.getProjectTriggers().length]; }`;
    const dir = bundle(code);
    const first = new AppsScriptRuntime({
      distDir: dir,
      calendar: { engine: new CalendarEngine({ secret: 's' }) },
      stateFile,
    });
    first.call(ALICE, 'install');
    await first.close();
    expect(existsSync(stateFile)).toBe(true);
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).userProperties[ALICE]).toEqual({ x: '1' });
    const second = new AppsScriptRuntime({
      distDir: dir,
      calendar: { engine: new CalendarEngine({ secret: 's' }) },
      stateFile,
    });
    runtimes.push(second);
    expect(second.call(ALICE, 'read')).toEqual(['1', 1]);
  });
});

describe('ScriptApp triggers', () => {
  it('refuses a 21st trigger of one user with the verbatim message; other users have their own 20', () => {
    const { runtime } = runtimeFor(`
      function add(n) { for (var i = 0; i < n; i++) ScriptApp.newTrigger('sync').forUserCalendar('c' + i + '@example.com').onEventUpdated().create(); }`);
    runtime.call(ALICE, 'add', [MAX_TRIGGERS_PER_USER]);
    expect(thrown(() => runtime.call(ALICE, 'add', [1])).message).toBe(
      'This script has too many triggers. Triggers must be deleted from the script before more can be added.',
    );
    runtime.call(BOB, 'add', [1]);
    expect(runtime.triggers(ALICE)).toHaveLength(20);
    expect(runtime.triggers(BOB)).toHaveLength(1);
  });

  it('fires EventUpdated triggers with the event object and nothing more, as their creator', () => {
    const { runtime } = runtimeFor(`
      function install() { ScriptApp.newTrigger('onUpdate').forUserCalendar('alice@example.com').onEventUpdated().create(); }
      function onUpdate(e) { PropertiesService.getScriptProperties().setProperty('seen', Session.getEffectiveUser().getEmail() + ' ' + JSON.stringify(e)); }`);
    runtime.call(ALICE, 'install');
    runtime.fireEventUpdated(ALICE);
    const uid = runtime.triggers(ALICE)[0].uid;
    expect(runtime.scriptProperties.data.get('seen')).toBe(
      `${ALICE} {"calendarId":"${ALICE}","authMode":"FULL","triggerUid":"${uid}"}`,
    );
  });

  it('runs time-driven triggers on the virtual clock, and refuses add-on triggers more often than hourly', () => {
    const { runtime } = runtimeFor(`
      function install() { ScriptApp.newTrigger('tick').timeBased().everyHours(1).create(); }
      function often() { ScriptApp.newTrigger('tick').timeBased().everyMinutes(5).create(); }
      function tick(e) { var p = PropertiesService.getScriptProperties(); p.setProperty('ticks', (p.getProperty('ticks') || '') + e.hour + ':' + e.minute + ' '); }`);
    runtime.call(ALICE, 'install');
    expect(runtime.advance(3.5 * 60 * 60_000)).toBe(3);
    expect(runtime.scriptProperties.data.get('ticks')).toBe('13:0 14:0 15:0 ');
    expect(thrown(() => runtime.call(ALICE, 'often')).message).toMatch(/once per hour.*placeholder/);
  });
});

describe('LockService', () => {
  it('is shared by overlapping executions: a second execution of the same user cannot take the held lock', () => {
    const { runtime } = runtimeFor(`
      function hold() {
        var lock = LockService.getUserLock();
        lock.waitLock(1000);
        try { UrlFetchApp.fetch('https://conference.example.com/'); } catch (e) {}
        return lock.hasLock();
      }
      function attempt() { return LockService.getUserLock().tryLock(1000); }`);
    const during: boolean[] = [];
    runtime.onFetch = () => {
      during.push(runtime.call(ALICE, 'attempt'), runtime.call(BOB, 'attempt'));
    };
    expect(runtime.call(ALICE, 'hold')).toBe(true);
    runtime.onFetch = undefined;
    expect(during).toEqual([false, true]);
    // Released when the holding execution ended.
    expect(runtime.call(ALICE, 'attempt')).toBe(true);
  });
});

describe('CardService', () => {
  it('renders the homepage card to JSON and to HTML that keeps only the allowed formatting', () => {
    const { runtime } = runtimeFor(`
      function home() {
        return CardService.newCardBuilder()
          .setHeader(CardService.newCardHeader().setTitle('Status <b>x</b>').setSubtitle('sub'))
          .addSection(CardService.newCardSection().setHeader('Calendar')
            .addWidget(CardService.newTextParagraph().setText('<b>bold</b> <script>alert(1)</script><br><a href="javascript:x">link</a>'))
            .addWidget(CardService.newTextButton().setText('Sync now').setOnClickAction(CardService.newAction().setFunctionName('syncNow').setParameters({ id: 'a' }))))
          .build();
      }
      function empty() { return CardService.newCardBuilder().build(); }`);
    const { json, html } = runtime.homepage(ALICE);
    expect(json).toEqual({
      header: { title: 'Status <b>x</b>', subtitle: 'sub' },
      sections: [
        {
          header: 'Calendar',
          widgets: [
            {
              textParagraph: {
                text: '<b>bold</b> <script>alert(1)</script><br><a href="javascript:x">link</a>',
              },
            },
            {
              buttonList: {
                buttons: [
                  {
                    text: 'Sync now',
                    onClick: { action: { function: 'syncNow', parameters: [{ key: 'id', value: 'a' }] } },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(html).toContain('<div class="card-title">Status &lt;b&gt;x&lt;/b&gt;</div>');
    expect(html).toContain('<b>bold</b> &lt;script&gt;alert(1)&lt;/script&gt;<br><a>link</a>');
    expect(html).toContain('data-function="syncNow"');
    expect(thrown(() => runtime.call(ALICE, 'empty')).message).toMatch(/at least one section/);
  });
});

describe('Utilities', () => {
  it("gives the reference's documented results: signed digests, base64 (web-safe keeps padding), Java date patterns", () => {
    const { runtime } = runtimeFor(`
      function utils() {
        return {
          md5: Utilities.computeDigest(Utilities.DigestAlgorithm.MD5, 'input to hash'),
          b64: Utilities.base64Encode('A string here'),
          webSafe: Utilities.base64EncodeWebSafe('Google グループ'),
          decoded: Utilities.base64Decode('QSBzdHJpbmcgaGVyZQ==').length,
          date: Utilities.formatDate(new Date(Date.UTC(2026, 0, 5, 7, 8, 9)), 'GMT', "yyyy-MM-dd'T'HH:mm:ss'Z'"),
          paris: Utilities.formatDate(new Date(Date.UTC(2026, 0, 5, 7, 8, 9)), 'Europe/Paris', 'EEE d MMM yyyy HH:mm'),
        };
      }
      function tooLong() { Utilities.sleep(300001); }`);
    expect(runtime.call(ALICE, 'utils')).toEqual({
      md5: [-16, -20, -112, 64, -50, -47, -118, 102, -113, 70, -112, 94, -34, -49, 117, -103],
      b64: 'QSBzdHJpbmcgaGVyZQ==',
      webSafe: 'R29vZ2xlIOOCsOODq-ODvOODlw==',
      decoded: 13,
      date: '2026-01-05T07:08:09Z',
      paris: 'Mon 5 Jan 2026 08:08',
    });
    expect(thrown(() => runtime.call(ALICE, 'tooLong')).message).toMatch(/300000.*placeholder/);
  });
});

describe('CacheService', () => {
  it('expires values on the runtime clock and keeps the documented limits', () => {
    const { runtime, clock } = runtimeFor(`
      function put() { CacheService.getScriptCache().put('k', 'v', 60); }
      function get() { return CacheService.getScriptCache().get('k'); }
      function tooBig() { CacheService.getUserCache().put('k', new Array(102402).join('x')); }
      function noKey() { CacheService.getUserCache().put('', 'v'); }`);
    runtime.call(ALICE, 'put');
    expect(runtime.call(BOB, 'get')).toBe('v');
    clock.advance(61_000);
    expect(runtime.call(BOB, 'get')).toBeNull();
    expect(thrown(() => runtime.call(ALICE, 'tooBig')).message).toBe('Argument too large: value');
    expect(thrown(() => runtime.call(ALICE, 'noKey')).message).toBe('Invalid argument: key');
  });
});
