/**
 * Shared access to the built add-on for the bundle tests: the paths, the files (with a clear message when the
 * build has not run), and gas-local loading with fresh Apps Script stand-ins per test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as gas from 'gas-local';
import { FakeCalendar } from '../fakes/FakeCalendar';
import {
  CalendarServiceStub,
  ConferenceApiStub,
  ConsoleStub,
  cardServiceStub,
  conferenceDataServiceStub,
  LockServiceStub,
  PropertiesStub,
  ScriptAppStub,
} from '../platform/stubs';

export const ROOT = join(__dirname, '..', '..', '..');
export const DIST = join(ROOT, 'dist');

export function readDist(file: 'Code.js' | 'appsscript.json'): string {
  const path = join(DIST, file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` (npm test does) first`);
  return readFileSync(path, 'utf8');
}

/**
 * A base URL inside the allowlist dist/ was built with (the placeholder, or whatever CONFERENCE_API_BASE_URL the
 * build was given), so these tests pass however `npm test` was run, e.g. inside `npm run deploy`.
 */
export const API_BASE = `${JSON.parse(readDist('appsscript.json')).urlFetchWhitelist[0]}api/`;
export const API_KEY = 'sk_test_bundle_4f1e2d3c';

/** Fresh stand-ins for every service the bundle names, plus handles for assertions. */
export function makeGasGlobals(options: { baseUrl?: string; apiKey?: string | null } = {}) {
  const calendar = new FakeCalendar();
  const calendarService = new CalendarServiceStub(calendar);
  const api = new ConferenceApiStub(API_BASE, API_KEY);
  const scriptProperties = new PropertiesStub();
  const userProperties = new PropertiesStub();
  scriptProperties.setProperty('CONFERENCE_API_BASE_URL', options.baseUrl ?? API_BASE);
  if (options.apiKey !== null) scriptProperties.setProperty('CONFERENCE_API_KEY', options.apiKey ?? API_KEY);
  const lock = new LockServiceStub();
  const scriptApp = new ScriptAppStub();
  const console = new ConsoleStub();
  const fetch = jest.fn(api.fetch);
  const globals = {
    Calendar: calendarService,
    UrlFetchApp: { fetch },
    PropertiesService: {
      getScriptProperties: () => scriptProperties,
      getUserProperties: () => userProperties,
    },
    LockService: lock,
    ScriptApp: scriptApp,
    ConferenceDataService: conferenceDataServiceStub(),
    CardService: cardServiceStub(),
    console,
    // The bundle's `new Date()` reads the test's (possibly faked) clock only when Date is passed in.
    Date,
  };
  return {
    globals,
    calendar,
    calendarService,
    api,
    fetch,
    scriptProperties,
    userProperties,
    lock,
    scriptApp,
    console,
  };
}

/** Loads dist/Code.js into the given globals, as Apps Script would: one classic script in an empty scope. */
export function loadBundle(globals: Record<string, unknown>): Record<string, any> {
  return gas.require(DIST, globals, { filter: (f) => f.endsWith('Code.js') });
}
