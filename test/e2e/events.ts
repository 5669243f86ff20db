/**
 * What the e2e tests do in Calendar, the way Calendar's UI does it: through the shared emulator engine, acting as
 * the organizer (or as an attendee), saving events that carry the add-on's conference with conferenceDataVersion 1.
 */
import type { CalendarEngine, EventResource } from '../../local/calendar-emulator/engine';
import { type AddOn, ALICE, type BuiltConferenceData, eventConferenceData } from './harness';

export const ZONE = 'Europe/Paris';

export const at = (dateTime: string, timeZone = ZONE) => ({ dateTime, timeZone });

export interface MeetingOptions {
  id: string;
  summary: string;
  start: string;
  end: string;
  attendees?: string[];
  recurrence?: string[];
  organizer?: string;
}

/** An event body as the Calendar UI saves it; the organizer is in the attendee list, as Calendar puts them. */
export function meetingBody(
  options: MeetingOptions,
  conference?: BuiltConferenceData,
): Record<string, unknown> {
  const organizer = options.organizer ?? ALICE;
  const body: Record<string, unknown> = {
    id: options.id,
    summary: options.summary,
    start: at(options.start),
    end: at(options.end),
    attendees: [
      { email: organizer, organizer: true, responseStatus: 'accepted' },
      ...(options.attendees ?? []).map((email) => ({ email, responseStatus: 'needsAction' })),
    ],
  };
  if (options.recurrence) body.recurrence = options.recurrence;
  if (conference) body.conferenceData = eventConferenceData(conference);
  return body;
}

/**
 * The user picks the add-on's solution in a new event and saves it: Calendar calls createConference for the
 * event id it will use (the event does not exist yet), then inserts the event carrying what came back.
 */
export function saveNewEventWithConference(
  addOn: AddOn,
  options: MeetingOptions,
): { conference: BuiltConferenceData; conferenceId: string; event: EventResource } {
  const calendarId = options.organizer ?? addOn.user;
  const conference = addOn.createConference(calendarId, options.id);
  const conferenceId = JSON.parse(conference.printJson()).conferenceId as string;
  const event = addOn.world.engine.insert(
    addOn.user,
    calendarId,
    meetingBody({ ...options, organizer: calendarId }, conference),
    { conferenceDataVersion: 1 },
  );
  return { conference, conferenceId, event };
}

/**
 * Undo after a delete, or "Restore" from Calendar's trash: the cancelled event comes back as confirmed, with the
 * same id and everything it carried (its conference included).
 */
export function restoreEvent(
  engine: CalendarEngine,
  user: string,
  calendarId: string,
  eventId: string,
): EventResource {
  return engine.patch(user, calendarId, eventId, { status: 'confirmed' });
}

/** A further calendar that `user` creates and owns (Calendar's "Create new calendar"); its id. */
export function createSecondCalendar(engine: CalendarEngine, user: string, summary: string): string {
  return engine.insertCalendar(user, { summary }).id!;
}

/** The conference id the event shows in `user`'s calendar now (undefined when it shows none). */
export function shownConferenceId(
  engine: CalendarEngine,
  user: string,
  calendarId: string,
  eventId: string,
): string | undefined {
  return engine.get(user, calendarId, eventId).conferenceData?.conferenceId;
}
