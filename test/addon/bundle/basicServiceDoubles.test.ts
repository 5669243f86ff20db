/**
 * The bundle with the plainest service doubles, shaped like the example in the shared toolchain notes: Properties
 * with only getProperty/setProperty/deleteProperty/getProperties (one store for script and user), a
 * ConferenceDataService without enums, jest.fn() everywhere. Apps Script's real services have more, but a local
 * runtime or someone else's test harness may not: the add-on must still create, record and sync.
 */
import { eventKey, UserState } from '../../../src/core/state';
import { API_BASE, API_KEY, loadBundle } from './dist';

const CAL = 'alice@example.com';

function basicGlobals() {
  const store = new Map<string, string>([
    ['CONFERENCE_API_BASE_URL', API_BASE],
    ['CONFERENCE_API_KEY', API_KEY],
  ]);
  const props: Record<string, jest.Mock> = {
    getProperty: jest.fn((k: string) => store.get(k) ?? null),
    setProperty: jest.fn((k: string, v: string) => {
      store.set(k, v);
      return props;
    }),
    deleteProperty: jest.fn((k: string) => {
      store.delete(k);
      return props;
    }),
    getProperties: jest.fn(() => Object.fromEntries(store)),
  };
  const lock = {
    waitLock: jest.fn(),
    tryLock: jest.fn(() => true),
    releaseLock: jest.fn(),
    hasLock: jest.fn(() => true),
  };
  const trigger: any = {};
  for (const m of ['forUserCalendar', 'onEventUpdated']) trigger[m] = jest.fn(() => trigger);
  trigger.create = jest.fn(() => ({ getUniqueId: () => 't1' }));
  const chain = (methods: string[], built: () => unknown) => {
    const o: any = {};
    for (const m of methods) o[m] = jest.fn(() => o);
    o.build = jest.fn(built);
    return o;
  };
  const entryPoints: any[] = [];
  const builder = chain(
    ['setConferenceSolutionId', 'setConferenceId', 'setError', 'setNotes', 'addConferenceParameter'],
    () => ({ built: true }),
  );
  builder.addEntryPoint = jest.fn((ep: unknown) => {
    entryPoints.push(ep);
    return builder;
  });
  const conference = {
    id: 'conf-1',
    calendarId: CAL,
    eventId: 'ev1',
    title: '',
    startTime: null,
    endTime: null,
    startDate: null,
    endDate: null,
    timeZone: null,
    recurrence: [],
    attendees: [],
    joinUrl: 'https://meet.example.com/j/conf-1',
    occurrences: {},
    version: 1,
    createdAt: '2026-11-25T12:00:00Z',
    updatedAt: '2026-11-25T12:00:00Z',
  };
  const globals = {
    console: { log: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() },
    Calendar: {
      Events: {
        list: jest.fn(() => ({ items: [], nextSyncToken: 'sync-1' })),
        get: jest.fn(() => {
          throw new Error('API call to calendar.events.get failed with error: Not Found');
        }),
      },
    },
    PropertiesService: { getScriptProperties: () => props, getUserProperties: () => props },
    LockService: { getScriptLock: () => lock, getUserLock: () => lock },
    ScriptApp: {
      newTrigger: jest.fn(() => trigger),
      getProjectTriggers: jest.fn(() => []),
      deleteTrigger: jest.fn(),
    },
    UrlFetchApp: {
      fetch: jest.fn(() => ({
        getResponseCode: () => 201,
        getHeaders: () => ({ 'Content-Type': 'application/json; charset=utf-8' }),
        getContentText: () => JSON.stringify(conference),
      })),
    },
    ConferenceDataService: {
      newConferenceDataBuilder: jest.fn(() => builder),
      newEntryPoint: jest.fn(() => chain(['setEntryPointType', 'setUri', 'setPin'], () => ({}))),
      newConferenceParameter: jest.fn(() => chain(['setKey', 'setValue'], () => ({}))),
      newConferenceError: jest.fn(() =>
        chain(['setConferenceErrorType', 'setAuthenticationUrl'], () => ({})),
      ),
    },
  };
  return { globals, store, builder, entryPoints, trigger };
}

describe('the bundle with basic service doubles', () => {
  it('creates the conference, records it, installs the trigger and stores the first sync token', () => {
    const { globals, store, builder, trigger } = basicGlobals();
    const app = loadBundle(globals);

    const data = app.createConference({ eventData: { calendarId: CAL, eventId: 'ev1' } });

    expect(data).toEqual({ built: true });
    expect(builder.setConferenceId).toHaveBeenCalledWith('conf-1');
    expect(builder.setError).not.toHaveBeenCalled();
    expect(trigger.forUserCalendar).toHaveBeenCalledWith(CAL);
    const state = new UserState(Object.fromEntries(store));
    expect(state.peek(CAL).records.get(eventKey('ev1'))).toMatchObject({
      conferenceId: 'conf-1',
      attached: false,
    });
    expect(state.peek(CAL).token).toBe('sync-1');
  });
});
