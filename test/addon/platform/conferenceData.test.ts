/** ConferenceData and ConferenceError built for Calendar from a provider conference. */
import {
  buildConferenceData,
  buildConferenceError,
  CONFERENCE_SOLUTION_ID,
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
