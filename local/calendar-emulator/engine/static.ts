/**
 * The read-only resources with fixed content: colors.get (Google's 24 calendar and 11 event colours,
 * the palette every Calendar client shows) and the user settings of settings.get / settings.list
 * (Google's setting ids with their usual defaults; `timezone` follows the user's primary calendar).
 */

const CALENDAR_BG = [
  '#ac725e',
  '#d06b64',
  '#f83a22',
  '#fa573c',
  '#ff7537',
  '#ffad46',
  '#42d692',
  '#16a765',
  '#7bd148',
  '#b3dc6c',
  '#fbe983',
  '#fad165',
  '#92e1c0',
  '#9fe1e7',
  '#9fc6e7',
  '#4986e7',
  '#9a9cff',
  '#b99aff',
  '#c2c2c2',
  '#cabdbf',
  '#cca6ac',
  '#f691b2',
  '#cd74e6',
  '#a47ae2',
];
const EVENT_BG = [
  '#a4bdfc',
  '#7ae7bf',
  '#dbadff',
  '#ff887c',
  '#fbd75b',
  '#ffb878',
  '#46d6db',
  '#e1e1e1',
  '#5484ed',
  '#51b749',
  '#dc2127',
];

const palette = (colors: string[]) =>
  Object.fromEntries(colors.map((background, i) => [String(i + 1), { background, foreground: '#1d1d1d' }]));

export function colors() {
  return {
    kind: 'calendar#colors',
    updated: '2012-02-14T00:00:00.000Z',
    calendar: palette(CALENDAR_BG),
    event: palette(EVENT_BG),
  };
}

/** Setting ids of settings.list, in Google's order, with their defaults. */
export function settings(timeZone: string): { id: string; value: string }[] {
  return [
    { id: 'autoAddHangouts', value: 'false' },
    { id: 'dateFieldOrder', value: 'MDY' },
    { id: 'defaultEventLength', value: '60' },
    { id: 'format24HourTime', value: 'false' },
    { id: 'hideInvitations', value: 'false' },
    { id: 'hideWeekends', value: 'false' },
    { id: 'locale', value: 'en' },
    { id: 'remindOnRespondedEventsOnly', value: 'false' },
    { id: 'showDeclinedEvents', value: 'true' },
    { id: 'timezone', value: timeZone },
    { id: 'useKeyboardShortcuts', value: 'true' },
    { id: 'weekStart', value: '0' },
  ];
}
