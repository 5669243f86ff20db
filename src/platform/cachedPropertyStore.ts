/**
 * A per-execution snapshot of a Properties store. Each PropertiesService call counts against a daily quota
 * (50,000 reads and writes for a consumer account) and costs a round trip, and a sync run reads every record of
 * the calendar (expiry, housekeeping) plus one per changed event: uncached, a few hundred conferences and a busy
 * calendar's triggers would exhaust the quota by midday. One `getProperties()` serves every read of the run;
 * writes go through to the store at once and update the snapshot.
 *
 * Only for state this execution owns while it holds the user lock (the sync state). Anything other executions
 * write while this one runs (rerun requests) must be read from the store itself.
 */
import type { PropertyStore } from './stateStore';

export interface BulkPropertyStore extends PropertyStore {
  getProperties(): { [key: string]: string };
}

export class CachedPropertyStore implements PropertyStore {
  private snapshot: Map<string, string> | undefined;

  constructor(private readonly store: BulkPropertyStore) {}

  getProperty(key: string): string | null {
    return this.values().get(key) ?? null;
  }

  getKeys(): string[] {
    return [...this.values().keys()];
  }

  setProperties(properties: { [key: string]: string }): unknown {
    this.store.setProperties(properties);
    const values = this.values();
    for (const [key, value] of Object.entries(properties)) values.set(key, String(value));
    return this;
  }

  deleteProperty(key: string): unknown {
    this.store.deleteProperty(key);
    this.values().delete(key);
    return this;
  }

  private values(): Map<string, string> {
    if (this.snapshot === undefined) this.snapshot = new Map(Object.entries(this.store.getProperties()));
    return this.snapshot;
  }
}
