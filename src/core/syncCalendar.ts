/**
 * One sync run of one calendar (placeholder signature; implemented by the core work in progress).
 */
import type { SyncReport } from './model';
import type { SyncOptions, SyncPorts } from './ports';

export function syncCalendar(
  _ports: SyncPorts,
  _calendarId: string,
  _options?: Partial<SyncOptions>,
): SyncReport {
  throw new Error('syncCalendar: not implemented yet');
}
