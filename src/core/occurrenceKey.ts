/**
 * The provider's key for one instance of a recurring conference: the instance's `originalStartTime` in UTC as
 * `YYYYMMDDTHHMMSSZ`, or `YYYYMMDD` for an all-day instance, the same suffix Calendar puts on instance ids
 * (`…_20250324T123000Z`, `…_20200513`). The original start is used, not the current one, because a moved
 * instance keeps its identity.
 */
import type { EventTime } from './model';

export function occurrenceKey(originalStart: EventTime): string {
  if (originalStart.date !== undefined) return originalStart.date.replace(/-/g, '');
  if (originalStart.dateTime === undefined) throw new Error('occurrenceKey: originalStartTime has no time');
  const iso = new Date(Date.parse(originalStart.dateTime)).toISOString(); // 2025-03-24T12:30:00.000Z
  return iso.slice(0, 19).replace(/[-:]/g, '') + 'Z';
}
