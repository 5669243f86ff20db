/**
 * The Calendar API v3 REST surface as the current discovery document describes it (the one
 * `@googleapis/calendar` 16 is generated from): all 38 methods with their HTTP method, path and
 * query parameters. The server registers every route from this table, so a method the emulator does
 * not serve answers 501 naming it (never a 404 that looks like a wrong id), and every documented
 * parameter is accepted even where the emulator gives it no meaning.
 */

export type ParamType = 'string' | 'boolean' | 'integer' | 'strings';
export type Params = Record<string, ParamType>;

export interface MethodSpec {
  /** `events.move`, `calendarList.list`, … as Google names them. */
  name: string;
  verb: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** fastify route under /calendar/v3 */
  path: string;
  params: Params;
}

/** Google's standard query parameters, accepted on every method. */
export const STANDARD: Params = {
  alt: 'string',
  fields: 'string',
  key: 'string',
  prettyPrint: 'boolean',
  quotaUser: 'string',
  userIp: 'string',
  access_token: 'string',
  oauth_token: 'string',
  upload_protocol: 'string',
  uploadType: 'string',
  callback: 'string',
  '$.xgafv': 'string',
};

const EVENTS_LIST: Params = {
  alwaysIncludeEmail: 'boolean',
  eventTypes: 'strings',
  iCalUID: 'string',
  maxAttendees: 'integer',
  maxResults: 'integer',
  orderBy: 'string',
  pageToken: 'string',
  privateExtendedProperty: 'strings',
  q: 'string',
  sharedExtendedProperty: 'strings',
  showDeleted: 'boolean',
  showHiddenInvitations: 'boolean',
  singleEvents: 'boolean',
  syncToken: 'string',
  timeMax: 'string',
  timeMin: 'string',
  timeZone: 'string',
  updatedMin: 'string',
};
const EVENT_WRITE: Params = {
  alwaysIncludeEmail: 'boolean',
  conferenceDataVersion: 'integer',
  eventLabelVersion: 'integer',
  maxAttendees: 'integer',
  sendNotifications: 'boolean',
  sendUpdates: 'string',
  supportsAttachments: 'boolean',
};
const CAL_LIST: Params = {
  maxResults: 'integer',
  minAccessRole: 'string',
  pageToken: 'string',
  showDeleted: 'boolean',
  showHidden: 'boolean',
  showOwnOrganizationOnly: 'boolean',
  syncToken: 'string',
};
const ACL_LIST: Params = {
  maxResults: 'integer',
  pageToken: 'string',
  showDeleted: 'boolean',
  syncToken: 'string',
};
const SETTINGS_LIST: Params = { maxResults: 'integer', pageToken: 'string', syncToken: 'string' };

const C = '/calendars/:calendarId';
const E = `${C}/events`;

export const METHODS: MethodSpec[] = [
  { name: 'acl.delete', verb: 'DELETE', path: `${C}/acl/:ruleId`, params: {} },
  { name: 'acl.get', verb: 'GET', path: `${C}/acl/:ruleId`, params: {} },
  { name: 'acl.insert', verb: 'POST', path: `${C}/acl`, params: { sendNotifications: 'boolean' } },
  { name: 'acl.list', verb: 'GET', path: `${C}/acl`, params: ACL_LIST },
  { name: 'acl.patch', verb: 'PATCH', path: `${C}/acl/:ruleId`, params: { sendNotifications: 'boolean' } },
  { name: 'acl.update', verb: 'PUT', path: `${C}/acl/:ruleId`, params: { sendNotifications: 'boolean' } },
  { name: 'acl.watch', verb: 'POST', path: `${C}/acl/watch`, params: ACL_LIST },
  { name: 'calendarList.delete', verb: 'DELETE', path: '/users/me/calendarList/:calendarId', params: {} },
  { name: 'calendarList.get', verb: 'GET', path: '/users/me/calendarList/:calendarId', params: {} },
  {
    name: 'calendarList.insert',
    verb: 'POST',
    path: '/users/me/calendarList',
    params: { colorRgbFormat: 'boolean' },
  },
  { name: 'calendarList.list', verb: 'GET', path: '/users/me/calendarList', params: CAL_LIST },
  {
    name: 'calendarList.patch',
    verb: 'PATCH',
    path: '/users/me/calendarList/:calendarId',
    params: { colorRgbFormat: 'boolean' },
  },
  {
    name: 'calendarList.update',
    verb: 'PUT',
    path: '/users/me/calendarList/:calendarId',
    params: { colorRgbFormat: 'boolean' },
  },
  { name: 'calendarList.watch', verb: 'POST', path: '/users/me/calendarList/watch', params: CAL_LIST },
  { name: 'calendars.clear', verb: 'POST', path: `${C}/clear`, params: {} },
  { name: 'calendars.delete', verb: 'DELETE', path: C, params: {} },
  { name: 'calendars.get', verb: 'GET', path: C, params: {} },
  { name: 'calendars.insert', verb: 'POST', path: '/calendars', params: {} },
  { name: 'calendars.patch', verb: 'PATCH', path: C, params: {} },
  {
    name: 'calendars.transferOwnership',
    verb: 'POST',
    path: `${C}/transferOwnership`,
    params: { newDataOwner: 'string', useAdminAccess: 'boolean' },
  },
  { name: 'calendars.update', verb: 'PUT', path: C, params: {} },
  { name: 'channels.stop', verb: 'POST', path: '/channels/stop', params: {} },
  { name: 'colors.get', verb: 'GET', path: '/colors', params: {} },
  {
    name: 'events.delete',
    verb: 'DELETE',
    path: `${E}/:eventId`,
    params: { sendNotifications: 'boolean', sendUpdates: 'string' },
  },
  {
    name: 'events.get',
    verb: 'GET',
    path: `${E}/:eventId`,
    params: { alwaysIncludeEmail: 'boolean', maxAttendees: 'integer', timeZone: 'string' },
  },
  {
    name: 'events.import',
    verb: 'POST',
    path: `${E}/import`,
    params: {
      conferenceDataVersion: 'integer',
      eventLabelVersion: 'integer',
      supportsAttachments: 'boolean',
    },
  },
  { name: 'events.insert', verb: 'POST', path: E, params: EVENT_WRITE },
  {
    name: 'events.instances',
    verb: 'GET',
    path: `${E}/:eventId/instances`,
    params: {
      alwaysIncludeEmail: 'boolean',
      maxAttendees: 'integer',
      maxResults: 'integer',
      originalStart: 'string',
      pageToken: 'string',
      showDeleted: 'boolean',
      timeMax: 'string',
      timeMin: 'string',
      timeZone: 'string',
    },
  },
  { name: 'events.list', verb: 'GET', path: E, params: EVENTS_LIST },
  {
    name: 'events.move',
    verb: 'POST',
    path: `${E}/:eventId/move`,
    params: { destination: 'string', sendNotifications: 'boolean', sendUpdates: 'string' },
  },
  { name: 'events.patch', verb: 'PATCH', path: `${E}/:eventId`, params: EVENT_WRITE },
  {
    name: 'events.quickAdd',
    verb: 'POST',
    path: `${E}/quickAdd`,
    params: { sendNotifications: 'boolean', sendUpdates: 'string', text: 'string' },
  },
  { name: 'events.update', verb: 'PUT', path: `${E}/:eventId`, params: EVENT_WRITE },
  { name: 'events.watch', verb: 'POST', path: `${E}/watch`, params: EVENTS_LIST },
  { name: 'freebusy.query', verb: 'POST', path: '/freeBusy', params: {} },
  { name: 'settings.get', verb: 'GET', path: '/users/me/settings/:setting', params: {} },
  { name: 'settings.list', verb: 'GET', path: '/users/me/settings', params: SETTINGS_LIST },
  { name: 'settings.watch', verb: 'POST', path: '/users/me/settings/watch', params: SETTINGS_LIST },
];

export function methodSpec(name: string): MethodSpec {
  const m = METHODS.find((x) => x.name === name);
  if (!m) throw new Error(`unknown method ${name}`);
  return m;
}
