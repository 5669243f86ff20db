/**
 * The built bundle loaded by gas-local, as Apps Script would load it, over stand-ins for Calendar, UrlFetchApp
 * (a tiny in-memory conference API), Properties, Lock, ScriptApp and ConferenceDataService: the create → sync →
 * update → delete round trip, and the entry points' promises (never throw, validate input, log one report line).
 */

import { UserState } from '../../../src/core/state';
import {
  apiError,
  type BuiltConferenceData,
  cardTexts,
  googleJsonError,
  httpResponse,
  sampleConference,
} from '../platform/stubs';
import { API_KEY, loadBundle, makeGasGlobals } from './dist';

const CAL = 'alice@example.com';
const NOW = new Date('2026-11-25T12:00:00Z');

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval'] });
});
afterEach(() => {
  jest.useRealTimers();
});

function setup(options?: Parameters<typeof makeGasGlobals>[0]) {
  const world = makeGasGlobals(options);
  return { ...world, app: loadBundle(world.globals) };
}

const calendarEvent = (conferenceId: string, summary: string, attendees: string[] = ['bob@example.com']) => ({
  id: 'ev1',
  status: 'confirmed',
  summary,
  start: { dateTime: '2026-12-01T10:00:00+01:00', timeZone: 'Europe/Paris' },
  end: { dateTime: '2026-12-01T11:00:00+01:00', timeZone: 'Europe/Paris' },
  attendees: [
    { email: 'alice@example.com', responseStatus: 'accepted' },
    ...attendees.map((email) => ({ email, responseStatus: 'needsAction' })),
  ],
  conferenceData: {
    conferenceId,
    conferenceSolution: { key: { type: 'addOn' }, name: 'Conference Sync' },
    entryPoints: [{ entryPointType: 'video', uri: `https://meet.example.com/j/${conferenceId}` }],
  },
});

const requestsOf = (api: ReturnType<typeof setup>['api'], method: string) =>
  api.requests.filter((r) => r.method === method);

/** The add-on's record of a conference in the user's properties (found by its content), if any. */
const recordOf = (userProperties: ReturnType<typeof setup>['userProperties'], conferenceId: string) =>
  [...new UserState(userProperties.getProperties()).peek(CAL).records.values()].find(
    (r) => r.conferenceId === conferenceId,
  );

describe('the bundle under gas-local', () => {
  it('runs a create → sync → update → delete (after the grace period) round trip', () => {
    const { app, api, calendar, scriptApp, fetch, userProperties } = setup();

    // Calendar calls createConference before the event is saved.
    const data = app.createConference({
      eventData: { calendarId: CAL, eventId: 'ev1' },
    }) as BuiltConferenceData;
    expect(data.error).toBeUndefined();
    expect(data.conferenceId).toBe('conf-1');
    expect(data.entryPoints).toEqual([
      { type: 'VIDEO', uri: 'https://meet.example.com/j/conf-1' },
      { type: 'PHONE', uri: 'tel:+15550100', pin: '123456' },
    ]);
    expect(data.parameters).toEqual({ conferenceId: 'conf-1' });
    const create = requestsOf(api, 'POST')[0];
    expect(create.headers).toMatchObject({
      Authorization: `Bearer ${API_KEY}`,
      'Idempotency-Key': expect.any(String),
    });
    expect(fetch.mock.calls[0][1]).toMatchObject({ muteHttpExceptions: true, method: 'post' });
    expect(scriptApp.triggers).toEqual([{ handler: 'syncEvents', sourceId: CAL }]);

    // The user saves the event: the trigger's sync sends the real details.
    calendar.put(CAL, calendarEvent('conf-1', 'Planning'));
    app.syncEvents({ calendarId: CAL, authMode: 'FULL', triggerUid: '4034124084959907503' });
    expect(api.conferences.get('conf-1')).toMatchObject({
      title: 'Planning',
      startTime: '2026-12-01T10:00:00+01:00',
      endTime: '2026-12-01T11:00:00+01:00',
      attendees: expect.arrayContaining(['bob@example.com']),
    });

    // An edit is PATCHed; an RSVP-only change is not.
    calendar.put(CAL, calendarEvent('conf-1', 'Planning (moved)'));
    app.syncEvents({ calendarId: CAL });
    expect(api.conferences.get('conf-1')?.title).toBe('Planning (moved)');
    const patches = requestsOf(api, 'PATCH').length;
    const rsvp = calendarEvent('conf-1', 'Planning (moved)');
    rsvp.attendees[1].responseStatus = 'accepted';
    calendar.put(CAL, rsvp);
    app.syncEvents({ calendarId: CAL });
    expect(requestsOf(api, 'PATCH')).toHaveLength(patches);

    // Deleting the event deletes the conference, once a run after the ten-minute grace period reads it again.
    calendar.remove(CAL, 'ev1');
    app.syncEvents({ calendarId: CAL });
    expect(requestsOf(api, 'DELETE')).toEqual([]);
    expect(api.conferences.has('conf-1')).toBe(true);
    expect(recordOf(userProperties, 'conf-1')).toMatchObject({ pendingDeletion: expect.any(Number) });
    // Before the ten minutes are over, a run still keeps it.
    jest.setSystemTime(Date.now() + 5 * 60 * 1000);
    app.syncEvents({ calendarId: CAL });
    expect(requestsOf(api, 'DELETE')).toEqual([]);
    jest.setSystemTime(Date.now() + 6 * 60 * 1000);
    app.syncEvents({ calendarId: CAL });
    expect(requestsOf(api, 'DELETE').map((r) => r.path)).toEqual(['/v1/conferences/conf-1']);
    expect(api.conferences.size).toBe(0);
    // The record stays as a tombstone, and a later run sends nothing more.
    expect(recordOf(userProperties, 'conf-1')?.deletedAt).toEqual(expect.any(Number));
    app.syncEvents({ calendarId: CAL });
    expect(requestsOf(api, 'DELETE')).toHaveLength(1);
    // The calendar's trigger, and the hourly sweep the pending deletion installed (so it never waits for an edit).
    expect(scriptApp.triggers.map((t) => t.handler)).toEqual(['syncEvents', 'sweepCalendars']);
    expect(scriptApp.created).toBe(2);
  });

  it('a rejected key keeps the change, says so on the card, and lands as soon as the key is fixed', () => {
    const { app, api, calendar, scriptProperties } = setup();
    app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } });
    calendar.put(CAL, calendarEvent('conf-1', 'Planning'));
    app.syncEvents({ calendarId: CAL });
    scriptProperties.setProperty('CONFERENCE_API_KEY', 'sk_revoked_key_0001');
    calendar.put(CAL, calendarEvent('conf-1', 'Planning (moved)'));
    app.syncEvents({ calendarId: CAL });
    expect(api.conferences.get('conf-1')?.title).toBe('Planning');
    const card = cardTexts(app.onHomepage({})).flat().join('\n');
    expect(card).toContain('the conference API rejected the key');
    expect(card).toContain('CONFERENCE_API_KEY');
    expect(card).not.toContain('sk_revoked_key_0001');
    // The administrator puts the right key back: the next trigger sends the change, no waiting for the backoff.
    scriptProperties.setProperty('CONFERENCE_API_KEY', API_KEY);
    app.syncEvents({ calendarId: CAL });
    expect(api.conferences.get('conf-1')?.title).toBe('Planning (moved)');
  });

  it('createConference syncs first only on a calendar that has no sync token yet', () => {
    const { app, calendarService } = setup();
    app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } });
    expect(calendarService.listCalls).toHaveLength(1);
    // The calendar is being synced already: the user waiting in Calendar's editor is not kept for a sync.
    app.createConference({ eventData: { calendarId: CAL, eventId: 'ev2' } });
    expect(calendarService.listCalls).toHaveLength(1);
  });

  it("never touches the conference from an attendee's copy of the event", () => {
    // Bob runs the add-on too; his calendar holds a copy of Alice's event with Alice's conference on it.
    const bob = setup();
    bob.app.initializeSyncing('bob@example.com');
    // Calendar marks an attendee's copy: the organizer is someone else (no `self`).
    const copy = { ...calendarEvent('conf-1', 'Planning', ['bob@example.com', 'carol@example.com']) };
    bob.calendar.put('bob@example.com', { ...copy, organizer: { email: CAL } });
    bob.app.syncEvents({ calendarId: 'bob@example.com' });
    bob.calendar.remove('bob@example.com', 'ev1');
    bob.app.syncEvents({ calendarId: 'bob@example.com' });
    expect(bob.fetch).not.toHaveBeenCalled();
  });

  it('keeps one conference per event when Calendar repeats createConference', () => {
    const { app, api, scriptApp } = setup();
    const first = app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } });
    const second = app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } });
    expect(second.conferenceId).toBe(first.conferenceId);
    expect(api.conferences.size).toBe(1);
    expect(scriptApp.created).toBe(1);
  });

  it('stores the sync token per calendar in user properties after the first sync', () => {
    const { app, userProperties } = setup();
    app.initializeSyncing(CAL);
    expect(new UserState(userProperties.getProperties()).peek(CAL).token).toEqual(expect.any(String));
  });

  it('logs each sync report as one JSON line', () => {
    const { app, console } = setup();
    app.syncEvents({ calendarId: CAL });
    const line = console.lines.find((l) => l.text.startsWith('syncEvents: report '));
    expect(line?.level).toBe('log');
    expect(JSON.parse(line?.text.slice('syncEvents: report '.length) ?? '')).toMatchObject({
      calendarId: CAL,
    });
  });
});

describe('createConference never throws', () => {
  it('returns a PERMANENT ConferenceError for a refused base URL, without calling out or logging the key', () => {
    const { app, fetch, console } = setup({ baseUrl: 'http://localhost.example.com/' });
    const data = app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } });
    expect(data).toMatchObject({ error: 'PERMANENT', conferenceSolutionId: 'conference-sync' });
    expect(fetch).not.toHaveBeenCalled();
    expect(console.text()).toContain('CONFERENCE_API_BASE_URL');
    expect(console.text()).not.toContain(API_KEY);
  });

  it('returns a PERMANENT ConferenceError for a base URL outside the allowlist it was built with, saying how to fix it', () => {
    // dist/ is built without CONFERENCE_API_BASE_URL: its allowlist is the placeholder https://conference.example.com/.
    const { app, fetch, console } = setup({ baseUrl: 'https://conf.other-vendor.example/api' });
    const data = app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } });
    expect(data).toMatchObject({ error: 'PERMANENT' });
    expect(fetch).not.toHaveBeenCalled();
    expect(console.text()).toContain('not covered by the add-on');
    // The rebuild step is named; of the URL only scheme and host are shown (a path or query could hold the key).
    expect(console.text()).toContain('https://conf.other-vendor.example/…');
    expect(console.text()).toContain('npm run build');
    expect(console.text()).not.toContain('/api');
  });

  it('returns a PERMANENT ConferenceError when the key is rejected (401), with the key in no log line', () => {
    const { app, console } = setup({ apiKey: 'sk_wrong_key_99' });
    expect(app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } }).error).toBe('PERMANENT');
    expect(console.text()).not.toContain('sk_wrong_key_99');
  });

  it('returns a PERMANENT ConferenceError when the key is not configured', () => {
    const { app } = setup({ apiKey: null });
    expect(app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } }).error).toBe('PERMANENT');
  });

  it('returns a TEMPORARY ConferenceError when the provider is unavailable', () => {
    const { app, api } = setup();
    api.failNext(...Array.from({ length: 5 }, () => apiError(503, 'UNAVAILABLE', 'down')));
    expect(app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } }).error).toBe('TEMPORARY');
  });

  it('returns a PERMANENT ConferenceError when the Calendar advanced service is not enabled', () => {
    const world = makeGasGlobals();
    const { Calendar: _disabled, ...withoutCalendar } = world.globals;
    const app = loadBundle(withoutCalendar);
    expect(app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } }).error).toBe('PERMANENT');
    expect(world.console.text()).toContain('Calendar advanced service');
  });

  it('returns a PERMANENT ConferenceError when Calendar would refuse the built data (join URL too long)', () => {
    const { app, api } = setup();
    api.failNext(
      httpResponse(
        201,
        sampleConference({ id: 'c-7', joinUrl: `https://meet.example.com/${'x'.repeat(1300)}` }),
      ),
    );
    expect(app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } }).error).toBe('PERMANENT');
  });

  it('still returns the conference when syncing cannot be initialised (trigger quota)', () => {
    const { app, scriptApp, console } = setup();
    scriptApp.newTrigger = () => {
      throw new Error(
        'This script has too many triggers. Triggers must be deleted from the script before more can be added.',
      );
    };
    const data = app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } });
    expect(data).toMatchObject({ conferenceId: 'conf-1' });
    expect(data.error).toBeUndefined();
    expect(console.text()).toContain('could not initialise syncing');
  });

  it('returns a PERMANENT ConferenceError for an argument without event data', () => {
    const { app, fetch } = setup();
    expect(app.createConference(undefined).error).toBe('PERMANENT');
    expect(app.createConference({ eventData: { calendarId: CAL } }).error).toBe('PERMANENT');
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('sweepCalendars (the hourly safety net)', () => {
  it('syncs every calendar this user syncs, catching a change whose trigger never fired', () => {
    const { app, api, calendar, calendarService } = setup();
    const data = app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } });
    calendar.put(CAL, calendarEvent(data.conferenceId, 'Planning'));
    app.initializeSyncing('team@group.calendar.google.com');
    const listsBefore = calendarService.listCalls.length;

    // No trigger fires for the saved event; the sweep finds it anyway.
    app.sweepCalendars();

    expect(calendarService.listCalls.length - listsBefore).toBe(2);
    expect(api.conferences.get(data.conferenceId)?.title).toBe('Planning');
  });
});

describe('the hourly sweep trigger', () => {
  it('is installed, once, when a sync leaves a retry waiting, and never for a sync that finished its work', () => {
    const { app, api, calendar, scriptApp } = setup();
    const data = app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } });
    calendar.put(CAL, calendarEvent(data.conferenceId, 'Planning'));
    app.syncEvents({ calendarId: CAL });
    expect(scriptApp.triggers.map((t) => t.handler)).toEqual(['syncEvents']);

    // The provider is down for the next change: a retry waits, and it must not wait for another edit.
    api.failNext(httpResponse(503, { error: { code: 'UNAVAILABLE', message: 'down' } }));
    calendar.put(CAL, calendarEvent(data.conferenceId, 'Planning (moved)'));
    app.syncEvents({ calendarId: CAL });
    api.failNext(httpResponse(503, { error: { code: 'UNAVAILABLE', message: 'down' } }));
    calendar.put(CAL, calendarEvent(data.conferenceId, 'Planning (moved again)'));
    app.syncEvents({ calendarId: CAL });

    expect(scriptApp.triggers).toEqual([
      { handler: 'syncEvents', sourceId: CAL },
      { handler: 'sweepCalendars', sourceId: null, everyHours: 1 },
    ]);
  });
});

describe('the hourly sweep trigger after a failed sync', () => {
  it('is installed when a sync fails outright, so the calendar is tried again even if it never changes', () => {
    const { app, calendarService, scriptApp } = setup();
    app.initializeSyncing(CAL);
    calendarService.throwOnNextList(googleJsonError('list', 404, 'notFound', 'Not Found'));
    expect(() => app.syncEvents({ calendarId: CAL })).toThrow('Not Found');
    expect(scriptApp.triggers.map((t) => t.handler)).toEqual(['syncEvents', 'sweepCalendars']);
  });
});

describe('syncEvents', () => {
  it('logs an error and returns for a trigger event without calendarId', () => {
    const { app, calendarService, console } = setup();
    expect(app.syncEvents({ authMode: 'FULL' })).toBeUndefined();
    expect(app.syncEvents(undefined)).toBeUndefined();
    expect(calendarService.listCalls).toEqual([]);
    expect(console.lines.filter((l) => l.level === 'error')).toHaveLength(2);
  });

  it('hands its change over to the sync holding the lock, which then syncs again', () => {
    const { app, calendarService, lock, console, userProperties } = setup();
    lock.busy = true;
    expect(app.syncEvents({ calendarId: CAL })).toBeUndefined();
    expect(calendarService.listCalls).toEqual([]);
    expect(console.text()).toContain('it syncs again for this change');
    // The request stays for the lock holder: the next run that gets the lock syncs once for it.
    expect(userProperties.getKeys()).toContain(`sync.rerun:${encodeURIComponent(CAL)}`);
    lock.busy = false;
    expect(app.syncEvents({ calendarId: CAL })?.tokenStored).toBe(true);
    expect(calendarService.listCalls).toHaveLength(1);
    expect(new UserState(userProperties.getProperties()).pendingReruns()).toEqual([]);
  });
});

describe('onHomepage', () => {
  it('shows the calendar and its conference after one was created', () => {
    const { app } = setup();
    app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } });
    const texts = cardTexts(app.onHomepage({ commonEventObject: { hostApp: 'CALENDAR' } }));
    expect(texts).toEqual([
      ['Storage', expect.stringMatching(/^State store: \d+ % full/)],
      [CAL, expect.stringContaining('Conferences looked after: 1')],
    ]);
  });

  it('shows a configuration problem without the key', () => {
    const { app } = setup({ baseUrl: 'http://conf.example.com/' });
    const texts = cardTexts(app.onHomepage({}));
    expect(texts[0]).toEqual(['Configuration', expect.stringContaining('CONFERENCE_API_BASE_URL')]);
    expect(JSON.stringify(texts)).not.toContain(API_KEY);
  });
});

describe('a full property store at the hourly sweep', () => {
  it('loses no change and leaves no orphan: the sweep finishes, the token stays, the card warns, and the change lands once there is room', () => {
    const { app, api, calendar, userProperties } = setup();
    const data = app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } });
    calendar.put(CAL, calendarEvent(data.conferenceId, 'Planning'));
    app.syncEvents({ calendarId: CAL });
    const tokenBefore = new UserState(userProperties.getProperties()).peek(CAL).token;

    // The store is full to within a few bytes of its 500 KB.
    const used = Object.entries(userProperties.getProperties()).reduce(
      (n, [k, v]) => n + k.length + v.length,
      0,
    );
    let room = 500 * 1024 - used - 5;
    for (let n = 0; room > 0; n++) {
      const size = Math.min(7900, room - `filler-${n}`.length);
      userProperties.setProperty(`filler-${n}`, 'x'.repeat(Math.max(1, size)));
      room -= Math.max(1, size) + `filler-${n}`.length;
    }
    // The event is deleted: the record that notes the pending deletion (with the event id) is larger.
    calendar.remove(CAL, 'ev1');

    expect(() => app.sweepCalendars()).not.toThrow();

    expect(new UserState(userProperties.getProperties()).peek(CAL).token).toBe(tokenBefore);
    const card = cardTexts(app.onHomepage({})).flat().join('\n');
    expect(card).toMatch(/State store: 100 % full/);
    expect(card).toContain('<b>Warning:</b>');
    expect(api.conferences.size).toBe(1);

    // Room again: the next sweep lists the same change; past the grace period the conference goes, once.
    for (const key of userProperties.getKeys().filter((k: string) => k.startsWith('filler-')))
      userProperties.deleteProperty(key);
    app.sweepCalendars();
    expect(api.conferences.size).toBe(1);
    expect(requestsOf(api, 'DELETE')).toEqual([]);
    jest.setSystemTime(Date.now() + 11 * 60 * 1000);
    app.sweepCalendars();
    expect(api.conferences.size).toBe(0);
    expect(requestsOf(api, 'DELETE')).toHaveLength(1);
    expect(recordOf(userProperties, data.conferenceId)?.deletedAt).toEqual(expect.any(Number));
    expect(new UserState(userProperties.getProperties()).peek(CAL).token).not.toBe(tokenBefore);
    expect(cardTexts(app.onHomepage({})).flat().join('\n')).not.toContain('store full');
  });
});
