/**
 * Conference creation for Calendar's `onCreateFunction`. Calendar may call it before the event exists, so a
 * missing or unreadable event is not an error: the conference is made with placeholder fields and the first sync
 * PATCHes the real ones. The idempotency key makes a repeated call (Calendar retries, double clicks, timeouts)
 * return the same conference. Never throws: failures come back as TEMPORARY or PERMANENT for a ConferenceError.
 *
 * Before the provider is called, an intent record (conference id UNKNOWN_CONFERENCE_ID, unattached) is saved: when
 * the provider creates the conference but its answer is lost (a timeout, a 5xx after the write), that record is what
 * lets the sync find the conference later (by its event) and delete it at expiry, so no conference lives at the
 * provider without a record. A failure that proves nothing was created (a 4xx, a configuration error) removes the
 * intent again; success replaces it with the real record.
 */
import type { Conference } from '../../contracts/conference-api';
import { putRecord, sentFields } from './applyAction';
import { type ClampNote, fieldsFromEvent, placeholderFields } from './conferenceFields';
import { describeError, ProviderConfigError, ProviderError } from './errors';
import { idempotencyKey } from './idempotencyKey';
import type { ConferenceFields, ConferenceRecord } from './model';
import type { SyncPorts } from './ports';
import { eventKey, StateStoreFullError, UserState } from './state';
import { validateEvent } from './validateEvent';

export type CreateConferenceResult =
  | { ok: true; conference: Conference; record: ConferenceRecord }
  | { ok: false; errorType: 'TEMPORARY' | 'PERMANENT'; message: string };

/** Room a new record may take in the store: its line, an event id of common length, a part boundary. */
const NEW_RECORD_BYTES = 400;

/**
 * The conference id of an intent record: the provider was (or is about to be) asked to create the event's
 * conference and its id is not known. Not in the API's id alphabet ([A-Za-z0-9_-]), so no server id equals it, and
 * one character, so the stored line keeps the length the codec expects of a record with an id.
 */
export const UNKNOWN_CONFERENCE_ID = '~';

export function createConferenceForEvent(
  ports: SyncPorts,
  calendarId: string,
  eventId: string,
): CreateConferenceResult {
  try {
    const state = new UserState(ports.state.readAll());
    // A tombstone (the event's earlier conference was deleted) counts as no record: a new conference is made.
    const stored = state.peek(calendarId).records.get(eventKey(eventId)) ?? null;
    const existing = stored?.deletedAt === undefined ? stored : null;
    if (existing === null && !state.hasRoomFor(NEW_RECORD_BYTES)) return refuseFull(ports, state);
    const fields = readEventFields(ports, calendarId, eventId);
    // The intent is saved only where nothing is recorded for the event yet: an existing record (a real conference,
    // or the intent of an earlier attempt whose answer was lost) already leads the sync to what may exist.
    const wroteIntent = existing === null;
    if (wroteIntent) {
      putRecord(state.edit(calendarId), {
        calendarId,
        eventId,
        conferenceId: UNKNOWN_CONFERENCE_ID,
        ...sentFields(fields),
        occurrences: {},
        attached: false,
        createdAt: new Date(ports.clock.now()).toISOString(),
      });
      try {
        state.commit(ports.state);
      } catch (error) {
        return intentNotSaved(ports, error);
      }
    }
    let conference: Conference;
    try {
      conference = createConferenceOnProvider(ports, calendarId, eventId, fields);
    } catch (error) {
      if (wroteIntent && provesNothingCreated(error)) dropIntent(ports, state, calendarId, eventId);
      return failure(ports, error);
    }
    // A repeat for the same event: the key gave back the conference we already recorded; keep that record.
    if (existing && existing.conferenceId === conference.id && existing.eventConferenceId === undefined) {
      return { ok: true, conference, record: { ...existing, eventId } };
    }
    // New, or the event showed an older id (the provider had lost that conference and the sync made this one):
    // the user is now putting this one on the event, so it is attached afresh.
    const record: ConferenceRecord = {
      calendarId,
      eventId,
      conferenceId: conference.id,
      ...sentFields(fields),
      occurrences: {},
      attached: false,
      createdAt: new Date(ports.clock.now()).toISOString(),
    };
    putRecord(state.edit(calendarId), record);
    try {
      state.commit(ports.state);
    } catch (error) {
      return undoCreate(ports, conference, error, wroteIntent ? state : null, calendarId, eventId);
    }
    return { ok: true, conference, record };
  } catch (error) {
    return failure(ports, error);
  }
}

/** No room for one more record: refused before the provider is called, and noted for the status card. */
function refuseFull(ports: SyncPorts, state: UserState): CreateConferenceResult {
  const bytes = state.usage().bytes;
  ports.log.error('conference not created: the property store is full', { bytes });
  try {
    state.noteFull({ at: new Date(ports.clock.now()).toISOString(), bytes });
    state.commit(ports.state);
  } catch (error) {
    ports.log.warn('could not note the full store', { error: describeError(error) });
  }
  return {
    ok: false,
    errorType: 'PERMANENT',
    message:
      'Conference Sync has no room left to keep track of another conference. Old meetings are forgotten a month after they end; please try again later or ask your administrator.',
  };
}

/**
 * The record could not be saved: a conference nobody keeps track of would never follow its event nor be cleaned
 * up, so it is deleted again at once. If even that fails, the log carries its id for a person.
 */
function undoCreate(
  ports: SyncPorts,
  conference: Conference,
  error: unknown,
  intentState: UserState | null,
  calendarId: string,
  eventId: string,
): CreateConferenceResult {
  const [outcome] = ports.provider.executeAll([{ kind: 'delete', conferenceId: conference.id }]);
  if (outcome?.ok) {
    ports.log.error('conference created but its record could not be saved; deleted it again', {
      conferenceId: conference.id,
      error: describeError(error),
    });
    // Nothing is left to find: the intent saved before the call goes too (best effort).
    if (intentState !== null) dropIntent(ports, intentState, calendarId, eventId);
  } else if (intentState !== null) {
    // The intent saved before the call stays: the sync finds this conference by its event and deletes it.
    ports.log.error(
      'conference created, its record could not be saved, and deleting it failed: the sync will delete it',
      {
        conferenceId: conference.id,
        error: describeError(error),
        deleteError: describeError(outcome?.error),
      },
    );
  } else {
    ports.log.error(
      'conference created, its record could not be saved, and deleting it failed: delete it by hand',
      {
        conferenceId: conference.id,
        error: describeError(error),
        deleteError: describeError(outcome?.error),
      },
    );
  }
  const full = error instanceof StateStoreFullError;
  return {
    ok: false,
    errorType: full ? 'PERMANENT' : 'TEMPORARY',
    message: full
      ? 'Conference Sync has no room left to keep track of another conference; nothing was created.'
      : 'The conference could not be recorded; please try again.',
  };
}

/** The intent record could not be saved: the provider is not called, so nothing was created. */
function intentNotSaved(ports: SyncPorts, error: unknown): CreateConferenceResult {
  const full = error instanceof StateStoreFullError;
  ports.log.error('conference not created: its record could not be saved', { error: describeError(error) });
  return {
    ok: false,
    errorType: full ? 'PERMANENT' : 'TEMPORARY',
    message: full
      ? 'Conference Sync has no room left to keep track of another conference; nothing was created.'
      : 'The conference could not be recorded; please try again.',
  };
}

/**
 * Whether a failed create proves the provider made nothing: the API refused the request (a 4xx, which is what a
 * ProviderError that is not retryable stands for) or the provider is not configured, so no request went out.
 * A retryable failure (429, 5xx, timeout) or an unexpected error proves nothing.
 */
function provesNothingCreated(error: unknown): boolean {
  return (error instanceof ProviderError && !error.retryable) || error instanceof ProviderConfigError;
}

/**
 * Removes the record of the event that this call added to `state` (the intent it saved, or the real record that
 * replaced it in memory but could not be saved), so the store goes back to holding nothing for the event. Best
 * effort: a second commit, which is only logged when it fails.
 */
function dropIntent(ports: SyncPorts, state: UserState, calendarId: string, eventId: string): void {
  try {
    state.edit(calendarId).records.delete(eventKey(eventId));
    state.commit(ports.state);
  } catch (error) {
    ports.log.warn('could not remove the record of a conference that was not created', {
      eventId,
      error: describeError(error),
    });
  }
}

/** The one way the add-on creates a conference: always with the event's deterministic key. */
export function createConferenceOnProvider(
  ports: SyncPorts,
  calendarId: string,
  eventId: string,
  fields: ConferenceFields,
): Conference {
  return ports.provider.create({
    idempotencyKey: idempotencyKey(calendarId, eventId),
    calendarId,
    eventId,
    fields,
  });
}

/** The event's fields, or placeholders when the event is not there (yet), cannot be read, or is malformed. */
function readEventFields(ports: SyncPorts, calendarId: string, eventId: string): ConferenceFields {
  let raw: unknown;
  try {
    raw = ports.calendar.getEvent(calendarId, eventId);
  } catch (error) {
    ports.log.warn('event not readable at conference creation; using placeholders', {
      eventId,
      error: describeError(error),
    });
    return placeholderFields();
  }
  if (raw === null) return placeholderFields();
  const event = validateEvent(raw);
  if (event instanceof Error) {
    ports.log.warn('event malformed at conference creation; using placeholders', {
      eventId,
      error: event.message,
    });
    return placeholderFields();
  }
  const notes: ClampNote[] = [];
  const fields = fieldsFromEvent(event, notes);
  if (notes.length > 0) {
    ports.log.warn('event exceeds the conference API limits; created within them', {
      eventId,
      notes: notes.map((n) => n.message),
    });
  }
  return fields;
}

/** Maps a failure to Calendar's error types. Messages come from typed errors, which never hold the key. */
function failure(ports: SyncPorts, error: unknown): CreateConferenceResult {
  if (error instanceof ProviderError) {
    ports.log.warn('conference creation failed', { status: error.status, code: error.code });
    // 429, 5xx and timeouts may succeed later; any 4xx (401 too: the key is the administrator's) will not.
    return { ok: false, errorType: error.retryable ? 'TEMPORARY' : 'PERMANENT', message: error.message };
  }
  if (error instanceof ProviderConfigError) {
    ports.log.error('conference provider is not configured', { property: error.property });
    return { ok: false, errorType: 'PERMANENT', message: error.message };
  }
  // An unexpected exception is most likely a defect, which a retry will not cure. Its text goes to the log only,
  // not to Calendar's error card.
  ports.log.error('unexpected error during conference creation', { error: describeError(error) });
  return { ok: false, errorType: 'PERMANENT', message: 'Unexpected error while creating the conference.' };
}
