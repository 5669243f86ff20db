/**
 * Request validation for the conference server: JSON schemas compiled with ajv (formats for the spec's value
 * syntaxes), plus the few rules a schema cannot express (end after start, real calendar dates). Every failure
 * becomes a 400 INVALID_ARGUMENT whose message names the field, so a client can show it to a person.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { CONFERENCE_LIMITS } from '../../contracts/conference-api';
import { ApiError } from './errors';

/** Fields of a Conference that the server owns: writing them is a client error, not something to ignore. */
const READ_ONLY_FIELDS = new Set([
  'id',
  'joinUrl',
  'dialIn',
  'occurrences',
  'version',
  'createdAt',
  'updatedAt',
]);
const CREATE_ONLY_FIELDS = new Set(['calendarId', 'eventId']);

/** Upper bounds the spec leaves open (documented in the README). */
export const SERVER_LIMITS = {
  maxIdLikeLength: 1024, // calendarId, eventId
  maxRecurrenceLineLength: 4096,
  maxEmailLength: 320,
  maxTimeZoneLength: 255,
  maxOccurrenceOverrides: 1000,
} as const;

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Milliseconds since the epoch of an RFC 3339 timestamp with an offset, or undefined when it is not one. */
export function rfc3339Millis(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 60) return undefined;
  let offsetMinutes = 0;
  if (m[9]) {
    const offH = Number(m[10]);
    const offM = Number(m[11]);
    if (offH > 23 || offM > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  const fraction = m[7] ? Number(m[7]) : 0;
  // A leap second (:60) sorts just after :59 of the same minute, which Date.UTC's overflow gives.
  return Date.UTC(year, month - 1, day, hour, minute, second) + fraction * 1000 - offsetMinutes * 60_000;
}

export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Occurrence keys: `YYYYMMDDTHHMMSSZ` or `YYYYMMDD`, and a real date and time. */
export function isOccurrenceKey(value: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(value);
  if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  if (m[4] === undefined) return true;
  return Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6]) <= 60;
}

const timeZoneCache = new Map<string, boolean>();
export function isTimeZone(value: string): boolean {
  const cached = timeZoneCache.get(value);
  if (cached !== undefined) return cached;
  // Intl knows the IANA database; the character check keeps out offsets such as "+01:00", which newer
  // engines accept as time zones but which are not IANA names.
  let ok = /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value);
  if (ok) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
    } catch {
      ok = false;
    }
  }
  if (timeZoneCache.size < 10_000) timeZoneCache.set(value, ok);
  return ok;
}

// An iCalendar content line named RRULE, EXRULE, RDATE or EXDATE (names are case-insensitive in RFC 5545),
// then either ":" or parameters (";NAME=value[,value]", values optionally quoted) and ":", then a value.
const PARAM_VALUE = '(?:"[^"\\r\\n]*"|[^";:,\\r\\n]*)';
const RECURRENCE_LINE = new RegExp(
  `^(?:RRULE|EXRULE|RDATE|EXDATE)(?:;[A-Za-z0-9-]+=${PARAM_VALUE}(?:,${PARAM_VALUE})*)*:[^\\r\\n]+$`,
  'i',
);
export function isRecurrenceLine(value: string): boolean {
  return RECURRENCE_LINE.test(value);
}

export function isEmailAddress(value: string): boolean {
  return value.length <= SERVER_LIMITS.maxEmailLength && /^[^\s@]{1,64}@[^\s@]{1,255}$/.test(value);
}

const ajv = new Ajv({ allErrors: false, allowUnionTypes: true, strict: true });
ajv.addFormat('rfc3339-offset', { type: 'string', validate: (v: string) => rfc3339Millis(v) !== undefined });
ajv.addFormat('calendar-date', { type: 'string', validate: isCalendarDate });
ajv.addFormat('iana-time-zone', { type: 'string', validate: isTimeZone });
ajv.addFormat('recurrence-line', { type: 'string', validate: isRecurrenceLine });
ajv.addFormat('email-address', { type: 'string', validate: isEmailAddress });

const nullableTime = { type: ['string', 'null'], format: 'rfc3339-offset' };
const nullableDate = { type: ['string', 'null'], format: 'calendar-date' };

const writableProperties = {
  title: { type: 'string', maxLength: CONFERENCE_LIMITS.maxTitleLength },
  startTime: nullableTime,
  endTime: nullableTime,
  startDate: nullableDate,
  endDate: nullableDate,
  timeZone: {
    type: ['string', 'null'],
    maxLength: SERVER_LIMITS.maxTimeZoneLength,
    format: 'iana-time-zone',
  },
  recurrence: {
    type: 'array',
    maxItems: CONFERENCE_LIMITS.maxRecurrenceLines,
    items: { type: 'string', maxLength: SERVER_LIMITS.maxRecurrenceLineLength, format: 'recurrence-line' },
  },
  attendees: {
    type: 'array',
    maxItems: CONFERENCE_LIMITS.maxAttendees,
    items: { type: 'string', format: 'email-address' },
  },
};

const validateCreate = ajv.compile({
  type: 'object',
  additionalProperties: false,
  properties: {
    ...writableProperties,
    calendarId: { type: 'string', maxLength: SERVER_LIMITS.maxIdLikeLength },
    eventId: { type: 'string', maxLength: SERVER_LIMITS.maxIdLikeLength },
  },
});

const validatePatch = ajv.compile({
  type: 'object',
  additionalProperties: false,
  properties: writableProperties,
});

const validateOccurrence = ajv.compile({
  type: 'object',
  additionalProperties: false,
  properties: {
    startTime: nullableTime,
    endTime: nullableTime,
    startDate: nullableDate,
    endDate: nullableDate,
    cancelled: { type: 'boolean' },
  },
});

const FORMAT_HINTS: Record<string, string> = {
  'rfc3339-offset': 'an RFC 3339 date-time with an offset, e.g. 2026-12-01T10:00:00+01:00',
  'calendar-date': 'a real calendar date as YYYY-MM-DD',
  'iana-time-zone': 'an IANA time zone name, e.g. Europe/Paris',
  'recurrence-line': 'an RRULE, EXRULE, RDATE or EXDATE line, e.g. RRULE:FREQ=WEEKLY',
  'email-address': 'an e-mail address',
};

function fieldName(error: ErrorObject): string {
  // "/attendees/3" → "attendees[3]"; the root is "body".
  const parts = error.instancePath.split('/').slice(1);
  if (parts.length === 0) return 'body';
  return parts.map((p, i) => (i > 0 && /^\d+$/.test(p) ? `[${p}]` : (i > 0 ? '.' : '') + p)).join('');
}

function toApiError(error: ErrorObject, kind: 'create' | 'patch' | 'occurrence'): ApiError {
  if (error.keyword === 'additionalProperties' && error.instancePath === '') {
    const name = String((error.params as { additionalProperty: string }).additionalProperty);
    if (READ_ONLY_FIELDS.has(name) && kind !== 'occurrence') {
      return ApiError.invalid(`field "${name}" is read-only`);
    }
    if (CREATE_ONLY_FIELDS.has(name) && kind === 'patch') {
      return ApiError.invalid(`field "${name}" can only be set when the conference is created`);
    }
    return ApiError.invalid(`unknown field "${name}"`);
  }
  const field = fieldName(error);
  if (error.keyword === 'format') {
    const format = String((error.params as { format: string }).format);
    return ApiError.invalid(`${field} must be ${FORMAT_HINTS[format] ?? format}`);
  }
  if (error.keyword === 'type' && field === 'body') {
    return ApiError.invalid('the request body must be a JSON object');
  }
  return ApiError.invalid(`${field} ${error.message ?? 'is invalid'}`);
}

function check<T>(validate: ValidateFunction, body: unknown, kind: 'create' | 'patch' | 'occurrence'): T {
  if (body === undefined) throw ApiError.invalid('the request body must be a JSON object');
  if (!validate(body)) throw toApiError(validate.errors![0], kind);
  return body as T;
}

export interface TimeRange {
  startTime?: string | null;
  endTime?: string | null;
  startDate?: string | null;
  endDate?: string | null;
}

/** The rules across fields: end strictly after start, for times (as instants) and dates. */
export function checkRange(range: TimeRange, where = ''): void {
  if (range.startTime && range.endTime) {
    if (rfc3339Millis(range.endTime)! <= rfc3339Millis(range.startTime)!) {
      throw ApiError.invalid(`${where}endTime must be after startTime`);
    }
  }
  if (range.startDate && range.endDate && range.endDate <= range.startDate) {
    throw ApiError.invalid(`${where}endDate must be after startDate (endDate is exclusive)`);
  }
}

export function parseCreateBody(body: unknown): Record<string, unknown> {
  return check(validateCreate, body, 'create');
}
export function parsePatchBody(body: unknown): Record<string, unknown> {
  return check(validatePatch, body, 'patch');
}
export function parseOccurrenceBody(body: unknown): TimeRange & { cancelled?: boolean } {
  return check(validateOccurrence, body, 'occurrence');
}

/** The admin endpoint's fault rule. */
export const FAULT_STATUSES = [400, 401, 403, 404, 412, 413, 429, 500, 502, 503, 504] as const;
const validateFault = ajv.compile({
  type: 'object',
  additionalProperties: false,
  properties: {
    method: { type: 'string', pattern: '^[A-Za-z]{1,16}$' },
    pathPattern: { type: 'string', minLength: 1, maxLength: 1000 },
    status: { type: 'integer', enum: [...FAULT_STATUSES] },
    count: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    retryAfterSeconds: { type: 'integer', minimum: 0, maximum: 86_400 },
    delayMs: { type: 'integer', minimum: 0, maximum: 60_000 },
  },
  required: ['count'],
});
export function parseFaultBody(body: unknown): Record<string, unknown> {
  if (body === undefined) throw ApiError.invalid('the request body must be a JSON object');
  if (!validateFault(body)) {
    const error = validateFault.errors![0];
    if (error.keyword === 'additionalProperties') {
      const name = (error.params as { additionalProperty: string }).additionalProperty;
      throw ApiError.invalid(`unknown field "${name}"`);
    }
    throw ApiError.invalid(`${fieldName(error)} ${error.message ?? 'is invalid'}`);
  }
  const rule = body as unknown as Record<string, unknown>;
  if (rule.status === undefined && rule.delayMs === undefined) {
    throw ApiError.invalid('a fault needs a status, a delayMs, or both');
  }
  return rule;
}
