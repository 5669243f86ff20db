/**
 * What createConference hands back to Calendar, built with ConferenceDataService: the conference (id = the
 * provider's id, a VIDEO entry point with the join URL, a PHONE one with the pin when there is dial-in, and a
 * parameter carrying the provider id, which Calendar keeps with the event), or a ConferenceError.
 */
import type { Conference } from '../../contracts/conference-api';

/** Must equal `addOns.calendar.conferenceSolution[0].id` in appsscript.json (a bundle test checks it). */
export const CONFERENCE_SOLUTION_ID = 'conference-sync';
/** ConferenceParameter key (≤ 50 chars) whose value (≤ 1024 chars) is the provider's conference id. */
export const CONFERENCE_ID_PARAMETER = 'conferenceId';

export type ConferenceErrorKind = 'TEMPORARY' | 'PERMANENT';

type Service = GoogleAppsScript.Conference_Data.ConferenceDataService;

export function buildConferenceData(
  service: Service,
  conference: Conference,
): GoogleAppsScript.Conference_Data.ConferenceData {
  const builder = service
    .newConferenceDataBuilder()
    .setConferenceSolutionId(CONFERENCE_SOLUTION_ID)
    .setConferenceId(conference.id)
    .addEntryPoint(
      service.newEntryPoint().setEntryPointType(service.EntryPointType.VIDEO).setUri(conference.joinUrl),
    )
    .addConferenceParameter(
      service.newConferenceParameter().setKey(CONFERENCE_ID_PARAMETER).setValue(conference.id),
    );
  if (conference.dialIn?.number) {
    const phone = service
      .newEntryPoint()
      .setEntryPointType(service.EntryPointType.PHONE)
      .setUri(telUri(conference.dialIn.number));
    if (conference.dialIn.pin) phone.setPin(conference.dialIn.pin);
    builder.addEntryPoint(phone);
  }
  return builder.build();
}

export function buildConferenceError(
  service: Service,
  kind: ConferenceErrorKind,
): GoogleAppsScript.Conference_Data.ConferenceData {
  const error = service.newConferenceError().setConferenceErrorType(service.ConferenceErrorType[kind]);
  return service
    .newConferenceDataBuilder()
    .setConferenceSolutionId(CONFERENCE_SOLUTION_ID)
    .setError(error)
    .build();
}

/** `tel:` URI from a display number: keeps the leading + and digits, drops spaces, dashes and brackets. */
export function telUri(number: string): string {
  const trimmed = number.trim();
  return `tel:${trimmed.startsWith('+') ? '+' : ''}${trimmed.replace(/[^0-9]/g, '')}`;
}
