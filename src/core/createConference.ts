/**
 * Conference creation for createConference (placeholder signature; implemented by the core work in progress).
 */
import type { Conference } from '../../contracts/conference-api';
import type { ConferenceRecord } from './model';
import type { SyncPorts } from './ports';

export type CreateConferenceResult =
  | { ok: true; conference: Conference; record: ConferenceRecord }
  | { ok: false; errorType: 'TEMPORARY' | 'PERMANENT'; message: string };

export function createConferenceForEvent(
  _ports: SyncPorts,
  _calendarId: string,
  _eventId: string,
): CreateConferenceResult {
  throw new Error('createConferenceForEvent: not implemented yet');
}
