/**
 * This user's property store kept in a map, with the real store's limits (9 KB a value, 500 KB in all, measured
 * as key plus value in UTF-8) and an all-or-nothing write, as the core's PropertyStorePort. Reads and writes are
 * counted: the real store has a daily quota and each call is a round trip.
 *
 * For tests it also answers the questions a test asks about the state (a record, a token, the retries), each by
 * reading the stored values afresh through the core's own codec, so a test sees what a later run would see.
 */
import type { ConferenceRecord, EventFailure, PendingRetry } from '../../../src/core/model';
import {
  eventKey,
  type PropertyStorePort,
  STORE_LIMIT_BYTES,
  StateStoreFullError,
  UserState,
  utf8Length,
} from '../../../src/core/state';

/** Google's measured limit for one value, key included. */
export const VALUE_LIMIT_BYTES = 8066;

export class MemoryStateStore implements PropertyStorePort {
  readonly values = new Map<string, string>();
  reads = 0;
  writes = 0;
  /** The store's size in bytes; tests lower it to fill the store. */
  limitBytes = STORE_LIMIT_BYTES;

  readAll(): Record<string, string> {
    this.reads++;
    return Object.fromEntries(this.values);
  }

  writeAll(values: Record<string, string>): void {
    this.writes++;
    const next = new Map(this.values);
    for (const [key, value] of Object.entries(values)) {
      if (utf8Length(key) + utf8Length(value) > VALUE_LIMIT_BYTES) {
        throw new StateStoreFullError('Argument too large: value');
      }
      next.set(key, value);
    }
    if (bytesOf(next) > this.limitBytes) {
      throw new StateStoreFullError(
        'You have exceeded the property storage quota. Please remove some properties and try again.',
      );
    }
    for (const [key, value] of next) this.values.set(key, value);
  }

  /** Bytes stored (keys and values). */
  bytes(): number {
    return bytesOf(this.values);
  }

  // -- inspection and seeding for tests: each call reads (and, for changes, writes) the stored state ----------

  state(): UserState {
    return new UserState(Object.fromEntries(this.values));
  }

  getSyncToken(calendarId: string): string | null {
    return this.state().peek(calendarId).token;
  }
  setSyncToken(calendarId: string, token: string): void {
    this.change(calendarId, (cal) => {
      cal.token = token;
    });
  }
  clearSyncToken(calendarId: string): void {
    this.change(calendarId, (cal) => {
      cal.token = null;
    });
  }
  getRecord(calendarId: string, eventId: string): ConferenceRecord | null {
    const record = this.state().peek(calendarId).records.get(eventKey(eventId));
    return record ? { ...record, eventId } : null;
  }
  putRecord(record: ConferenceRecord): void {
    this.change(record.calendarId, (cal) => {
      cal.records.set(eventKey(record.eventId), { ...record });
    });
  }
  deleteRecord(calendarId: string, eventId: string): void {
    this.change(calendarId, (cal) => {
      cal.records.delete(eventKey(eventId));
    });
  }
  listRecords(calendarId: string): ConferenceRecord[] {
    return [...this.state().peek(calendarId).records.values()];
  }
  listPendingRetries(calendarId: string): PendingRetry[] {
    return [...this.state().peek(calendarId).retries.values()];
  }
  putPendingRetry(retry: PendingRetry): void {
    this.change(retry.calendarId, (cal) => {
      cal.retries.set(retry.eventId, { ...retry });
    });
  }
  listFailures(calendarId: string): EventFailure[] {
    return [...this.state().peek(calendarId).failures.values()];
  }
  putFailure(failure: EventFailure): void {
    this.change(failure.calendarId, (cal) => {
      cal.failures.set(failure.eventId, { ...failure });
    });
  }

  private change(calendarId: string, fn: (cal: ReturnType<UserState['edit']>) => void): void {
    const state = this.state();
    fn(state.edit(calendarId));
    const reads = this.reads;
    const writes = this.writes;
    state.commit(this);
    // Seeding is the test's doing, not the code under test's: it does not count.
    this.reads = reads;
    this.writes = writes;
  }
}

function bytesOf(values: Map<string, string>): number {
  let total = 0;
  for (const [key, value] of values) total += utf8Length(key) + utf8Length(value);
  return total;
}
