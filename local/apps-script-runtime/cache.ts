/**
 * CacheService: a script cache and one per user, values expiring on the runtime's clock, with the limits and
 * messages of apps-script-services.md §4 (250-character keys, 100 KB values, 600 s default, 6 h maximum,
 * 1,000 items with about 10 % evicted oldest first).
 */
import { appsScriptException, placeholderException, strictService } from './errors';
import { count, type ExecutionContext } from './execution';

const MAX_KEY_LENGTH = 250;
const MAX_VALUE_BYTES = 102_400;
const DEFAULT_TTL_S = 600;
const MAX_TTL_S = 21_600;
const MAX_ITEMS = 1000;

interface Entry {
  value: string;
  expiresAt: number;
  createdAt: number;
}

export class CacheData {
  readonly entries = new Map<string, Entry>();
}

export class Cache {
  constructor(
    private readonly data: CacheData,
    private readonly now: () => number,
    private readonly execution: ExecutionContext,
  ) {}
  private call(method: string): void {
    this.execution.checkTime();
    count(this.execution.stats.cache, method);
  }
  private key(key: unknown): string {
    if (key === null || key === undefined || key === '') throw appsScriptException('Invalid argument: key');
    const k = String(key);
    if (k.length > MAX_KEY_LENGTH) throw placeholderException('Argument too large: key');
    return k;
  }
  private live(key: string): Entry | undefined {
    const entry = this.data.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.data.entries.delete(key);
      return undefined;
    }
    return entry;
  }
  private store(values: Array<[string, string]>, ttlSeconds: unknown): void {
    const ttl = ttlSeconds === undefined ? DEFAULT_TTL_S : Math.min(Number(ttlSeconds), MAX_TTL_S);
    for (const [, v] of values) {
      if (Buffer.byteLength(v, 'utf8') > MAX_VALUE_BYTES)
        throw appsScriptException('Argument too large: value');
    }
    const now = this.now();
    for (const [k, v] of values) {
      this.data.entries.delete(k);
      this.data.entries.set(k, { value: v, expiresAt: now + ttl * 1000, createdAt: now });
    }
    if (this.data.entries.size > MAX_ITEMS) {
      // Oldest first (Map order is insertion order), about a tenth at once, as measured.
      const evict = this.data.entries.size - Math.floor(MAX_ITEMS * 0.9);
      for (const k of [...this.data.entries.keys()].slice(0, evict)) this.data.entries.delete(k);
    }
  }
  get(key: string): string | null {
    this.call('get');
    return this.live(this.key(key))?.value ?? null;
  }
  getAll(keys: string[]): Record<string, string> {
    this.call('getAll');
    const out: Record<string, string> = {};
    for (const key of keys) {
      const entry = this.live(this.key(key));
      if (entry) out[String(key)] = entry.value;
    }
    return out;
  }
  put(key: string, value: unknown, expirationInSeconds?: number): void {
    this.call('put');
    this.store([[this.key(key), String(value)]], expirationInSeconds);
  }
  putAll(values: Record<string, unknown>, expirationInSeconds?: number): void {
    this.call('putAll');
    this.store(
      Object.entries(values).map(([k, v]) => [this.key(k), String(v)]),
      expirationInSeconds,
    );
  }
  remove(key: string): void {
    this.call('remove');
    this.data.entries.delete(this.key(key));
  }
  removeAll(keys: string[]): void {
    this.call('removeAll');
    for (const key of keys) this.data.entries.delete(this.key(key));
  }
}

export interface CacheStores {
  script: CacheData;
  user(email: string): CacheData;
}

export function cacheService(stores: CacheStores, now: () => number, execution: ExecutionContext) {
  return strictService('CacheService', {
    getScriptCache: () => strictService('Cache', new Cache(stores.script, now, execution)),
    getUserCache: () => strictService('Cache', new Cache(stores.user(execution.user), now, execution)),
    getDocumentCache: () => null,
  });
}
