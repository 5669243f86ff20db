/**
 * PropertiesService: one store for the script and one per user, string values only, 9 KB per value and 500 KB
 * per store (keys count), with the verbatim errors of apps-script-services.md §2 and §13. Stores live in the
 * runtime (they outlive executions) and may be persisted to a JSON file after every write (npm start does).
 */
import { appsScriptException, strictService } from './errors';
import { count, type ExecutionContext } from './execution';

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
/** "9 KB / val" (quotas page). */
export const MAX_PROPERTY_VALUE_BYTES = 9 * 1024;
/** "500 KB / property store"; keys count toward it. */
export const MAX_PROPERTY_STORE_BYTES = 500 * 1024;
export const STORE_FULL =
  'You have exceeded the property storage quota. Please remove some properties and try again.';

/** The data of one store; `onChange` runs after every successful write. */
export class PropertyData {
  readonly data = new Map<string, string>();
  onChange: (() => void) | undefined;

  /** Applies a write atomically: checks the limits on the result first, changes nothing when they fail. */
  write(mutate: (next: Map<string, string>) => void): void {
    const next = new Map(this.data);
    mutate(next);
    let total = 0;
    for (const [k, v] of next) total += utf8(k) + utf8(v);
    if (total > MAX_PROPERTY_STORE_BYTES) throw appsScriptException(STORE_FULL);
    this.data.clear();
    for (const [k, v] of next) this.data.set(k, v);
    this.onChange?.();
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.data);
  }

  load(values: Record<string, unknown>): void {
    this.data.clear();
    for (const [k, v] of Object.entries(values)) this.data.set(k, String(v));
  }
}

const checkValue = (value: string) => {
  if (utf8(value) > MAX_PROPERTY_VALUE_BYTES) throw appsScriptException('Argument too large: value');
};

/** Apps Script's `Properties` over one store, counting calls into the execution's statistics. */
export class Properties {
  constructor(
    private readonly store: PropertyData,
    private readonly execution: ExecutionContext,
  ) {}
  private call(method: string): void {
    this.execution.checkTime();
    count(this.execution.stats.properties, method);
  }
  getProperty(key: string): string | null {
    this.call('getProperty');
    return this.store.data.get(String(key)) ?? null;
  }
  getProperties(): Record<string, string> {
    this.call('getProperties');
    return Object.fromEntries(this.store.data);
  }
  getKeys(): string[] {
    this.call('getKeys');
    return [...this.store.data.keys()];
  }
  setProperty(key: string, value: unknown): this {
    this.call('setProperty');
    const text = String(value);
    checkValue(text);
    this.store.write((next) => next.set(String(key), text));
    return this;
  }
  setProperties(properties: Record<string, unknown>, deleteAllOthers = false): this {
    this.call('setProperties');
    if (properties === null || typeof properties !== 'object') {
      throw appsScriptException(
        "The parameters (String) don't match the method signature for PropertiesService.Properties.setProperties.",
      );
    }
    const entries = Object.entries(properties).map(([k, v]) => [k, String(v)] as const);
    for (const [, v] of entries) checkValue(v);
    this.store.write((next) => {
      if (deleteAllOthers === true) next.clear();
      for (const [k, v] of entries) next.set(k, v);
    });
    return this;
  }
  deleteProperty(key: string): this {
    this.call('deleteProperty');
    if (this.store.data.has(String(key))) this.store.write((next) => next.delete(String(key)));
    return this;
  }
  deleteAllProperties(): this {
    this.call('deleteAllProperties');
    this.store.write((next) => next.clear());
    return this;
  }
}

export interface PropertyStores {
  script: PropertyData;
  user(email: string): PropertyData;
}

export function propertiesService(stores: PropertyStores, execution: ExecutionContext) {
  return strictService('PropertiesService', {
    getScriptProperties: () => strictService('Properties', new Properties(stores.script, execution)),
    getUserProperties: () =>
      strictService('Properties', new Properties(stores.user(execution.user), execution)),
    /** "null if … not in the context of a containing document" (a standalone add-on has none). */
    getDocumentProperties: () => null,
  });
}
