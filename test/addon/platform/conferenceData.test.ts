/** ConferenceData and ConferenceError built for Calendar from a provider conference, and its plain JSON form. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conferenceDataService } from '../../../local/apps-script-runtime/conference-data';
import { calendarConferenceData, type Manifest } from '../../../local/apps-script-runtime/runtime';
import {
  buildConferenceData,
  buildConferenceError,
  CONFERENCE_SOLUTION_ICON_URI,
  CONFERENCE_SOLUTION_ID,
  CONFERENCE_SOLUTION_NAME,
  conferenceDataJson,
  telUri,
} from '../../../src/platform/conferenceData';
import { type BuiltConferenceData, conferenceDataServiceStub, sampleConference } from './stubs';

const CONFERENCE = sampleConference({ id: 'c-42', joinUrl: 'https://meet.example.com/j/c-42' });

const service = () =>
  conferenceDataServiceStub() as unknown as GoogleAppsScript.Conference_Data.ConferenceDataService;
const built = (data: unknown) => data as BuiltConferenceData;

describe('buildConferenceData', () => {
  it('sets the provider id, a VIDEO entry point with the join URL and the id as a parameter', () => {
    expect(built(buildConferenceData(service(), CONFERENCE))).toEqual({
      conferenceSolutionId: CONFERENCE_SOLUTION_ID,
      conferenceId: 'c-42',
      entryPoints: [{ type: 'VIDEO', uri: 'https://meet.example.com/j/c-42' }],
      parameters: { conferenceId: 'c-42' },
    });
  });

  it('adds a PHONE entry point with a tel: URI and the pin when the provider gives dial-in', () => {
    const data = built(
      buildConferenceData(service(), { ...CONFERENCE, dialIn: { number: '+1 (555) 010-0', pin: '4242' } }),
    );
    expect(data.entryPoints).toEqual([
      { type: 'VIDEO', uri: 'https://meet.example.com/j/c-42' },
      { type: 'PHONE', uri: 'tel:+15550100', pin: '4242' },
    ]);
  });

  it('leaves the pin out when the dial-in has none', () => {
    const data = built(
      buildConferenceData(service(), { ...CONFERENCE, dialIn: { number: '0800 123', pin: '' } }),
    );
    expect(data.entryPoints[1]).toEqual({ type: 'PHONE', uri: 'tel:0800123' });
  });
});

describe('conferenceDataJson', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../../appsscript.json'), 'utf8')) as Manifest;
  /** What Calendar stores once createConference returned the builder's ConferenceData (local runtime's rule). */
  const stored = (conference: typeof CONFERENCE) =>
    calendarConferenceData(
      manifest,
      buildConferenceData(
        conferenceDataService as unknown as GoogleAppsScript.Conference_Data.ConferenceDataService,
        conference,
      ) as unknown as Parameters<typeof calendarConferenceData>[1],
    );

  it.each([
    ['without dial-in', CONFERENCE],
    ['with dial-in and pin', { ...CONFERENCE, dialIn: { number: '+1 (555) 010-0', pin: '4242' } }],
    ['with dial-in, no pin', { ...CONFERENCE, dialIn: { number: '0800 123', pin: '' } }],
  ])('equals what Calendar stores from the ConferenceDataService builder (%s)', (_name, conference) => {
    expect(conferenceDataJson(conference)).toEqual(stored(conference));
  });

  it('is the Calendar API resource: addOn solution with the manifest name and icon, video link, id parameter', () => {
    expect(conferenceDataJson(CONFERENCE)).toEqual({
      conferenceId: 'c-42',
      conferenceSolution: {
        key: { type: 'addOn' },
        name: CONFERENCE_SOLUTION_NAME,
        iconUri: CONFERENCE_SOLUTION_ICON_URI,
      },
      entryPoints: [{ entryPointType: 'video', uri: 'https://meet.example.com/j/c-42' }],
      parameters: { addOnParameters: { parameters: { conferenceId: 'c-42' } } },
    });
  });

  it("names the manifest's conference solution", () => {
    const solution = manifest.addOns?.calendar?.conferenceSolution?.[0];
    expect(solution).toMatchObject({
      id: CONFERENCE_SOLUTION_ID,
      name: CONFERENCE_SOLUTION_NAME,
      logoUrl: CONFERENCE_SOLUTION_ICON_URI,
    });
  });

  it('matches the stub builder entry point for entry point', () => {
    const conference = { ...CONFERENCE, dialIn: { number: '+1 (555) 010-0', pin: '4242' } };
    const fromBuilder = built(buildConferenceData(service(), conference));
    const json = conferenceDataJson(conference);
    expect(json.conferenceId).toBe(fromBuilder.conferenceId);
    expect(json.entryPoints).toEqual(
      fromBuilder.entryPoints.map(({ type, ...rest }) => ({ entryPointType: type?.toLowerCase(), ...rest })),
    );
    expect(json.parameters.addOnParameters.parameters).toEqual(fromBuilder.parameters);
  });
});

describe('buildConferenceError', () => {
  it.each(['TEMPORARY', 'PERMANENT'] as const)('builds a %s ConferenceError for the solution', (kind) => {
    expect(built(buildConferenceError(service(), kind))).toEqual({
      conferenceSolutionId: CONFERENCE_SOLUTION_ID,
      entryPoints: [],
      parameters: {},
      error: kind,
    });
  });
});

describe('telUri', () => {
  it('keeps a leading + and the digits only', () => {
    expect(telUri(' +33 1 23-45-67-89 ')).toBe('tel:+33123456789');
  });
});
