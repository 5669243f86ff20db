/**
 * What the provider cares about, derived from an event, and the difference between two such sets. The diff is
 * what makes an RSVP, a colour change or a re-spelt offset cost no provider call: only the fields the provider
 * stores are compared, and times are compared as instants.
 */
import { hash128 } from './idempotencyKey';
import type { CalendarEvent, ConferenceFields } from './model';

/** The provider's view of a live event. Times are passed on as Calendar spells them. */
export function fieldsFromEvent(event: CalendarEvent): ConferenceFields {
  return {
    title: event.summary ?? '',
    startTime: event.start?.dateTime ?? null,
    endTime: event.end?.dateTime ?? null,
    startDate: event.start?.date ?? null,
    endDate: event.end?.date ?? null,
    timeZone: event.start?.timeZone ?? null,
    recurrence: event.recurrence ? [...event.recurrence] : [],
    attendees: attendeeEmails(event),
  };
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

/** Lower-cased, unique, sorted people. Rooms and other resources are not participants of the conference. */
function attendeeEmails(event: CalendarEvent): string[] {
  const emails = new Set<string>();
  for (const attendee of event.attendees ?? []) {
    if (attendee.resource === true || !attendee.email) continue;
    emails.add(attendee.email.toLowerCase());
  }
  return [...emails].sort();
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
