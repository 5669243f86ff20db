/** Validation of raw Calendar items: real shapes pass, malformed ones become InvalidEventError values. */
import { InvalidEventError } from '../../../src/core/errors';
import { validateEvent } from '../../../src/core/validateEvent';
import { anEvent } from '../fakes';

describe('validateEvent', () => {
  it('accepts a bare deleted-event tombstone with only kind, etag, id and status', () => {
    const event = validateEvent(anEvent().withId('6pbua6vjeic3e73gvponeo1qp6').tombstone().build());
    expect(event).toEqual({
      id: '6pbua6vjeic3e73gvponeo1qp6',
      status: 'cancelled',
      etag: expect.any(String),
    });
  });

  it('accepts a cancelled instance carrying only id, recurringEventId and originalStartTime', () => {
    const raw = anEvent()
      .instanceOf('5hni4sj3ql1669otmjg7sn1mok', {
        dateTime: '2025-03-25T08:00:00-05:00',
        timeZone: 'America/Chicago',
      })
      .cancelled()
      .build();
    const event = validateEvent(raw);
    expect(event).toMatchObject({
      id: '5hni4sj3ql1669otmjg7sn1mok_20250325T130000Z',
      status: 'cancelled',
      recurringEventId: '5hni4sj3ql1669otmjg7sn1mok',
    });
  });

  it('reads the conference id and solution type, and attendees', () => {
    const raw = anEvent()
      .withOurConference('conf-1')
      .withAttendees(
        { email: 'A@example.com', responseStatus: 'accepted' },
        { email: 'room@x.com', resource: true },
      )
      .build();
    const event = validateEvent(raw);
    expect(event).toMatchObject({
      conference: { conferenceId: 'conf-1', solutionType: 'addOn' },
      attendees: [
        { email: 'A@example.com', responseStatus: 'accepted' },
        { email: 'room@x.com', resource: true },
      ],
    });
  });

  it('treats a missing status as confirmed, the documented default', () => {
    const raw = anEvent().build();
    delete raw['status'];
    expect(validateEvent(raw)).toMatchObject({ status: 'confirmed' });
  });

  it.each([
    ['not an object', 'just a string'],
    ['no id', { status: 'confirmed' }],
    ['a numeric summary', anEvent().with('summary', 42).build()],
    ['an unknown status', anEvent().with('status', 'deleted').build()],
    ['a dateTime without offset', anEvent().with('start', { dateTime: '2025-03-26T10:00:00' }).build()],
    ['an impossible date', anEvent().allDay('2025-02-30', '2025-03-01').build()],
    [
      'both date and dateTime',
      anEvent().with('start', { date: '2025-03-26', dateTime: '2025-03-26T10:00:00Z' }).build(),
    ],
    ['a live event without end', anEvent().with('end', undefined).build()],
    ['recurrence that is not a list of strings', anEvent().with('recurrence', 'RRULE:FREQ=DAILY').build()],
    ['attendees that are not objects', anEvent().with('attendees', ['a@example.com']).build()],
    ['conferenceData that is a string', anEvent().with('conferenceData', 'x').build()],
    ['a mix of all-day start and timed end', anEvent().with('start', { date: '2025-03-26' }).build()],
  ])('rejects %s', (_name, raw) => {
    expect(validateEvent(raw)).toBeInstanceOf(InvalidEventError);
  });

  it('keeps the id of an invalid event so its failure can be recorded against it', () => {
    const result = validateEvent(anEvent().withId('broken1').with('summary', 42).build());
    expect(result).toBeInstanceOf(InvalidEventError);
    expect((result as InvalidEventError).eventId).toBe('broken1');
  });

  it('reads the organizer, whose address the provider cap keeps, and refuses a malformed one', () => {
    const raw = anEvent().with('organizer', { email: 'Alice@example.com', self: true }).build();
    expect(validateEvent(raw)).toMatchObject({ organizer: { email: 'Alice@example.com', self: true } });
    const bad = validateEvent(anEvent().withId('org1').with('organizer', { self: 'yes' }).build());
    expect(bad).toBeInstanceOf(InvalidEventError);
    expect((bad as InvalidEventError).message).toContain('organizer.self');
  });
});
