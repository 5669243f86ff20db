/**
 * Issue 9, cases 5 and 6: fieldsFromEvent always yields fields the reference server accepts (its own schema
 * decides), and says what it changed. Fails without the clamping.
 */

import { checkRange, parsePatchBody } from '../../../local/conference-server/schemas';
import { clampNotes, fieldsFromEvent } from '../../../src/core/conferenceFields';
import type { CalendarEvent } from '../../../src/core/model';

const base: CalendarEvent = {
  id: 'e1',
  status: 'confirmed',
  summary: 'Plan',
  start: { dateTime: '2026-12-01T10:00:00+01:00', timeZone: 'Europe/Paris' },
  end: { dateTime: '2026-12-01T11:00:00+01:00' },
};
const accepted = (event: CalendarEvent) => {
  const fields = fieldsFromEvent(event);
  parsePatchBody(JSON.parse(JSON.stringify(fields)));
  checkRange(fields);
  return fields;
};

describe('provider limits', () => {
  it('shortens a long title by code points, never splitting a pair, ending with …', () => {
    const fields = accepted({ ...base, summary: '😀'.repeat(1500) });
    expect([...fields.title]).toHaveLength(1024);
    expect(fields.title.endsWith('😀…')).toBe(true);
    expect(clampNotes({ ...base, summary: 'x'.repeat(2000) })).toEqual([
      { field: 'title', message: 'title shortened from 2000 to 1024 characters' },
    ]);
  });

  it('keeps at most 1000 unique addresses, the organizer among them', () => {
    const attendees = Array.from({ length: 1003 }, (_, i) => ({ email: `P${i}@example.com` }));
    const event = { ...base, attendees, organizer: { email: 'p1002@example.com' } } as CalendarEvent;
    const fields = accepted(event);
    expect(fields.attendees).toHaveLength(1000);
    expect(fields.attendees).toContain('p1002@example.com');
    expect(clampNotes(event)[0]?.message).toBe("3 addresses over the provider's 1000 dropped");
  });

  it('gives a zero-length timed event one minute and a backwards all-day event one day', () => {
    expect(accepted({ ...base, end: { ...base.start } }).endTime).toBe('2026-12-01T09:01:00.000Z');
    const allDay = { ...base, start: { date: '2026-12-01' }, end: { date: '2026-12-01' } };
    expect(accepted(allDay).endDate).toBe('2026-12-02');
  });

  it('leaves an event within the limits untouched', () => {
    expect(clampNotes(base)).toEqual([]);
    expect(fieldsFromEvent(base).endTime).toBe('2026-12-01T11:00:00+01:00');
  });
});
