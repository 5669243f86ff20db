/** Shared types of the Calendar emulator engine: API resource shapes and the option bags of each method. */

export interface EventDateTime {
  date?: string;
  dateTime?: string;
  timeZone?: string;
}

/** An Event resource as the API returns it (only the fields the engine reads are typed). */
export interface EventResource {
  kind?: 'calendar#event';
  etag?: string;
  id?: string;
  status?: string;
  recurringEventId?: string;
  originalStartTime?: EventDateTime;
  start?: EventDateTime;
  end?: EventDateTime;
  recurrence?: string[];
  attendees?: Attendee[];
  summary?: string;
  description?: string;
  location?: string;
  iCalUID?: string;
  sequence?: number;
  updated?: string;
  created?: string;
  conferenceData?: Record<string, any>;
  organizer?: { email?: string; displayName?: string; self?: boolean };
  creator?: { email?: string; displayName?: string; self?: boolean };
  [key: string]: unknown;
}

export interface Attendee {
  email?: string;
  displayName?: string;
  responseStatus?: 'needsAction' | 'declined' | 'tentative' | 'accepted';
  organizer?: boolean;
  self?: boolean;
  resource?: boolean;
  optional?: boolean;
  comment?: string;
  additionalGuests?: number;
  [key: string]: unknown;
}

/** The `calendar#events` envelope. Exactly one of nextPageToken / nextSyncToken is set (or neither for instances). */
export interface EventsList {
  kind: 'calendar#events';
  etag: string;
  summary: string;
  description: string;
  updated: string;
  timeZone: string;
  accessRole: string;
  defaultReminders: { method: string; minutes: number }[];
  nextPageToken?: string;
  nextSyncToken?: string;
  items: EventResource[];
}

/** `events.list` parameters, typed as Google's Node client types them. */
export interface ListParams {
  maxResults?: number;
  pageToken?: string;
  syncToken?: string;
  showDeleted?: boolean;
  singleEvents?: boolean;
  orderBy?: 'startTime' | 'updated';
  timeMin?: string;
  timeMax?: string;
  updatedMin?: string;
  q?: string;
  iCalUID?: string;
  privateExtendedProperty?: string | string[];
  sharedExtendedProperty?: string | string[];
  eventTypes?: string | string[];
  timeZone?: string;
  maxAttendees?: number;
  showHiddenInvitations?: boolean;
  alwaysIncludeEmail?: boolean;
}

export interface InstancesParams {
  maxResults?: number;
  pageToken?: string;
  showDeleted?: boolean;
  timeMin?: string;
  timeMax?: string;
  originalStart?: string;
  timeZone?: string;
  maxAttendees?: number;
  alwaysIncludeEmail?: boolean;
}

export interface WriteParams {
  conferenceDataVersion?: number;
  sendUpdates?: string;
  sendNotifications?: boolean;
  supportsAttachments?: boolean;
  maxAttendees?: number;
}

/** Conditional request headers (`If-Match` on writes, `If-None-Match` on get). */
export interface Conditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

export interface EngineOptions {
  /** Clock in ms since the epoch; inject a fake clock for deterministic tests. Default Date.now. */
  now?: () => number;
  /** Secret for token HMACs and id generation. Default: random per engine (tokens do not survive a restart). */
  secret?: string;
  /** Prefix Apps Script error messages with `API call to calendar.events.<m> failed with error: `. Default true. */
  appsScriptErrorPrefix?: boolean;
  /** Quirk: an `orderBy` on a full sync suppresses `nextSyncToken` (community reports). Default true. */
  orderBySuppressesSyncToken?: boolean;
  /** Sync tokens older than this many ms answer 410 fullSyncRequired. Default undefined (never expire). */
  syncTokenMaxAgeMs?: number;
  /** `updatedMin` older than now minus this many ms answers 410 updatedMinTooLongAgo. Default undefined (off). */
  updatedMinHorizonMs?: number;
  /** Time zone of every calendar (Events.timeZone, all-day boundaries, zone-less inputs). Default 'UTC'. */
  defaultTimeZone?: string;
  /** Which attendee addresses are emulator users that get their own copy (rooms included). Default: every address. */
  isUser?: (email: string) => boolean;
  /** Most instances a series expands to when listed with singleEvents or via instances. Default 730. */
  maxInstancesPerSeries?: number;
  /** update (PUT) with conferenceDataVersion 0 keeps existing conferenceData (UNCONFIRMED in Google). Default true. */
  keepConferenceDataOnUpdateV0?: boolean;
  /**
   * ACLs are enforced: a user sees another's calendar only through an ACL rule (404 without one,
   * 403 requiredAccessLevel below the role a method needs). Default true; false = everyone is owner
   * of every calendar (the behaviour before ACLs existed).
   */
  enforceAcl?: boolean;
  /** Most attendees an event may have; more is a 400 (see Errors.tooManyAttendees). Default 1000. */
  maxAttendees?: number;
}

/** Paging and sync parameters of acl.list / calendarList.list. */
export interface CollectionParams {
  maxResults?: number;
  pageToken?: string;
  showDeleted?: boolean;
  syncToken?: string;
}

export interface CalendarListParams extends CollectionParams {
  minAccessRole?: string;
  showHidden?: boolean;
  showOwnOrganizationOnly?: boolean;
}

/** A `calendar#calendar` resource. */
export interface CalendarResource {
  kind: 'calendar#calendar';
  etag: string;
  id: string;
  summary: string;
  description?: string;
  location?: string;
  timeZone?: string;
  conferenceProperties?: { allowedConferenceSolutionTypes: string[] };
}

export interface CalendarListEntryResource {
  kind: 'calendar#calendarListEntry';
  etag: string;
  id: string;
  summary?: string;
  description?: string;
  location?: string;
  timeZone?: string;
  summaryOverride?: string;
  colorId?: string;
  backgroundColor?: string;
  foregroundColor?: string;
  hidden?: boolean;
  selected?: boolean;
  accessRole?: string;
  defaultReminders?: { method: string; minutes: number }[];
  notificationSettings?: { notifications: { type: string; method: string }[] };
  primary?: boolean;
  deleted?: boolean;
  conferenceProperties?: { allowedConferenceSolutionTypes: string[] };
}

export interface CalendarListList {
  kind: 'calendar#calendarList';
  etag: string;
  nextPageToken?: string;
  nextSyncToken?: string;
  items: CalendarListEntryResource[];
}

export interface AclRuleResource {
  kind: 'calendar#aclRule';
  etag: string;
  id: string;
  scope: { type: string; value?: string };
  role: string;
}

export interface AclList {
  kind: 'calendar#acl';
  etag: string;
  nextPageToken?: string;
  nextSyncToken?: string;
  items: AclRuleResource[];
}

/** A push notification channel as the engine keeps it. */
export interface Channel {
  id: string;
  /** what it watches: a change key of `CalendarEngine.onChange` (`events:<calendarId>`, …) */
  key: string;
  owner: string;
  resourceId: string;
  resourceUri: string;
  address: string;
  token?: string;
  /** ms since the epoch */
  expiration: number;
  /** the last X-Goog-Message-Number used */
  messageNumber: number;
}

/** The `api#channel` resource watch methods return (expiration: int64 as a string, as Google's JSON has it). */
export interface ChannelResource {
  kind: 'api#channel';
  id: string;
  resourceId: string;
  resourceUri: string;
  token?: string;
  expiration?: string;
}
