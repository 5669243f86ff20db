/**
 * The add-on's one entry file and composition root. Its exports become the bundle's global functions, called by
 * Apps Script by name: `createConference` (the manifest's onCreateFunction), `syncEvents` (the calendar's
 * EventUpdated trigger), `initializeSyncing`, `sweepCalendars` (the hourly safety-net trigger) and `onHomepage`
 * (the manifest's homepage trigger: a status card). Here configuration is read, the Apps Script adapters are
 * built and the pure core is called; nothing else in src/ outside src/platform names an Apps Script global.
 */
import type { Conference } from '../contracts/conference-api';
import { shortHash } from './core/conferenceFields';
import { createConferenceForEvent } from './core/createConference';
import { CalendarApiError, ProviderConfigError, ProviderError } from './core/errors';
import type { SyncReport } from './core/model';
import type { SyncPorts } from './core/ports';
import { runSerializedSync } from './core/serializedSync';
import { UserState } from './core/state';
import { syncCalendar } from './core/syncCalendar';
import { builtUrlFetchWhitelist } from './platform/buildInfo';
import { AppsScriptCalendarPort } from './platform/calendarPort';
import { AppsScriptClock } from './platform/clock';
import {
  buildConferenceData,
  buildConferenceError,
  type ConferenceErrorKind,
} from './platform/conferenceData';
import { AppsScriptLock } from './platform/lock';
import { ConsoleLog, describeError } from './platform/log';
import { UserPropertiesPort, UserPropertiesRerunRequests } from './platform/stateStore';
import { buildStatusCard, collectStatus } from './platform/statusCard';
import { ensureEventUpdatedTrigger, ensureHourlySweepTrigger } from './platform/triggers';
import { UrlFetchHttpTransport } from './platform/urlFetchTransport';
import {
  API_KEY_PROPERTY,
  BASE_URL_PROPERTY,
  type ProviderConfig,
  readProviderConfig,
  readWaveWidth,
  secretValues,
} from './provider/config';
import { ReferenceConferenceProvider } from './provider/referenceProvider';

/** How long a triggered sync waits for this user's running sync before handing its request over to it. */
const SYNC_LOCK_WAIT_MS = 30 * 1000;
/**
 * createConference runs inside Calendar's UI (30 s add-on limit): it waits only briefly for a running sync, which
 * then syncs again on its behalf.
 */
const CREATE_LOCK_WAIT_MS = 3 * 1000;
/** Syncs one lock holding may run back to back for requests that arrived meanwhile. */
const MAX_SYNCS_PER_LOCK = 3;
/** The hourly sweep starts no new calendar after this long (a trigger run ends at six minutes). */
const SWEEP_BUDGET_MS = 2 * 60 * 1000;

/** The argument Calendar passes to an onCreateFunction (not typed by @types/google-apps-script). */
export interface CreateConferenceArg {
  eventData?: { calendarId?: unknown; eventId?: unknown };
}

/** The EventUpdated trigger's event object, or `{ calendarId }` from initializeSyncing. */
export interface SyncEventsArg {
  calendarId?: unknown;
}

/**
 * Calendar's onCreateFunction. Creates the conference through the core and returns the built ConferenceData, or a
 * ConferenceError: TEMPORARY when trying again later can help, PERMANENT otherwise. Never throws.
 */
export function createConference(arg: CreateConferenceArg): GoogleAppsScript.Conference_Data.ConferenceData {
  const script = readScriptProperties();
  const log = makeLog(script);
  const calendarId = nonEmptyString(arg?.eventData?.calendarId);
  const eventId = nonEmptyString(arg?.eventData?.eventId);
  let conference: Conference;
  try {
    if (calendarId === undefined || eventId === undefined) {
      log.error('createConference: called without eventData.calendarId and eventData.eventId');
      return conferenceErrorOrNothing('PERMANENT', log);
    }
    const result = createConferenceForEvent(buildPorts(log, script), calendarId, eventId);
    if (!result.ok) {
      log.warn('createConference: no conference created', {
        calendarId,
        eventId,
        errorType: result.errorType,
        message: result.message,
      });
      return conferenceErrorOrNothing(result.errorType, log);
    }
    conference = result.conference;
    log.info('createConference: created', { calendarId, eventId, conferenceId: conference.id });
  } catch (e) {
    const kind = conferenceErrorKind(e);
    log.error('createConference failed', { calendarId, eventId, errorType: kind, error: describeError(e) });
    return conferenceErrorOrNothing(kind, log);
  }
  try {
    return buildConferenceData(ConferenceDataService, conference);
  } catch (e) {
    // The conference exists but Calendar cannot take it; the core expires never-attached conferences.
    log.error('createConference: could not build ConferenceData', {
      calendarId,
      conferenceId: conference.id,
      error: describeError(e),
    });
    return conferenceErrorOrNothing('PERMANENT', log);
  } finally {
    try {
      ensureSyncing(calendarId, log, script);
    } catch (e) {
      log.error('createConference: could not initialise syncing', { calendarId, error: describeError(e) });
    }
  }
}

/**
 * The EventUpdated trigger's handler: one sync of `e.calendarId`, serialised per user (core/serializedSync.ts):
 * when another sync holds the lock, this run's request is handed over to it instead of being lost. Returns the
 * last report (also logged as one JSON line), or undefined when there was nothing to do or the run was handed
 * over.
 */
export function syncEvents(e: SyncEventsArg): SyncReport | undefined {
  const script = readScriptProperties();
  const log = makeLog(script);
  const calendarId = nonEmptyString(e?.calendarId);
  if (calendarId === undefined) {
    log.error('syncEvents: called without a calendarId; nothing synced', {
      argument: e === null || typeof e !== 'object' ? typeof e : Object.keys(e),
    });
    return undefined;
  }
  return runSync(calendarId, SYNC_LOCK_WAIT_MS, log, script);
}

/** Makes sure the calendar has this user's EventUpdated trigger, then syncs once to obtain the first token. */
export function initializeSyncing(calendarId: string): SyncReport | undefined {
  const id = nonEmptyString(calendarId);
  if (id === undefined)
    throw new Error("initializeSyncing needs a calendar id (e.g. the user's e-mail address)");
  if (ensureEventUpdatedTrigger(ScriptApp, id))
    makeLog(readScriptProperties()).info('initializeSyncing: trigger created', { calendarId: id });
  return syncEvents({ calendarId: id });
}

/**
 * The hourly time-driven trigger's handler: one sync of every calendar this user syncs. It catches a change whose
 * EventUpdated trigger never fired, and runs parked retries and expiries on calendars that stay quiet. Stops
 * starting new syncs after SWEEP_BUDGET_MS, leaving the rest to the next hour, so the run is never killed.
 */
export function sweepCalendars(): void {
  const script = readScriptProperties();
  const log = makeLog(script);
  const started = Date.now();
  for (const calendarId of readUserState().calendarIds()) {
    if (Date.now() - started > SWEEP_BUDGET_MS) {
      log.warn('sweepCalendars: out of time; the next hour continues', { calendarId });
      return;
    }
    try {
      runSync(calendarId, SYNC_LOCK_WAIT_MS, log, script);
    } catch {
      // Logged by runSync; the other calendars still get their sync.
    }
  }
}

/**
 * The homepage card: this user's calendars with their sync state, conferences, retries and failed events, and a
 * configuration problem if there is one. Shows nothing secret: config errors never carry the key.
 */
export function onHomepage(): GoogleAppsScript.Card_Service.Card {
  let script: Record<string, string> = {};
  let configProblem: string | undefined;
  try {
    script = readScriptProperties();
    readConfig(script);
  } catch (e) {
    configProblem = e instanceof ProviderConfigError ? e.message : 'the configuration could not be read.';
  }
  const log = makeLog(script);
  try {
    const state = readUserState();
    return buildStatusCard(CardService, collectStatus(state), configProblem, state.usage());
  } catch (e) {
    log.error('onHomepage: could not read the status', { error: describeError(e) });
    return buildStatusCard(CardService, [], configProblem ?? 'the status could not be read; see the logs.');
  }
}

/** A request's nonce: unique enough to tell one request from the next (no Apps Script service needed). */
function newNonce(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The Script Properties, read in one call per execution (configuration and the key to redact). */
function readScriptProperties(): Record<string, string> {
  try {
    return PropertiesService.getScriptProperties().getProperties();
  } catch {
    // No properties service (or no authorisation yet): the configuration check says what is missing.
    return {};
  }
}

/** The log, told the API key (when there is one) so that no line can ever carry it. */
function makeLog(script: Record<string, string>): ConsoleLog {
  return new ConsoleLog(
    console,
    secretValues((name) => script[name] ?? null),
  );
}

function runSync(
  calendarId: string,
  lockWaitMs: number,
  log: ConsoleLog,
  script: Record<string, string>,
  followMoves = true,
): SyncReport | undefined {
  try {
    const lock = new AppsScriptLock(LockService);
    const userProperties = PropertiesService.getUserProperties();
    const reruns = new UserPropertiesRerunRequests(userProperties, newNonce);
    const options = { lockWaitMs, maxRunsPerLock: MAX_SYNCS_PER_LOCK };
    const ports = buildPorts(log, script);
    // The state is read under the lock, after the change that asked for it (a record that createConference wrote
    // meanwhile must be seen, or the saved event would look foreign).
    const waveWidth = readWaveWidth((name) => script[name] ?? null);
    const syncOptions = {
      ...(waveWidth === undefined ? {} : { waveWidth }),
      configFingerprint: configFingerprint(script),
    };
    const outcome = runSerializedSync(lock, ports.state, reruns, calendarId, options, (id, state, serves) => {
      const report = syncCalendar(ports, id, syncOptions, { state, serves });
      log.info('syncEvents: report', { ...report });
      return report;
    });
    if (outcome.kind === 'handed-over') {
      log.info('syncEvents: another sync of this user is running; it syncs again for this change', {
        calendarId,
      });
      return undefined;
    }
    if (outcome.capped)
      log.warn('syncEvents: more changes keep arriving; the next trigger continues', { calendarId });
    if (outcome.results.some((run) => leavesWorkPending(run.result))) ensureSweep(log);
    if (followMoves)
      followMovedEvents(
        outcome.results.flatMap((run) => run.result.movedTo),
        log,
        script,
      );
    const own = outcome.results.filter((run) => run.calendarId === calendarId);
    if (own.length === 0) log.info('syncEvents: already covered by the previous sync', { calendarId });
    return own[own.length - 1]?.result;
  } catch (err) {
    // Logged with context, then rethrown so the execution is marked failed in the Apps Script dashboard. The
    // hourly sweep makes sure the calendar is tried again even if it never changes.
    log.error('syncEvents failed', { calendarId, error: describeError(err) });
    ensureSweep(log);
    throw err;
  }
}

/**
 * Events moved to another calendar of this user took their records along: that calendar gets this user's
 * EventUpdated trigger and a sync now, so their next edits there are followed.
 */
function followMovedEvents(calendarIds: string[], log: ConsoleLog, script: Record<string, string>): void {
  for (const calendarId of new Set(calendarIds)) {
    try {
      if (ensureEventUpdatedTrigger(ScriptApp, calendarId))
        log.info('syncEvents: trigger created for the calendar an event moved to', { calendarId });
      runSync(calendarId, SYNC_LOCK_WAIT_MS, log, script, false);
    } catch (e) {
      // Its record is in the state already: the hourly sweep syncs that calendar too.
      log.error('syncEvents: could not start syncing the calendar an event moved to', {
        calendarId,
        error: describeError(e),
      });
    }
  }
}

/**
 * createConference's part of "make sure syncing is initialised": the trigger, and a first sync only when the
 * calendar has no token yet (a calendar that has one is already being synced; the user is waiting meanwhile).
 */
function ensureSyncing(calendarId: string, log: ConsoleLog, script: Record<string, string>): void {
  if (ensureEventUpdatedTrigger(ScriptApp, calendarId))
    log.info('createConference: trigger created', { calendarId });
  const cal = readUserState().peek(calendarId);
  if (cal.token === null && cal.cursor === null) runSync(calendarId, CREATE_LOCK_WAIT_MS, log, script);
}

/**
 * Work left for later (a retry waiting, changes parked, a listing cut short) must not depend on the calendar
 * changing again: the hourly sweep is installed the first time there is some.
 */
function leavesWorkPending(report: SyncReport): boolean {
  return (
    report.deferred > 0 ||
    report.pendingDeletions > 0 ||
    report.incomplete !== undefined ||
    report.failures.some((f) => f.willRetry)
  );
}

/** Best effort: without the hourly sweep, syncing still works through the calendars' own triggers. */
function ensureSweep(log: ConsoleLog): void {
  try {
    if (ensureHourlySweepTrigger(ScriptApp)) log.info('hourly sweep trigger created');
  } catch (e) {
    log.warn('could not create the hourly sweep trigger', { error: describeError(e) });
  }
}

/** This user's sync state, for reading (one Properties call). */
function readUserState(): UserState {
  return new UserState(new UserPropertiesPort(PropertiesService.getUserProperties()).readAll());
}

/**
 * A short digest of the provider configuration, so that a call the API refused for the key is tried again as soon
 * as the administrator changes it. 24 bits of a hash: it tells configurations apart, and cannot give the key back.
 */
function configFingerprint(script: Record<string, string>): string {
  return shortHash(`${script[BASE_URL_PROPERTY] ?? ''}\n${script[API_KEY_PROPERTY] ?? ''}`, 4);
}

/** The provider configuration from Script Properties, checked against the allowlist this bundle was built with. */
function readConfig(script: Record<string, string>): ProviderConfig {
  return readProviderConfig((name) => script[name] ?? null, builtUrlFetchWhitelist());
}

function buildPorts(log: ConsoleLog, script: Record<string, string>): SyncPorts {
  const config = readConfig(script);
  if (typeof Calendar === 'undefined') {
    throw new Error('The Calendar advanced service (v3) is not enabled for this script');
  }
  return {
    calendar: new AppsScriptCalendarPort(Calendar),
    provider: new ReferenceConferenceProvider(config, new UrlFetchHttpTransport(UrlFetchApp)),
    state: new UserPropertiesPort(PropertiesService.getUserProperties()),
    clock: new AppsScriptClock(),
    log,
  };
}

/**
 * The ConferenceError, or null when even that cannot be built (ConferenceDataService unusable): createConference
 * must not throw, and Calendar then shows its own generic failure.
 */
function conferenceErrorOrNothing(
  kind: ConferenceErrorKind,
  log: ConsoleLog,
): GoogleAppsScript.Conference_Data.ConferenceData {
  try {
    return buildConferenceError(ConferenceDataService, kind);
  } catch (buildError) {
    log.error('createConference: could not even build the ConferenceError', {
      error: describeError(buildError),
    });
    return null as unknown as GoogleAppsScript.Conference_Data.ConferenceData;
  }
}

/** TEMPORARY when trying again later can help (rate limits, 5xx, timeouts), PERMANENT for everything else. */
function conferenceErrorKind(e: unknown): ConferenceErrorKind {
  return (e instanceof ProviderError || e instanceof CalendarApiError) && e.retryable
    ? 'TEMPORARY'
    : 'PERMANENT';
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
