/**
 * The minimal text parser behind events.quickAdd. Google's own parser is unpublished; this one
 * understands the shape of Google's documented example ("Appointment at Somewhere on June 3rd
 * 10am-10:25am") and a few obvious variants, and always produces a valid event: whatever it does not
 * recognise stays in the title.
 */
import { DateTime } from 'luxon';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TIME = String.raw`(\d{1,2})(?::(\d{2}))?\s*(am|pm)?`;

interface Clock {
  hour: number;
  minute: number;
}

function clock(
  h: string,
  m: string | undefined,
  ampm: string | undefined,
  fallback?: string,
): Clock | undefined {
  let hour = Number(h);
  const minute = m ? Number(m) : 0;
  const suffix = (ampm ?? fallback)?.toLowerCase();
  if (suffix === 'pm' && hour < 12) hour += 12;
  if (suffix === 'am' && hour === 12) hour = 0;
  if (hour > 23 || minute > 59) return undefined;
  return { hour, minute };
}

export function parseQuickAdd(text: string, zone: string, nowMs: number): Record<string, unknown> {
  let rest = ` ${text.trim()} `;
  const today = DateTime.fromMillis(nowMs, { zone }).startOf('day');
  let date: DateTime | undefined;
  let start: Clock | undefined;
  let end: Clock | undefined;
  const take = (re: RegExp, fn: (m: RegExpExecArray) => boolean) => {
    const m = re.exec(rest);
    if (m && fn(m)) rest = `${rest.slice(0, m.index)} ${rest.slice(m.index + m[0].length)}`;
  };

  take(/\s(?:on\s+)?(\d{4})-(\d{2})-(\d{2})\s/i, (m) => {
    const d = DateTime.fromObject({ year: +m[1], month: +m[2], day: +m[3] }, { zone });
    if (!d.isValid) return false;
    date = d;
    return true;
  });
  if (!date)
    take(/\s(?:on\s+)?([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\s/i, (m) => {
      const month = MONTHS.indexOf(m[1].toLowerCase()) + 1;
      if (month === 0) return false;
      let d = DateTime.fromObject({ year: m[3] ? +m[3] : today.year, month, day: +m[2] }, { zone });
      if (!d.isValid) return false;
      if (!m[3] && d < today) d = d.plus({ years: 1 });
      date = d;
      return true;
    });
  if (!date)
    take(/\s(today|tomorrow)\s/i, (m) => {
      date = m[1].toLowerCase() === 'today' ? today : today.plus({ days: 1 });
      return true;
    });
  take(new RegExp(String.raw`\s(?:from\s+|at\s+)?${TIME}\s*(?:-|–|to)\s*${TIME}\s`, 'i'), (m) => {
    start = clock(m[1], m[2], m[3], m[6]);
    end = clock(m[4], m[5], m[6]);
    return !!start && !!end && (m[3] !== undefined || m[6] !== undefined || m[2] !== undefined);
  });
  if (!start)
    take(/\s(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)\s/i, (m) => {
      start = clock(m[1], m[2], m[3]);
      return !!start;
    });
  if (!start)
    take(/\s(?:at\s+)?(\d{1,2}):(\d{2})\s/i, (m) => {
      start = clock(m[1], m[2], undefined);
      return !!start;
    });
  let location: string | undefined;
  take(/\sat\s+(.+?)\s*$/i, (m) => {
    location = m[1].trim();
    return location.length > 0;
  });
  const summary = rest.replace(/\s+/g, ' ').trim() || text.trim();
  const day = date ?? today;
  const out: Record<string, unknown> = { summary };
  if (location) out.location = location;
  if (!start) {
    out.start = { date: day.toISODate() };
    out.end = { date: day.plus({ days: 1 }).toISODate() };
    return out;
  }
  const s = day.set({ hour: start.hour, minute: start.minute });
  let e = end ? day.set({ hour: end.hour, minute: end.minute }) : s.plus({ hours: 1 });
  if (e <= s) e = e.plus({ days: 1 });
  out.start = { dateTime: s.toISO({ suppressMilliseconds: true }), timeZone: zone };
  out.end = { dateTime: e.toISO({ suppressMilliseconds: true }), timeZone: zone };
  return out;
}
