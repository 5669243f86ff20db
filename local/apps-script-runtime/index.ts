/** Public surface of the local Apps Script runtime (see README.md). */
export { type Card, cardTextToHtml, renderCardHtml } from './card-service';
export { RealClock, type RuntimeClock, VirtualClock } from './clock';
export { BuiltConferenceData, type ConferenceDataJson } from './conference-data';
export { appsScriptException, NotModelledError } from './errors';
export type { ExecutionKind, ExecutionStats, LogLine } from './execution';
export { MAX_PROPERTY_STORE_BYTES, MAX_PROPERTY_VALUE_BYTES, PropertyData } from './properties';
export {
  AppsScriptRuntime,
  calendarConferenceData,
  DEFAULT_LIMITS,
  describeError,
  type ExecutionRecord,
  type Manifest,
  type RuntimeOptions,
} from './runtime';
export { MAX_TRIGGERS_PER_USER, type TriggerRecord } from './script-app';
export { isLoopbackUrl, SyncHttp } from './sync-http';
export { type FetchRecord, requestFailedMessage } from './url-fetch';
export { CalendarWatcher, type WatcherOptions } from './watch';
