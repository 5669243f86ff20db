/**
 * This user's durable state kept in maps, keyed per calendar like the real store. Values go through a JSON
 * round trip on the way in and out, as they do in PropertiesService, so a test cannot pass by sharing an object
 * the core mutates after storing it.
 */
import type { ConferenceRecord, EventFailure, PendingRetry } from '../../../src/core/model';
import type { StateStore } from '../../../src/core/ports';

export class MemoryStateStore implements StateStore {
  private readonly tokens = new Map<string, string>();
  private readonly records = new Map<string, string>();
  private readonly retries = new Map<string, string>();
  private readonly failures = new Map<string, string>();
  /** Number of writes (puts, sets, deletes, clears): real stores have write quotas. */
  writes = 0;

  getSyncToken(calendarId: string): string | null {
    return this.tokens.get(calendarId) ?? null;
  }
  setSyncToken(calendarId: string, token: string): void {
    this.writes++;
    this.tokens.set(calendarId, token);
  }
  clearSyncToken(calendarId: string): void {
    this.writes++;
    this.tokens.delete(calendarId);
  }

  getRecord(calendarId: string, eventId: string): ConferenceRecord | null {
    return read(this.records, key(calendarId, eventId));
  }
  putRecord(record: ConferenceRecord): void {
    this.write(this.records, key(record.calendarId, record.eventId), record);
  }
  deleteRecord(calendarId: string, eventId: string): void {
    this.remove(this.records, key(calendarId, eventId));
  }
  listRecords(calendarId: string): ConferenceRecord[] {
    return list(this.records, calendarId);
  }

  listPendingRetries(calendarId: string): PendingRetry[] {
    return list(this.retries, calendarId);
  }
  putPendingRetry(retry: PendingRetry): void {
    this.write(this.retries, key(retry.calendarId, retry.eventId), retry);
  }
  deletePendingRetry(calendarId: string, eventId: string): void {
    this.remove(this.retries, key(calendarId, eventId));
  }

  listFailures(calendarId: string): EventFailure[] {
    return list(this.failures, calendarId);
  }
  putFailure(failure: EventFailure): void {
    this.write(this.failures, key(failure.calendarId, failure.eventId), failure);
  }
  clearFailure(calendarId: string, eventId: string): void {
    this.remove(this.failures, key(calendarId, eventId));
  }

  private write(map: Map<string, string>, k: string, value: unknown): void {
    this.writes++;
    map.set(k, JSON.stringify(value));
  }

  private remove(map: Map<string, string>, k: string): void {
    this.writes++;
    map.delete(k);
  }
}

function key(calendarId: string, eventId: string): string {
  return JSON.stringify([calendarId, eventId]);
}

function read<T>(map: Map<string, string>, k: string): T | null {
  const value = map.get(k);
  return value === undefined ? null : (JSON.parse(value) as T);
}

function list<T>(map: Map<string, string>, calendarId: string): T[] {
  return [...map.entries()]
    .filter(([k]) => (JSON.parse(k) as string[])[0] === calendarId)
    .map(([, value]) => JSON.parse(value) as T);
}
