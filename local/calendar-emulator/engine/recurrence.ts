/**
 * Recurrence for the emulator: validates `recurrence` lines (RRULE / EXRULE-free subset, RDATE,
 * EXDATE) and expands a series into occurrences in the series' own time zone.
 *
 * Why "floating" expansion: rrule.js works in UTC, so a 07:30 America/Chicago weekly series would
 * drift by an hour across a DST change. We feed rrule the series' local wall-clock time dressed up
 * as UTC, let it step in wall-clock terms, and convert each occurrence back to a real instant with
 * luxon in the series' zone — exactly what RFC 5545 asks for a TZID-anchored DTSTART.
 */
import { DateTime } from 'luxon';
import { type Options, RRule } from 'rrule';
import { Errors } from './errors';

export interface ParsedRecurrence {
  rules: Partial<Options>[];
  /** Raw UNTIL per rule (kept apart because its meaning depends on the series' zone). */
  untils: (string | undefined)[];
  exdates: DateToken[];
  rdates: DateToken[];
}

/** A date or date-time from an EXDATE/RDATE line: all-day date, UTC instant, or local time in a zone. */
type DateToken =
  | { kind: 'date'; date: string }
  | { kind: 'instant'; ms: number }
  | { kind: 'local'; local: string; zone?: string };

const FREQS = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY', 'SECONDLY'];
const DAY = '(?:[+-]?\\d{1,2})?(?:MO|TU|WE|TH|FR|SA|SU)';
const INT_LIST = '[+-]?\\d{1,3}(?:,[+-]?\\d{1,3})*';
const PART_PATTERNS: Record<string, RegExp> = {
  FREQ: new RegExp(`^(${FREQS.join('|')})$`),
  COUNT: /^\d{1,6}$/,
  INTERVAL: /^\d{1,4}$/,
  UNTIL: /^\d{8}(T\d{6}Z?)?$/,
  BYDAY: new RegExp(`^${DAY}(,${DAY})*$`),
  BYMONTHDAY: new RegExp(`^${INT_LIST}$`),
  BYMONTH: new RegExp(`^${INT_LIST}$`),
  BYYEARDAY: new RegExp(`^${INT_LIST}$`),
  BYWEEKNO: new RegExp(`^${INT_LIST}$`),
  BYSETPOS: new RegExp(`^${INT_LIST}$`),
  BYHOUR: new RegExp(`^${INT_LIST}$`),
  BYMINUTE: new RegExp(`^${INT_LIST}$`),
  BYSECOND: new RegExp(`^${INT_LIST}$`),
  WKST: /^(MO|TU|WE|TH|FR|SA|SU)$/,
};

const invalidRule = () => Errors.invalid('Invalid recurrence rule.');

function parseDateList(params: string, values: string): DateToken[] {
  const tzid = /(?:^|;)TZID=([^;:]+)/.exec(params)?.[1];
  const isDate = /VALUE=DATE(?:;|$)/.test(params);
  return values.split(',').map((v) => {
    if (isDate || /^\d{8}$/.test(v)) {
      if (!/^\d{8}$/.test(v)) throw invalidRule();
      const date = `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
      if (!DateTime.fromISO(date).isValid) throw invalidRule();
      return { kind: 'date', date } as DateToken;
    }
    const m = /^(\d{8}T\d{6})(Z?)$/.exec(v);
    if (!m) throw invalidRule();
    const local = m[1];
    if (!DateTime.fromFormat(local, "yyyyMMdd'T'HHmmss", { zone: 'UTC' }).isValid) throw invalidRule();
    if (m[2])
      return {
        kind: 'instant',
        ms: DateTime.fromFormat(local, "yyyyMMdd'T'HHmmss", { zone: 'UTC' }).toMillis(),
      };
    if (tzid && !DateTime.local().setZone(tzid).isValid) throw invalidRule();
    return { kind: 'local', local, zone: tzid };
  });
}

/** Validates and parses `recurrence` lines; throws Google's 400 on anything it does not understand. */
export function parseRecurrence(lines: string[]): ParsedRecurrence {
  const out: ParsedRecurrence = { rules: [], untils: [], exdates: [], rdates: [] };
  for (const line of lines) {
    if (typeof line !== 'string') throw invalidRule();
    const m = /^(RRULE|EXDATE|RDATE)((?:;[^:]*)?):(.+)$/.exec(line.trim());
    if (!m) throw invalidRule();
    const [, name, params, value] = m;
    if (name === 'RRULE') {
      const parts = new Map<string, string>();
      for (const part of value.split(';')) {
        const [k, v, extra] = part.split('=');
        if (
          !k ||
          v === undefined ||
          extra !== undefined ||
          !PART_PATTERNS[k] ||
          !PART_PATTERNS[k].test(v) ||
          parts.has(k)
        )
          throw invalidRule();
        parts.set(k, v);
      }
      if (!parts.has('FREQ') || (parts.has('COUNT') && parts.has('UNTIL'))) throw invalidRule();
      if (parts.get('INTERVAL') === '0' || parts.get('COUNT') === '0') throw invalidRule();
      const until = parts.get('UNTIL');
      parts.delete('UNTIL');
      const rule = RRule.parseString([...parts].map(([k, v]) => `${k}=${v}`).join(';'));
      out.rules.push(rule);
      out.untils.push(until);
    } else {
      const list = parseDateList(params.slice(1), value);
      (name === 'EXDATE' ? out.exdates : out.rdates).push(...list);
    }
  }
  if (out.rules.length === 0 && out.rdates.length === 0) throw invalidRule();
  return out;
}

/** One occurrence of a series: its original start (ms for timed, `YYYY-MM-DD` for all-day). */
export interface Occurrence {
  startMs: number;
  date?: string;
}

const FLOAT_FMT = "yyyyMMdd'T'HHmmss";

/** Wall-clock time as a fake-UTC Date (what rrule steps through). */
function toFloating(dt: DateTime): Date {
  return new Date(Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second));
}

function fromFloating(d: Date, zone: string): DateTime {
  return DateTime.fromObject(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    },
    { zone },
  );
}

/**
 * Expands a series. `start` is the series' first start: ms for timed series (wall clock read in
 * `zone`), or a `YYYY-MM-DD` date for all-day ones. Stops after `limit` occurrences or once an
 * occurrence starts at or after `untilMs`.
 */
export function expand(
  rec: ParsedRecurrence,
  start: { ms: number; date?: string },
  zone: string,
  limit: number,
  untilMs = Number.POSITIVE_INFINITY,
): Occurrence[] {
  const allDay = start.date !== undefined;
  const startLocal = allDay
    ? DateTime.fromISO(start.date!, { zone })
    : DateTime.fromMillis(start.ms, { zone });
  const dtstart = toFloating(startLocal);
  const floatingLimit = Number.isFinite(untilMs)
    ? toFloating(DateTime.fromMillis(untilMs, { zone })).getTime() + 86_400_000
    : Number.POSITIVE_INFINITY;
  const seen = new Map<number, Occurrence>();
  const toOcc = (f: Date): Occurrence => {
    const dt = fromFloating(f, zone);
    return allDay ? { startMs: dt.toMillis(), date: dt.toISODate()! } : { startMs: dt.toMillis() };
  };
  rec.rules.forEach((rule, i) => {
    const until = rec.untils[i];
    let untilFloating: Date | undefined;
    if (until) {
      if (until.length === 8) {
        // Date-form UNTIL includes the whole day (RFC 5545).
        untilFloating = toFloating(DateTime.fromFormat(`${until}T235959`, FLOAT_FMT, { zone: 'UTC' }));
      } else if (until.endsWith('Z')) {
        const instant = DateTime.fromFormat(until.slice(0, 15), FLOAT_FMT, { zone: 'UTC' });
        untilFloating = toFloating(instant.setZone(zone));
      } else {
        untilFloating = toFloating(DateTime.fromFormat(until, FLOAT_FMT, { zone: 'UTC' }));
      }
    }
    const rr = new RRule({ ...rule, dtstart, until: untilFloating ?? null, tzid: null });
    rr.all((d, n) => {
      if (n >= limit || d.getTime() > floatingLimit) return false;
      const occ = toOcc(d);
      seen.set(occ.startMs, occ);
      return true;
    });
  });
  for (const r of rec.rdates) {
    let occ: Occurrence;
    if (r.kind === 'date') occ = { startMs: DateTime.fromISO(r.date, { zone }).toMillis(), date: r.date };
    else if (r.kind === 'instant') occ = { startMs: r.ms };
    else occ = { startMs: DateTime.fromFormat(r.local, FLOAT_FMT, { zone: r.zone ?? zone }).toMillis() };
    if (allDay && !occ.date) occ.date = DateTime.fromMillis(occ.startMs, { zone }).toISODate()!;
    seen.set(occ.startMs, occ);
  }
  const excluded = new Set<number | string>();
  for (const x of rec.exdates) {
    if (x.kind === 'date') excluded.add(allDay ? x.date : DateTime.fromISO(x.date, { zone }).toMillis());
    else if (x.kind === 'instant') excluded.add(x.ms);
    else excluded.add(DateTime.fromFormat(x.local, FLOAT_FMT, { zone: x.zone ?? zone }).toMillis());
  }
  return [...seen.values()]
    .filter((o) => !excluded.has(o.date ?? o.startMs) && !excluded.has(o.startMs) && o.startMs < untilMs)
    .sort((a, b) => a.startMs - b.startMs)
    .slice(0, limit);
}

/**
 * RRULE lines rewritten to end before `beforeMs` (used when a series is split "this and following":
 * UNTIL = 23:59:59 local on the last kept day, in UTC, as Google writes it — fixtures §1.5 / §3.5).
 */
export function truncateRecurrence(lines: string[], lastKept: DateTime, allDay: boolean): string[] {
  const until = allDay
    ? lastKept.toFormat('yyyyMMdd')
    : lastKept.endOf('day').set({ millisecond: 0 }).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
  return lines.map((line) => {
    if (!line.startsWith('RRULE:')) return line;
    const parts = line
      .slice(6)
      .split(';')
      .filter((p) => !p.startsWith('UNTIL=') && !p.startsWith('COUNT='));
    return `RRULE:${[...parts, `UNTIL=${until}`].join(';')}`;
  });
}

/**
 * The rules of the series that continues a split ("this and following"): the same end as before. An UNTIL stays
 * as it is; a COUNT keeps only the occurrences the earlier part had not used (`before` of them).
 */
export function continueRecurrence(lines: string[], before: number): string[] {
  return lines.map((line) => {
    if (!line.startsWith('RRULE:')) return line;
    const parts = line
      .slice(6)
      .split(';')
      .map((part) => {
        const count = /^COUNT=(\d+)$/.exec(part);
        return count ? `COUNT=${Math.max(1, Number(count[1]) - before)}` : part;
      });
    return `RRULE:${parts.join(';')}`;
  });
}
