/**
 * What the provider cares about, derived from an event, and the difference between two such sets. The diff is
 * what makes an RSVP, a colour change or a re-spelt offset cost no provider call: only the fields the provider
 * stores are compared, and times are compared as instants.
 */
import { hash128 } from './idempotencyKey';
import type { CalendarEvent, ConferenceFields } from './model';

/** A field changed to meet the provider's limits (conference-api.md), for the core to log. */
export interface ClampNote {
  field: keyof ConferenceFields;
  message: string;
}

const MAX_TITLE = 1024;
const MAX_ATTENDEES = 1000;
const MAX_RECURRENCE_LINES = 100;
const MINUTE_MS = 60 * 1000;

/**
 * The provider's view of a live event, within the provider's limits: a field that cannot fit must not make every
 * later PATCH fail. Times are passed on as Calendar spells them. `notes`, when given, collects what was changed.
 */
export function fieldsFromEvent(event: CalendarEvent, notes?: ClampNote[]): ConferenceFields {
  const note = (field: keyof ConferenceFields, message: string) => notes?.push({ field, message });
  const startTime = event.start?.dateTime ?? null;
  let endTime = event.end?.dateTime ?? null;
  const startDate = event.start?.date ?? null;
  let endDate = event.end?.date ?? null;
  if (startTime !== null && endTime !== null && !(Date.parse(endTime) > Date.parse(startTime))) {
    endTime = new Date(Date.parse(startTime) + MINUTE_MS).toISOString();
    note('endTime', 'the event has no duration: the conference ends one minute after it starts');
  }
  if (startDate !== null && endDate !== null && endDate <= startDate) {
    endDate = new Date(Date.parse(`${startDate}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    note('endDate', 'the all-day event ends before it starts: the conference lasts one day');
  }
  return {
    title: clampTitle(event.summary ?? '', note),
    startTime,
    endTime,
    startDate,
    endDate,
    timeZone: event.start?.timeZone ?? null,
    recurrence: foldRecurrence(event.recurrence ?? [], note),
    attendees: attendeeEmails(event, note),
  };
}

/**
 * An iCalendar line the provider accepts (conference-api.md: RRULE, EXRULE, RDATE or EXDATE, then parameters or
 * ":"), the same shape the reference server checks; anything else would make every PATCH of the event fail.
 */
const PARAM_VALUE = '(?:"[^"\\r\\n]*"|[^";:,\\r\\n]*)';
const RECURRENCE_LINE = new RegExp(
  `^(?:RRULE|EXRULE|RDATE|EXDATE)(?:;[A-Za-z0-9-]+=${PARAM_VALUE}(?:,${PARAM_VALUE})*)*:[^\\r\\n]+$`,
  'i',
);
/** Merged EXDATE/RDATE lines stay well under any line length a server would take (the reference one: 4096). */
const MAX_FOLDED_LINE = 2000;

/**
 * At most the provider's 100 lines, meaning kept: lines it would refuse are dropped; past 100, the EXDATE and RDATE
 * lines that share their parameters are merged into comma-separated lists (RFC 5545 allows a list per line), and
 * only if that is still too many are the last lines dropped. Within the limit the lines go as Calendar has them.
 */
function foldRecurrence(lines: string[], note: (field: 'recurrence', message: string) => void): string[] {
  const valid = lines.filter((line) => RECURRENCE_LINE.test(line));
  if (valid.length < lines.length) {
    note('recurrence', `${lines.length - valid.length} recurrence lines the provider would refuse dropped`);
  }
  if (valid.length <= MAX_RECURRENCE_LINES) return valid;
  const rules: string[] = [];
  const dates = new Map<string, string[]>();
  for (const line of valid) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    if (!/^(EXDATE|RDATE)\b/i.test(name)) {
      rules.push(line);
      continue;
    }
    const values = dates.get(name) ?? [];
    values.push(...line.slice(colon + 1).split(','));
    dates.set(name, values);
  }
  const folded = [...rules];
  for (const [name, values] of dates) {
    let current = '';
    for (const value of values) {
      if (current !== '' && current.length + value.length + 1 > MAX_FOLDED_LINE) {
        folded.push(`${name}:${current}`);
        current = '';
      }
      current = current === '' ? value : `${current},${value}`;
    }
    if (current !== '') folded.push(`${name}:${current}`);
  }
  note(
    'recurrence',
    `${valid.length} recurrence lines folded into ${Math.min(folded.length, MAX_RECURRENCE_LINES)}`,
  );
  if (folded.length > MAX_RECURRENCE_LINES) {
    note(
      'recurrence',
      `${folded.length - MAX_RECURRENCE_LINES} recurrence lines over the provider's 100 dropped`,
    );
  }
  return folded.slice(0, MAX_RECURRENCE_LINES);
}

/** What fieldsFromEvent changed to fit the provider's limits (empty when the event fits as it is). */
export function clampNotes(event: CalendarEvent): ClampNote[] {
  const notes: ClampNote[] = [];
  fieldsFromEvent(event, notes);
  return notes;
}

/** Counted in code points (as the server's schema does), never splitting a surrogate pair; ends with '…'. */
function clampTitle(title: string, note: (field: 'title', message: string) => void): string {
  if (title.length <= MAX_TITLE) return title;
  const points = [...title];
  if (points.length <= MAX_TITLE) return title;
  note('title', `title shortened from ${points.length} to ${MAX_TITLE} characters`);
  return `${points.slice(0, MAX_TITLE - 1).join('')}…`;
}

/**
 * What createConference sends when the event does not exist yet (Calendar calls it before the event is saved):
 * the first sync PATCHes the real values.
 */
export function placeholderFields(): ConferenceFields {
  return {
    title: '',
    startTime: null,
    endTime: null,
    startDate: null,
    endDate: null,
    timeZone: null,
    recurrence: [],
    attendees: [],
  };
}

/**
 * Lower-cased, unique, sorted people, at most the provider's 1000: the organizer kept, then the first in the
 * event's order. Rooms and other resources are not participants of the conference.
 */
function attendeeEmails(event: CalendarEvent, note: (field: 'attendees', message: string) => void): string[] {
  const emails = new Set<string>();
  for (const attendee of event.attendees ?? []) {
    if (attendee.resource === true || !attendee.email) continue;
    emails.add(attendee.email.toLowerCase());
  }
  if (emails.size <= MAX_ATTENDEES) return [...emails].sort();
  const organizer = event.organizer?.email?.toLowerCase();
  const kept = organizer !== undefined && emails.has(organizer) ? [organizer] : [];
  for (const email of emails) {
    if (kept.length >= MAX_ATTENDEES) break;
    if (email !== organizer) kept.push(email);
  }
  note('attendees', `${emails.size - kept.length} addresses over the provider's ${MAX_ATTENDEES} dropped`);
  return kept.sort();
}

/** Only the fields of `wanted` that differ from `sent`; an empty object means no call is needed. */
export function diffFields(sent: ConferenceFields, wanted: ConferenceFields): Partial<ConferenceFields> {
  const changes: Partial<ConferenceFields> = {};
  if (sent.title !== wanted.title) changes.title = wanted.title;
  if (!sameInstant(sent.startTime, wanted.startTime)) changes.startTime = wanted.startTime;
  if (!sameInstant(sent.endTime, wanted.endTime)) changes.endTime = wanted.endTime;
  if (sent.startDate !== wanted.startDate) changes.startDate = wanted.startDate;
  if (sent.endDate !== wanted.endDate) changes.endDate = wanted.endDate;
  if (sent.timeZone !== wanted.timeZone) changes.timeZone = wanted.timeZone;
  if (!sameList(sent.recurrence, wanted.recurrence)) changes.recurrence = [...wanted.recurrence];
  if (!sameList(sent.attendees, wanted.attendees)) changes.attendees = [...wanted.attendees];
  return changes;
}

export function hasChanges(changes: object): boolean {
  return Object.keys(changes).length > 0;
}

/** `10:00:00+02:00` and `08:00:00Z` are the same moment: a re-spelling is not a change. */
export function sameInstant(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === b) return true;
  if (a == null || b == null) return false;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return !Number.isNaN(ta) && ta === tb;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longest period of each RRULE frequency, so that COUNT gives an upper bound of the series' end. */
const PERIOD_MS: Record<string, number> = {
  SECONDLY: 1000,
  MINUTELY: 60 * 1000,
  HOURLY: 60 * 60 * 1000,
  DAILY: DAY_MS,
  WEEKLY: 7 * DAY_MS,
  MONTHLY: 31 * DAY_MS,
  YEARLY: 366 * DAY_MS,
};

/**
 * A short digest of the provider fields (42 bits, 7 characters): what a record keeps instead of a copy of what was
 * sent. Times are hashed as instants and lists in their canonical order, so a re-spelt offset or a reordered guest
 * list is no change, exactly as diffFields sees it.
 */
export function fieldsDigest(fields: ConferenceFields): string {
  return shortHash(
    JSON.stringify([
      fields.title,
      instant(fields.startTime),
      instant(fields.endTime),
      fields.startDate,
      fields.endDate,
      fields.timeZone,
      fields.recurrence,
      fields.attendees,
    ]),
  );
}

/** The digest of one occurrence override, compared the way sameOverride compares them (instants, not spellings). */
export function overrideDigest(override: {
  cancelled?: boolean;
  startTime?: string | null;
  endTime?: string | null;
  startDate?: string | null;
  endDate?: string | null;
}): string {
  return shortHash(
    JSON.stringify([
      override.cancelled ?? false,
      instant(override.startTime ?? null),
      instant(override.endTime ?? null),
      override.startDate ?? null,
      override.endDate ?? null,
    ]),
  );
}

/**
 * When the last occurrence ends, as an upper bound rounded up to whole days (ms since the epoch), or null when the
 * event recurs without end or its end is unknown. A series' end comes from UNTIL, or from COUNT times the longest
 * period of its frequency: late rather than early, since a record forgotten too soon loses its conference.
 */
export function lastEndOf(fields: ConferenceFields): number | null {
  const end = Date.parse(fields.endTime ?? fields.endDate ?? '');
  if (!Number.isFinite(end)) return null;
  const span = spanOf(fields);
  let last = end;
  for (const line of fields.recurrence) {
    const upper = line.toUpperCase();
    if (upper.startsWith('EXDATE') || upper.startsWith('EXRULE')) continue;
    if (upper.startsWith('RDATE')) {
      for (const value of upper.slice(upper.indexOf(':') + 1).split(',')) {
        const at = parseIcalTime(value);
        if (at === null) return null;
        last = Math.max(last, at + (Number.isFinite(span) ? span : DAY_MS));
      }
      continue;
    }
    if (!upper.startsWith('RRULE')) continue;
    const parts = new Map(
      upper
        .slice(upper.indexOf(':') + 1)
        .split(';')
        .map((p) => p.split('=') as [string, string]),
    );
    const until = parts.has('UNTIL') ? parseIcalTime(parts.get('UNTIL') ?? '') : null;
    const count = Number(parts.get('COUNT'));
    const period = PERIOD_MS[parts.get('FREQ') ?? ''];
    const interval = Number(parts.get('INTERVAL') ?? '1');
    if (until !== null) last = Math.max(last, until + (Number.isFinite(span) ? span : DAY_MS));
    else if (Number.isInteger(count) && count > 0 && period !== undefined && interval > 0)
      last = Math.max(last, end + count * interval * period);
    else return null;
  }
  // Whole days, late rather than early; an all-day event's date ends a day later in the furthest zones.
  const slack = fields.endTime === null ? DAY_MS : 0;
  return Math.ceil((last + slack) / DAY_MS) * DAY_MS;
}

/** The event's own length in ms (NaN when unknown). */
export function spanOf(fields: ConferenceFields): number {
  const start = fields.startTime ?? fields.startDate;
  const end = fields.endTime ?? fields.endDate;
  if (start == null || end == null) return Number.NaN;
  return Date.parse(end) - Date.parse(start);
}

/** `20261215T090000Z`, `20261215T090000` (read as UTC, late at most a day) or `20261215`. */
function parseIcalTime(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(value.trim());
  if (m === null) return null;
  const [, y, mo, d, h = '23', mi = '59', s = '59'] = m;
  const at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return Number.isFinite(at) ? at + DAY_MS : null;
}

function instant(value: string | null): number | string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : ms;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `chars` characters (6 bits each, at most 10) of the 128-bit hash of `text`. */
export function shortHash(text: string, chars = 7): string {
  const hex = hash128(text);
  let out = '';
  // 60 bits from the first 15 hex digits, four bits at a time into 6-bit characters.
  let acc = 0;
  let bits = 0;
  for (let i = 0; out.length < chars && i < hex.length; i++) {
    acc = (acc << 4) | Number.parseInt(hex[i] as string, 16);
    bits += 4;
    if (bits >= 6) {
      bits -= 6;
      out += ALPHABET[(acc >> bits) & 63];
      acc &= (1 << bits) - 1;
    }
  }
  return out;
}
