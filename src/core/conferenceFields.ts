/**
 * What the provider cares about, derived from an event, and the difference between two such sets. The diff is
 * what makes an RSVP, a colour change or a re-spelt offset cost no provider call: only the fields the provider
 * stores are compared, and times are compared as instants.
 */
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
