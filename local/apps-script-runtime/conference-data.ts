/**
 * ConferenceDataService (apps-script-services.md §9): the builders a conference solution's onCreateFunction
 * uses, validated by `build()` (required fields, lengths, URI schemes, one VIDEO/SIP/MORE entry point), and the
 * JSON Calendar stores on the event. Validation texts are placeholders: Google's are not known.
 */
import { placeholderException, strictService } from './errors';

export const EntryPointType = { VIDEO: 'VIDEO', PHONE: 'PHONE', MORE: 'MORE', SIP: 'SIP' } as const;
export const ConferenceErrorType = {
  AUTHENTICATION: 'AUTHENTICATION',
  CONFERENCE_SOLUTION_FORBIDDEN: 'CONFERENCE_SOLUTION_FORBIDDEN',
  PERMANENT: 'PERMANENT',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  TEMPORARY: 'TEMPORARY',
  UNKNOWN: 'UNKNOWN',
} as const;

/** What a built ConferenceData holds, in the Calendar API's `conferenceData` vocabulary. */
export interface ConferenceDataJson {
  conferenceSolutionId?: string;
  conferenceId?: string;
  entryPoints?: Array<Record<string, string | string[]>>;
  parameters?: { addOnParameters: { parameters: Record<string, string> } };
  notes?: string;
  error?: { conferenceErrorType: string; authenticationUrl?: string };
}

/** Builder validation failures: Google's texts are not known (reference §9: UNCONFIRMED), hence placeholders. */
const invalid = (what: string) => placeholderException(`Invalid argument: ${what}`);

class EntryPoint {
  readonly fields: Record<string, string> = {};
  readonly features: string[] = [];
  setEntryPointType(type: string) {
    this.fields.entryPointType = String(type).toLowerCase();
    return this;
  }
  setUri(uri: string) {
    this.fields.uri = String(uri);
    return this;
  }
  setPin(v: string) {
    return this.code('pin', v);
  }
  setPasscode(v: string) {
    return this.code('passcode', v);
  }
  setAccessCode(v: string) {
    return this.code('accessCode', v);
  }
  setMeetingCode(v: string) {
    return this.code('meetingCode', v);
  }
  setPassword(v: string) {
    return this.code('password', v);
  }
  addFeature(feature: string) {
    this.features.push(String(feature).toLowerCase());
    return this;
  }
  setRegionCode(v: string) {
    this.fields.regionCode = String(v);
    return this;
  }
  private code(name: string, value: string) {
    if (String(value).length > 128) throw invalid(`${name} longer than 128 characters`);
    this.fields[name] = String(value);
    return this;
  }
  validate(): Record<string, string | string[]> {
    const { entryPointType: type, uri } = this.fields;
    if (!type) throw invalid('entry point without a type');
    if (!uri) throw invalid('entry point without a uri');
    if (uri.length > 1300) throw invalid('entry point uri longer than 1300 characters');
    const schemes: Record<string, RegExp> = {
      video: /^https?:/,
      more: /^https?:/,
      phone: /^tel:/,
      sip: /^sip:/,
    };
    if (!schemes[type]?.test(uri)) throw invalid(`${type} entry point uri with the wrong scheme`);
    return { ...this.fields, ...(this.features.length ? { entryPointFeatures: [...this.features] } : {}) };
  }
}

class ConferenceParameter {
  key?: string;
  value?: string;
  setKey(key: string) {
    if (String(key).length > 50) throw invalid('parameter key longer than 50 characters');
    this.key = String(key);
    return this;
  }
  setValue(value: string) {
    if (String(value).length > 1024) throw invalid('parameter value longer than 1024 characters');
    this.value = String(value);
    return this;
  }
}

class ConferenceError {
  type?: string;
  authenticationUrl?: string;
  setConferenceErrorType(type: string) {
    this.type = String(type);
    return this;
  }
  setAuthenticationUrl(url: string) {
    if (String(url).length > 1800) throw invalid('authentication url longer than 1800 characters');
    this.authenticationUrl = String(url);
    return this;
  }
}

export class BuiltConferenceData {
  constructor(readonly json: ConferenceDataJson) {}
  printJson(): string {
    return JSON.stringify(this.json);
  }
}

class ConferenceDataBuilder {
  private solutionId?: string;
  private conferenceId?: string;
  private readonly entryPoints: EntryPoint[] = [];
  private readonly parameters: ConferenceParameter[] = [];
  private error?: ConferenceError;
  private notes?: string;

  setConferenceSolutionId(id: string) {
    this.solutionId = String(id);
    return this;
  }
  setConferenceId(id: string) {
    if (String(id).length > 512) throw invalid('conference id longer than 512 characters');
    this.conferenceId = String(id);
    return this;
  }
  addEntryPoint(entryPoint: EntryPoint) {
    if (this.entryPoints.length >= 300) throw invalid('more than 300 entry points');
    this.entryPoints.push(entryPoint);
    return this;
  }
  addConferenceParameter(parameter: ConferenceParameter) {
    if (this.parameters.length >= 300) throw invalid('more than 300 parameters');
    this.parameters.push(parameter);
    return this;
  }
  setError(error: ConferenceError) {
    this.error = error;
    return this;
  }
  setNotes(notes: string) {
    if (String(notes).length > 2048) throw invalid('notes longer than 2048 characters');
    this.notes = String(notes);
    return this;
  }
  build(): BuiltConferenceData {
    if (!this.solutionId) throw invalid('no conference solution id');
    const json: ConferenceDataJson = { conferenceSolutionId: this.solutionId };
    if (this.error) {
      if (!this.error.type) throw invalid('conference error without a type');
      json.error = { conferenceErrorType: this.error.type };
      if (this.error.authenticationUrl) json.error.authenticationUrl = this.error.authenticationUrl;
      return new BuiltConferenceData(json);
    }
    if (!this.conferenceId) throw invalid('no conference id');
    if (this.entryPoints.length === 0) throw invalid('no entry point');
    json.conferenceId = this.conferenceId;
    json.entryPoints = this.entryPoints.map((e) => e.validate());
    const kinds = json.entryPoints.map((e) => e.entryPointType);
    for (const unique of ['video', 'sip', 'more']) {
      if (kinds.filter((k) => k === unique).length > 1) throw invalid(`more than one ${unique} entry point`);
    }
    if (this.parameters.length > 0) {
      const parameters: Record<string, string> = {};
      for (const p of this.parameters) {
        if (p.key === undefined || p.value === undefined) throw invalid('parameter without key or value');
        parameters[p.key] = p.value;
      }
      json.parameters = { addOnParameters: { parameters } };
    }
    if (this.notes !== undefined) json.notes = this.notes;
    return new BuiltConferenceData(json);
  }
}

export const conferenceDataService = strictService('ConferenceDataService', {
  EntryPointType,
  ConferenceErrorType,
  EntryPointFeature: { UNKNOWN_FEATURE: 'UNKNOWN_FEATURE', TOLL: 'TOLL', TOLL_FREE: 'TOLL_FREE' },
  newConferenceDataBuilder: () =>
    strictService('ConferenceDataService.ConferenceDataBuilder', new ConferenceDataBuilder()),
  newEntryPoint: () => strictService('ConferenceDataService.EntryPoint', new EntryPoint()),
  newConferenceParameter: () =>
    strictService('ConferenceDataService.ConferenceParameter', new ConferenceParameter()),
  newConferenceError: () => strictService('ConferenceDataService.ConferenceError', new ConferenceError()),
});
