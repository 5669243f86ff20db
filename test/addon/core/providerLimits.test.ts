/**
 * Issue 9, cases 5 and 6: fieldsFromEvent always yields fields the reference server accepts (its own schema
 * decides), and says what it changed. Fails without the clamping.
 */

import { checkRange, parsePatchBody } from '../../../local/conference-server/schemas';
import { clampNotes, fieldsFromEvent } from '../../../src/core/conferenceFields';
import type { CalendarEvent } from '../../../src/core/model';
import { anEvent, CAL, makeWorld } from '../fakes';

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

  it('folds a recurrence of more than 100 lines into the limit, every excluded date kept', () => {
    const exdates = Array.from({ length: 150 }, (_, i) => {
      const day = new Date(Date.UTC(2027, 0, 4 + 7 * i)).toISOString().slice(0, 10).replace(/-/g, '');
      return `EXDATE;TZID=Europe/Paris:${day}T100000`;
    });
    const event = { ...base, recurrence: ['RRULE:FREQ=WEEKLY', ...exdates, 'RDATE:20270301T100000Z'] };
    const fields = accepted(event);
    expect(fields.recurrence.length).toBeLessThanOrEqual(100);
    expect(fields.recurrence[0]).toBe('RRULE:FREQ=WEEKLY');
    const kept = fields.recurrence
      .filter((line) => line.startsWith('EXDATE;TZID=Europe/Paris:'))
      .flatMap((line) => line.slice(line.indexOf(':') + 1).split(','));
    expect(kept).toEqual(exdates.map((line) => line.slice(line.indexOf(':') + 1)));
    expect(fields.recurrence).toContain('RDATE:20270301T100000Z');
    expect(clampNotes(event).map((n) => n.message)).toEqual(['152 recurrence lines folded into 4']);
  });

  it('drops a recurrence line the provider would refuse, keeping the rest', () => {
    const event = { ...base, recurrence: ['RRULE:FREQ=DAILY;COUNT=3', 'X-BROKEN', 'EXDATE:'] };
    expect(accepted(event).recurrence).toEqual(['RRULE:FREQ=DAILY;COUNT=3']);
    expect(clampNotes(event)[0]?.message).toBe('2 recurrence lines the provider would refuse dropped');
  });

  it('leaves an event within the limits untouched', () => {
    expect(clampNotes(base)).toEqual([]);
    expect(fieldsFromEvent(base).endTime).toBe('2026-12-01T11:00:00+01:00');
  });

  it('a sync sends an event over the limits within them, with a logged note, and a later move still lands', () => {
    const w = makeWorld();
    const big = () =>
      anEvent()
        .withId('crowd001')
        .titled('All hands')
        .withAttendees(...Array.from({ length: 1200 }, (_, i) => ({ email: `p${i}@example.com` })))
        .with('organizer', { email: 'p1199@example.com', self: true });
    const conferenceId = w.givenOurEvent(big());
    expect(w.provider.get(conferenceId)?.attendees).toHaveLength(1000);
    expect(w.provider.get(conferenceId)?.attendees).toContain('p1199@example.com');
    w.calendar.put(
      CAL,
      big()
        .timed('2026-12-20T10:00:00+01:00', '2026-12-20T11:00:00+01:00', 'Europe/Paris')
        .withOurConference(conferenceId)
        .build(),
    );
    expect(w.sync()).toMatchObject({ updated: 1, failures: [] });
    expect(w.provider.get(conferenceId)?.startTime).toBe('2026-12-20T10:00:00+01:00');
    const note = w.log.entries.find((e) => e.message.includes("exceeds the conference API's limits"));
    expect(note?.data?.notes).toEqual(["200 addresses over the provider's 1000 dropped"]);
  });
});
