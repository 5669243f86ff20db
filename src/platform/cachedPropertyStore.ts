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

/** The Properties methods every implementation has, the real service and hand-made stand-ins alike. */
export interface BasicProperties {
  getProperty(key: string): string | null;
  setProperty(key: string, value: string): unknown;
  deleteProperty(key: string): unknown;
  getProperties(): { [key: string]: string };
  setProperties?(properties: { [key: string]: string }): unknown;
  getKeys?(): string[];
}

/**
 * A full BulkPropertyStore over any Properties object: Apps Script's has every method, but a local runtime or a
 * test double may offer only the basic four, and the add-on must not fail on that.
 */
export function bulkProperties(props: BasicProperties): BulkPropertyStore {
  return {
    getProperty: (key) => props.getProperty(key),
    getProperties: () => props.getProperties(),
    deleteProperty: (key) => props.deleteProperty(key),
    getKeys: () => (props.getKeys ? props.getKeys() : Object.keys(props.getProperties())),
    setProperties: (properties) => {
      if (props.setProperties) return props.setProperties(properties);
      for (const [key, value] of Object.entries(properties)) props.setProperty(key, value);
      return props;
    },
  };
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
