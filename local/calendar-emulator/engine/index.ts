/** Public surface of the Calendar emulator engine. */
export { type AppsScriptEvents, type AppsScriptEventsFull, appsScriptEvents } from './apps-script';
export { CalendarEngine } from './engine';
export {
  type AppsScriptError,
  Errors,
  faultError,
  GoogleApiError,
  type GoogleErrorBody,
  toAppsScriptError,
} from './errors';
export type * from './types';
