/** Deriving the provider's fields from an event, and diffing them so that only real changes cost a call. */
import { diffFields, fieldsFromEvent, placeholderFields } from '../../../src/core/conferenceFields';
import type { CalendarEvent } from '../../../src/core/model';
import { validateEvent } from '../../../src/core/validateEvent';
import { anEvent, type EventBuilder } from '../fakes';

function fields(builder: EventBuilder) {
  return fieldsFromEvent(validateEvent(builder.build()) as CalendarEvent);
}

describe('conference fields', () => {
  it('takes title, times as Calendar spells them, zone, recurrence and sorted unique lower-cased people', () => {
    const result = fields(
      anEvent()
        .titled('Plan')
        .recurring('RRULE:FREQ=DAILY')
        .withAttendees(
          { email: 'Zoe@Example.com' },
          { email: 'adam@example.com' },
          { email: 'zoe@example.com' },
          { email: 'room-1@resource.calendar.google.com', resource: true },
        ),
    );
    expect(result).toEqual({
      title: 'Plan',
      startTime: '2025-03-26T10:00:00-05:00',
      endTime: '2025-03-26T10:30:00-05:00',
      startDate: null,
      endDate: null,
      timeZone: 'America/Chicago',
      recurrence: ['RRULE:FREQ=DAILY'],
      attendees: ['adam@example.com', 'zoe@example.com'],
    });
  });

  it('uses dates for an all-day event and an empty title when there is no summary', () => {
    expect(fields(anEvent().titled(undefined).allDay('2020-05-06', '2020-05-07'))).toMatchObject({
      title: '',
      startTime: null,
      startDate: '2020-05-06',
      endDate: '2020-05-07',
      timeZone: null,
    });
  });

  it('an offset re-spelling of the same instant is not a change', () => {
    const sent = fields(anEvent().timed('2025-03-26T10:00:00-05:00', '2025-03-26T10:30:00-05:00'));
    const wanted = fields(anEvent().timed('2025-03-26T15:00:00Z', '2025-03-26T15:30:00.000Z'));
    expect(diffFields(sent, wanted)).toEqual({});
  });

  it('an RSVP change produces no diff', () => {
    const sent = fields(anEvent().withAttendees({ email: 'a@example.com', responseStatus: 'needsAction' }));
    const wanted = fields(anEvent().withAttendees({ email: 'a@example.com', responseStatus: 'accepted' }));
    expect(diffFields(sent, wanted)).toEqual({});
  });

  it('lists only the changed fields', () => {
    const sent = placeholderFields();
    const wanted = { ...sent, title: 'New', attendees: ['a@example.com'] };
    expect(diffFields(sent, wanted)).toEqual({ title: 'New', attendees: ['a@example.com'] });
  });
});
