/**
 * Input validation of event bodies: JSON types (ajv schema of the writable Event fields), start/end
 * normalisation in Google's format, and the ConferenceData limits of calendar-api.md §3.1. Every
 * failure is a Google-shaped 400, never an exception of another kind.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { DateTime } from 'luxon';
import { Errors, type GoogleApiError } from './errors';
import { formatDateTime, isValidDate, isValidZone } from './time';
import type { EventDateTime } from './types';

const str = { type: ['string', 'null'] };
const bool = { type: ['boolean', 'null'] };
const int = { type: ['integer', 'null'] };
const strMap = { type: ['object', 'null'], additionalProperties: { type: 'string' } };
const when = {
  type: ['object', 'null'],
  properties: { date: str, dateTime: str, timeZone: str },
};
const person = {
  type: ['object', 'null'],
  properties: { email: str, displayName: str, id: str, self: bool },
};

const eventSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    summary: str,
    description: str,
    location: str,
    colorId: str,
    status: { enum: ['confirmed', 'tentative', 'cancelled', null] },
    transparency: { enum: ['opaque', 'transparent', null] },
    visibility: { enum: ['default', 'public', 'private', 'confidential', null] },
    eventType: str,
    iCalUID: str,
    sequence: int,
    start: when,
    end: when,
    originalStartTime: when,
    endTimeUnspecified: bool,
    recurrence: { type: ['array', 'null'], items: { type: 'string' } },
    attendees: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        properties: {
          email: str,
          displayName: str,
          responseStatus: { enum: ['needsAction', 'declined', 'tentative', 'accepted', null] },
          optional: bool,
          resource: bool,
          organizer: bool,
          self: bool,
          comment: str,
          additionalGuests: int,
        },
      },
    },
    attendeesOmitted: bool,
    guestsCanInviteOthers: bool,
    guestsCanModify: bool,
    guestsCanSeeOtherGuests: bool,
    anyoneCanAddSelf: bool,
    locked: bool,
    privateCopy: bool,
    creator: person,
    organizer: person,
    reminders: {
      type: ['object', 'null'],
      properties: {
        useDefault: bool,
        overrides: {
          type: ['array', 'null'],
          items: {
            type: 'object',
            properties: {
              method: { enum: ['email', 'popup'] },
              minutes: { type: 'integer', minimum: 0, maximum: 40320 },
            },
            required: ['method', 'minutes'],
          },
        },
      },
    },
    extendedProperties: { type: ['object', 'null'], properties: { private: strMap, shared: strMap } },
    source: { type: ['object', 'null'], properties: { url: str, title: str } },
    attachments: { type: ['array', 'null'], items: { type: 'object' } },
    conferenceData: { type: ['object', 'null'] },
    outOfOfficeProperties: { type: ['object', 'null'] },
    focusTimeProperties: { type: ['object', 'null'] },
    workingLocationProperties: { type: ['object', 'null'] },
    birthdayProperties: { type: ['object', 'null'] },
  },
};

const ajv = new Ajv({ allErrors: false, strict: false });
const validateSchema = ajv.compile(eventSchema);

function fieldOf(e: ErrorObject): string {
  const path = e.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  return path || 'resource';
}

/** Type-checks an event body; unknown fields are ignored (as Google does), wrong types are a 400. */
export function checkEventTypes(body: unknown): asserts body is Record<string, any> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw Errors.badRequest();
  if (!validateSchema(body)) {
    const field = fieldOf(validateSchema.errors![0]);
    throw Errors.invalid(`Invalid value for: ${field}`, field);
  }
}

/**
 * Reminder rules Google enforces: `useDefault: true` together with overrides is a 400
 * cannotUseDefaultRemindersAndSpecifyOverride (Events resource: "overrides … if not using the
 * default reminders"); at most 5 overrides.
 */
export function checkReminders(reminders: unknown): void {
  if (!reminders || typeof reminders !== 'object') return;
  const r = reminders as { useDefault?: unknown; overrides?: unknown[] };
  if (r.useDefault === true && Array.isArray(r.overrides) && r.overrides.length > 0) {
    const e = Errors.invalid('Cannot specify both default reminders and overrides at the same time.');
    e.errors[0].domain = 'calendar';
    e.errors[0].reason = 'cannotUseDefaultRemindersAndSpecifyOverride';
    throw e;
  }
  if (Array.isArray(r.overrides) && r.overrides.length > 5) {
    const e = Errors.invalid('The maximum number of override reminders is 5.');
    e.errors[0].domain = 'calendar';
    e.errors[0].reason = 'tooManyReminders';
    throw e;
  }
}

export interface NormalizedWhen {
  value: EventDateTime;
  ms: number;
  date?: string;
  zone: string;
}

/**
 * Normalises `start`/`end`: exactly one of date/dateTime; dateTime needs an offset unless a
 * timeZone is given; recurring timed events need a timeZone (Google's rule). Output dateTime is
 * written in the event's zone (or the calendar's), like Google does.
 */
export function normalizeWhen(
  input: EventDateTime | null | undefined,
  which: 'start' | 'end',
  calendarZone: string,
  recurring: boolean,
): NormalizedWhen {
  if (!input || (input.date == null && input.dateTime == null))
    throw Errors.required(`Missing ${which} time.`);
  const invalid = () => Errors.invalid(`Invalid ${which} time.`, which);
  if (input.timeZone != null && !isValidZone(input.timeZone)) throw invalid();
  if (input.date != null && input.dateTime != null) throw invalid();
  if (input.date != null) {
    if (!isValidDate(input.date)) throw invalid();
    const value: EventDateTime = { date: input.date };
    if (input.timeZone) value.timeZone = input.timeZone;
    const zone = calendarZone;
    return { value, ms: DateTime.fromISO(input.date, { zone }).toMillis(), date: input.date, zone };
  }
  const text = input.dateTime!;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i.test(text)) throw invalid();
  const hasOffset = /(Z|[+-]\d{2}:\d{2})$/i.test(text);
  if (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(text) &&
    (!input.timeZone || input.timeZone === 'UTC') &&
    !recurring
  ) {
    // Fast path for plain UTC times (bulk loads): valid exactly when it survives a round trip.
    const ms = Date.parse(text);
    if (Number.isNaN(ms) || new Date(ms).toISOString() !== `${text.slice(0, 19)}.000Z`) throw invalid();
    const zone = input.timeZone ?? calendarZone;
    const value: EventDateTime = { dateTime: formatDateTime(ms, zone) };
    if (input.timeZone) value.timeZone = input.timeZone;
    return { value, ms, zone };
  }
  if (!hasOffset && !input.timeZone) throw invalid();
  if (recurring && !input.timeZone) throw Errors.required(`Missing time zone definition for ${which} time.`);
  const dt = hasOffset
    ? DateTime.fromISO(text, { setZone: true })
    : DateTime.fromISO(text, { zone: input.timeZone! });
  if (!dt.isValid) throw invalid();
  const zone = input.timeZone ?? calendarZone;
  const ms = dt.toMillis();
  const value: EventDateTime = { dateTime: formatDateTime(ms, zone) };
  if (input.timeZone) value.timeZone = input.timeZone;
  return { value, ms, zone };
}

const EP_TYPES = ['video', 'phone', 'sip', 'more'];
const SCHEMES: Record<string, RegExp> = {
  video: /^https?:/i,
  more: /^https?:/i,
  phone: /^tel:/i,
  sip: /^sip:/i,
};
const SOLUTION_TYPES = ['eventHangout', 'eventNamedHangout', 'hangoutsMeet', 'addOn'];

function confError(location: string, detail: string): GoogleApiError {
  const e = Errors.invalid(`Invalid conference data: ${detail}`, location);
  e.errors[0].locationType = 'body';
  return e;
}

/** The ConferenceData rules of calendar-api.md §3.1 (applied only when conferenceDataVersion=1). */
export function validateConferenceData(cd: Record<string, any>): void {
  if (typeof cd !== 'object' || cd === null || Array.isArray(cd))
    throw confError('conferenceData', 'not an object');
  const eps = cd.entryPoints;
  if (eps !== undefined && !Array.isArray(eps)) throw confError('conferenceData.entryPoints', 'not a list');
  const hasSolution = cd.conferenceSolution && typeof cd.conferenceSolution === 'object';
  const hasCreate = cd.createRequest && typeof cd.createRequest === 'object';
  if (!hasCreate && !(hasSolution && eps && eps.length > 0))
    throw confError(
      'conferenceData',
      'either conferenceSolution and at least one entryPoint, or createRequest is required',
    );
  if (hasSolution) {
    const type = cd.conferenceSolution.key?.type;
    if (type !== undefined && !SOLUTION_TYPES.includes(type))
      throw confError('conferenceData.conferenceSolution.key.type', 'unknown conference solution type');
  }
  if (hasCreate) {
    const t = cd.createRequest.conferenceSolutionKey?.type;
    if (t !== undefined && !SOLUTION_TYPES.includes(t))
      throw confError(
        'conferenceData.createRequest.conferenceSolutionKey.type',
        'unknown conference solution type',
      );
  }
  if (cd.conferenceId !== undefined && (typeof cd.conferenceId !== 'string' || cd.conferenceId.length > 512))
    throw confError('conferenceData.conferenceId', 'at most 512 characters');
  if (cd.notes !== undefined && (typeof cd.notes !== 'string' || cd.notes.length > 2048))
    throw confError('conferenceData.notes', 'at most 2048 characters');
  if (eps) {
    if (eps.length > 300) throw confError('conferenceData.entryPoints', 'at most 300 entry points');
    const counts: Record<string, number> = {};
    eps.forEach((ep: any, i: number) => {
      const at = `conferenceData.entryPoints[${i}]`;
      if (!ep || typeof ep !== 'object') throw confError(at, 'not an object');
      if (!EP_TYPES.includes(ep.entryPointType))
        throw confError(`${at}.entryPointType`, 'unknown entry point type');
      counts[ep.entryPointType] = (counts[ep.entryPointType] ?? 0) + 1;
      if (typeof ep.uri !== 'string' || ep.uri.length > 1300 || !SCHEMES[ep.entryPointType].test(ep.uri))
        throw confError(
          `${at}.uri`,
          `a ${ep.entryPointType} entry point needs a valid uri of at most 1300 characters`,
        );
      if (ep.label !== undefined && (typeof ep.label !== 'string' || ep.label.length > 512))
        throw confError(`${at}.label`, 'at most 512 characters');
      for (const code of ['meetingCode', 'accessCode', 'passcode', 'password', 'pin']) {
        if (ep[code] !== undefined && (typeof ep[code] !== 'string' || ep[code].length > 128))
          throw confError(`${at}.${code}`, 'at most 128 characters');
      }
      const features = ep.entryPointFeatures;
      if (features !== undefined) {
        if (!Array.isArray(features)) throw confError(`${at}.entryPointFeatures`, 'not a list');
        if (features.includes('toll') && features.includes('tollFree'))
          throw confError(`${at}.entryPointFeatures`, 'toll and tollFree are exclusive');
      }
      if (ep.regionCode !== undefined && ep.entryPointType !== 'phone')
        throw confError(`${at}.regionCode`, 'only phone entry points have a region code');
    });
    for (const single of ['video', 'sip', 'more']) {
      if ((counts[single] ?? 0) > 1)
        throw confError('conferenceData.entryPoints', `at most one ${single} entry point`);
    }
    if (eps.length > 0 && eps.every((ep: any) => ep.entryPointType === 'more'))
      throw confError('conferenceData.entryPoints', 'a conference with only a "more" entry point is invalid');
  }
  const params = cd.parameters?.addOnParameters?.parameters;
  if (params !== undefined) {
    if (typeof params !== 'object' || params === null || Array.isArray(params))
      throw confError('conferenceData.parameters.addOnParameters.parameters', 'not a map');
    const keys = Object.keys(params);
    if (keys.length > 300)
      throw confError('conferenceData.parameters.addOnParameters.parameters', 'at most 300 parameters');
    for (const k of keys) {
      if (k.length > 50 || typeof params[k] !== 'string' || params[k].length > 1024)
        throw confError(
          `conferenceData.parameters.addOnParameters.parameters.${k}`,
          'keys at most 50, values at most 1024 characters',
        );
    }
  }
}
