/**
 * What createConference hands back to Calendar, built with ConferenceDataService: the conference (id = the
 * provider's id, a VIDEO entry point with the join URL, a PHONE one with the pin when there is dial-in, and a
 * parameter carrying the provider id, which Calendar keeps with the event), or a ConferenceError. And the same
 * conference as the Calendar API's ConferenceData JSON (conferenceDataJson), for writing it back with Events.patch.
 */
import type { Conference } from '../../contracts/conference-api';

/** Must equal `addOns.calendar.conferenceSolution[0].id` in appsscript.json (a bundle test checks it). */
export const CONFERENCE_SOLUTION_ID = 'conference-sync';
/** ConferenceParameter key (≤ 50 chars) whose value (≤ 1024 chars) is the provider's conference id. */
export const CONFERENCE_ID_PARAMETER = 'conferenceId';
/** Must equal the solution's `name` and `logoUrl` in appsscript.json (Calendar shows them; a test checks them). */
export const CONFERENCE_SOLUTION_NAME = 'Conference Sync';
export const CONFERENCE_SOLUTION_ICON_URI =
  'https://www.gstatic.com/images/icons/material/system/2x/video_call_black_48dp.png';

/** A Calendar API v3 ConferenceData resource, as this add-on's conferences look on an event. */
export interface ConferenceDataResource {
  conferenceId: string;
  conferenceSolution: { key: { type: 'addOn' }; name: string; iconUri: string };
  entryPoints: Array<{ entryPointType: 'video' | 'phone'; uri: string; pin?: string }>;
  parameters: { addOnParameters: { parameters: Record<string, string> } };
}

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
      service.newEntryPoint().setEntryPointType(entryPointType(service, 'VIDEO')).setUri(conference.joinUrl),
    )
    .addConferenceParameter(
      service.newConferenceParameter().setKey(CONFERENCE_ID_PARAMETER).setValue(conference.id),
    );
  if (conference.dialIn?.number) {
    const phone = service
      .newEntryPoint()
      .setEntryPointType(entryPointType(service, 'PHONE'))
      .setUri(telUri(conference.dialIn.number));
    if (conference.dialIn.pin) phone.setPin(conference.dialIn.pin);
    builder.addEntryPoint(phone);
  }
  return builder.build();
}

/**
 * The conference buildConferenceData describes, as the plain JSON Calendar stores on the event once
 * createConference returned it (solution key `addOn` with the manifest's name and icon): what Events.patch writes
 * back when the provider had lost the conference and made a new one.
 */
export function conferenceDataJson(conference: Conference): ConferenceDataResource {
  const entryPoints: ConferenceDataResource['entryPoints'] = [
    { entryPointType: 'video', uri: conference.joinUrl },
  ];
  if (conference.dialIn?.number) {
    const phone: ConferenceDataResource['entryPoints'][number] = {
      entryPointType: 'phone',
      uri: telUri(conference.dialIn.number),
    };
    if (conference.dialIn.pin) phone.pin = conference.dialIn.pin;
    entryPoints.push(phone);
  }
  return {
    conferenceId: conference.id,
    conferenceSolution: {
      key: { type: 'addOn' },
      name: CONFERENCE_SOLUTION_NAME,
      iconUri: CONFERENCE_SOLUTION_ICON_URI,
    },
    entryPoints,
    parameters: { addOnParameters: { parameters: { [CONFERENCE_ID_PARAMETER]: conference.id } } },
  };
}

export function buildConferenceError(
  service: Service,
  kind: ConferenceErrorKind,
): GoogleAppsScript.Conference_Data.ConferenceData {
  const type =
    service.ConferenceErrorType?.[kind] ??
    (kind as unknown as GoogleAppsScript.Conference_Data.ConferenceErrorType);
  const error = service.newConferenceError().setConferenceErrorType(type);
  return service
    .newConferenceDataBuilder()
    .setConferenceSolutionId(CONFERENCE_SOLUTION_ID)
    .setError(error)
    .build();
}

/** The enum value; its name where a stand-in of the service has no enums (the real service always has them). */
function entryPointType(
  service: Service,
  name: 'VIDEO' | 'PHONE',
): GoogleAppsScript.Conference_Data.EntryPointType {
  return (
    service.EntryPointType?.[name] ?? (name as unknown as GoogleAppsScript.Conference_Data.EntryPointType)
  );
}

/** `tel:` URI from a display number: keeps the leading + and digits, drops spaces, dashes and brackets. */
export function telUri(number: string): string {
  const trimmed = number.trim();
  return `tel:${trimmed.startsWith('+') ? '+' : ''}${trimmed.replace(/[^0-9]/g, '')}`;
}
