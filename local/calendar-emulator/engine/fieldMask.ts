/**
 * Google's partial-response `fields` parameter (`items(id,status,conferenceData(conferenceId)),nextSyncToken`):
 * parsed against the shape of the Events resources, so a misspelt or unknown field is the same 400 Google
 * answers ("Invalid field selection …"), and applied to responses, so a client sees only what it asked for —
 * and code that forgets a field in its mask fails here as it would against Google.
 */
import { Errors } from './errors';

/** A selection: `true` keeps the whole value; a nested selection keeps only those sub-fields. */
export type FieldMask = { [name: string]: FieldMask | true };

/** The resource shapes a mask is checked against; `{}` means "an object whose fields are not checked". */
type Shape = { [name: string]: Shape | null } | 'any';

const DATE_TIME: Shape = { date: null, dateTime: null, timeZone: null };
const PERSON: Shape = { id: null, email: null, displayName: null, self: null };
const ENTRY_POINT: Shape = {
  entryPointType: null,
  uri: null,
  label: null,
  pin: null,
  accessCode: null,
  meetingCode: null,
  passcode: null,
  password: null,
  entryPointFeatures: null,
  regionCode: null,
};
const CONFERENCE_DATA: Shape = {
  conferenceId: null,
  conferenceSolution: { key: { type: null }, name: null, iconUri: null },
  entryPoints: ENTRY_POINT,
  createRequest: { requestId: null, conferenceSolutionKey: { type: null }, status: { statusCode: null } },
  parameters: 'any',
  notes: null,
  signature: null,
};
const EVENT: Shape = {
  kind: null,
  etag: null,
  id: null,
  status: null,
  htmlLink: null,
  created: null,
  updated: null,
  summary: null,
  description: null,
  location: null,
  colorId: null,
  creator: PERSON,
  organizer: PERSON,
  start: DATE_TIME,
  end: DATE_TIME,
  endTimeUnspecified: null,
  recurrence: null,
  recurringEventId: null,
  originalStartTime: DATE_TIME,
  transparency: null,
  visibility: null,
  iCalUID: null,
  sequence: null,
  attendees: {
    id: null,
    email: null,
    displayName: null,
    organizer: null,
    self: null,
    resource: null,
    optional: null,
    responseStatus: null,
    comment: null,
    additionalGuests: null,
  },
  attendeesOmitted: null,
  extendedProperties: 'any',
  hangoutLink: null,
  conferenceData: CONFERENCE_DATA,
  gadget: 'any',
  anyoneCanAddSelf: null,
  guestsCanInviteOthers: null,
  guestsCanModify: null,
  guestsCanSeeOtherGuests: null,
  privateCopy: null,
  locked: null,
  reminders: 'any',
  source: 'any',
  workingLocationProperties: 'any',
  outOfOfficeProperties: 'any',
  focusTimeProperties: 'any',
  attachments: 'any',
  birthdayProperties: 'any',
  eventType: null,
};
export const EVENTS_SHAPE: Shape = {
  kind: null,
  etag: null,
  summary: null,
  description: null,
  updated: null,
  timeZone: null,
  accessRole: null,
  defaultReminders: 'any',
  nextPageToken: null,
  nextSyncToken: null,
  items: EVENT,
};
export const EVENT_SHAPE: Shape = EVENT;

/** Parses a `fields` value against a resource shape; a malformed or unknown selection is Google's 400. */
export function parseFieldMask(fields: string, shape: Shape): FieldMask {
  let pos = 0;
  const invalid = (): never => {
    throw Errors.invalidParameter('fields', `Invalid field selection ${fields}`);
  };
  const name = (): string => {
    const match = /^(?:\*|[A-Za-z_$][A-Za-z0-9_$]*)/.exec(fields.slice(pos));
    if (!match) return invalid();
    pos += match[0].length;
    return match[0];
  };
  const list = (within: Shape): FieldMask => {
    const mask: FieldMask = {};
    for (;;) {
      merge(mask, selection(within));
      if (fields[pos] !== ',') return mask;
      pos++;
    }
  };
  const selection = (within: Shape): FieldMask => {
    const field = name();
    const inner = field === '*' || within === 'any' ? 'any' : within[field];
    if (inner === undefined) return invalid();
    let rest: FieldMask | true = true;
    if (fields[pos] === '/' || fields[pos] === '(') {
      if (inner === null) return invalid(); // sub-fields of a plain value
      if (fields[pos] === '/') {
        pos++;
        rest = selection(inner);
      } else {
        pos++;
        rest = list(inner);
        if (fields[pos] !== ')') return invalid();
        pos++;
      }
    }
    return { [field]: rest };
  };
  const mask = list(shape);
  if (pos !== fields.length) invalid();
  return mask;
}

function merge(into: FieldMask, from: FieldMask): void {
  for (const [key, value] of Object.entries(from)) {
    const held = into[key];
    if (held === true || value === true) into[key] = true;
    else if (held === undefined) into[key] = value;
    else merge(held, value);
  }
}

/** Keeps only the selected fields; arrays are filtered element by element, as Google does. */
export function applyFieldMask<T>(value: T, mask: FieldMask): T {
  if (Array.isArray(value)) return value.map((item) => applyFieldMask(item, mask)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const selected = mask[key] ?? mask['*'];
    if (selected === undefined) continue;
    out[key] = selected === true ? source[key] : applyFieldMask(source[key], selected);
  }
  return out as T;
}
