/**
 * Turns one raw item of `events.list` / `events.get` into a CalendarEvent, or says why it cannot. Every field the
 * engine reads is type-checked here, once, so the planner never meets a surprise shape: one malformed item becomes
 * a per-event failure instead of a TypeError that aborts the whole sync (defect B1 of Google's sample).
 * A deleted event may carry only `id` and `status` (Calendar guarantees nothing more), and that is valid.
 */
import { InvalidEventError } from './errors';
import type { CalendarEvent, EventAttendee, EventConference, EventOrganizer, EventTime } from './model';

type Json = Record<string, unknown>;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const STATUSES = ['confirmed', 'tentative', 'cancelled'] as const;

/** Throwing internally keeps each check one line; the exported function turns the throw into a value. */
class Invalid extends Error {}

export function validateEvent(raw: unknown): CalendarEvent | InvalidEventError {
  const id = isObject(raw) && typeof raw['id'] === 'string' ? raw['id'] : undefined;
  try {
    return toEvent(raw);
  } catch (error) {
    if (error instanceof Invalid)
      return new InvalidEventError(`event ${id ?? '(no id)'}: ${error.message}`, id);
    throw error;
  }
}

/** True when `value` is a calendar date that exists (2025-02-30 does not). */
export function isDateOnly(value: string): boolean {
  const m = DATE_ONLY.exec(value);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** True for an RFC 3339 timestamp with a mandatory offset, as Calendar writes them. */
export function isRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (m === null || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  return Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 61 && !Number.isNaN(Date.parse(value));
}

function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

function toEvent(raw: unknown): CalendarEvent {
  if (!isObject(raw)) throw new Invalid('not an object');
  const id = raw['id'];
  if (typeof id !== 'string' || id.length === 0) throw new Invalid('id missing or not a string');
  const event: CalendarEvent = { id, status: status(raw['status']) };
  assign(event, 'summary', optionalString(raw, 'summary'));
  assign(event, 'etag', optionalString(raw, 'etag'));
  assign(event, 'updated', optionalString(raw, 'updated'));
  assign(event, 'recurringEventId', optionalString(raw, 'recurringEventId'));
  assign(event, 'start', optionalTime(raw, 'start'));
  assign(event, 'end', optionalTime(raw, 'end'));
  assign(event, 'originalStartTime', optionalTime(raw, 'originalStartTime'));
  assign(event, 'recurrence', optionalStrings(raw, 'recurrence'));
  assign(event, 'attendees', optionalAttendees(raw['attendees']));
  assign(event, 'conference', optionalConference(raw['conferenceData']));
  assign(event, 'organizer', optionalOrganizer(raw['organizer']));
  checkLiveEvent(event);
  return event;
}

/** A live (not cancelled) event must say when it happens; a cancelled one may be a bare tombstone. */
function checkLiveEvent(event: CalendarEvent): void {
  if (event.status === 'cancelled') return;
  if (!event.start || !event.end) throw new Invalid('start or end missing on a live event');
  if ((event.start.date === undefined) !== (event.end.date === undefined)) {
    throw new Invalid('start and end mix an all-day date with a dateTime');
  }
  if (event.recurringEventId !== undefined && !event.originalStartTime) {
    throw new Invalid('an instance without originalStartTime');
  }
}

function status(value: unknown): CalendarEvent['status'] {
  // Calendar documents "confirmed" as the default; an item without status is a confirmed event.
  if (value === undefined) return 'confirmed';
  const found = STATUSES.find((s) => s === value);
  if (found === undefined) throw new Invalid(`unknown status ${JSON.stringify(value)}`);
  return found;
}

function optionalString(raw: Json, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Invalid(`${key} is not a string`);
  return value;
}

function optionalStrings(raw: Json, key: string): string[] | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Invalid(`${key} is not a list of strings`);
  }
  return [...value];
}

function optionalTime(raw: Json, key: string): EventTime | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new Invalid(`${key} is not an object`);
  const time: EventTime = {};
  assign(time, 'dateTime', optionalString(value, 'dateTime'));
  assign(time, 'date', optionalString(value, 'date'));
  assign(time, 'timeZone', optionalString(value, 'timeZone'));
  if ((time.dateTime === undefined) === (time.date === undefined)) {
    throw new Invalid(`${key} must have exactly one of dateTime and date`);
  }
  if (time.dateTime !== undefined && !isRfc3339(time.dateTime)) {
    throw new Invalid(`${key}.dateTime is not RFC 3339: ${time.dateTime}`);
  }
  if (time.date !== undefined && !isDateOnly(time.date)) throw new Invalid(`${key}.date is not YYYY-MM-DD`);
  return time;
}

function optionalAttendees(value: unknown): EventAttendee[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new Invalid('attendees is not a list');
  return value.map((item) => {
    if (!isObject(item)) throw new Invalid('an attendee is not an object');
    const attendee: EventAttendee = {};
    assign(attendee, 'email', optionalString(item, 'email'));
    assign(attendee, 'responseStatus', optionalString(item, 'responseStatus'));
    const resource = item['resource'];
    if (resource !== undefined && typeof resource !== 'boolean')
      throw new Invalid('attendee.resource not boolean');
    assign(attendee, 'resource', resource);
    return attendee;
  });
}

/** Only the two things the engine reads: which conference, and of which kind of solution. */
function optionalConference(value: unknown): EventConference | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new Invalid('conferenceData is not an object');
  const conference: EventConference = {};
  assign(conference, 'conferenceId', optionalString(value, 'conferenceId'));
  const solution = value['conferenceSolution'];
  if (solution !== undefined && solution !== null) {
    if (!isObject(solution)) throw new Invalid('conferenceSolution is not an object');
    const key = solution['key'];
    if (key !== undefined && key !== null) {
      if (!isObject(key)) throw new Invalid('conferenceSolution.key is not an object');
      assign(conference, 'solutionType', optionalString(key, 'type'));
    }
  }
  return conference;
}

function optionalOrganizer(value: unknown): EventOrganizer | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new Invalid('organizer is not an object');
  const organizer: EventOrganizer = {};
  assign(organizer, 'email', optionalString(value, 'email'));
  const self = value['self'];
  if (self !== undefined && typeof self !== 'boolean') throw new Invalid('organizer.self is not boolean');
  assign(organizer, 'self', self);
  return organizer;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets the property only when present, so validated events carry no `key: undefined` noise. */
function assign<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
