/**
 * What every service sees of the execution it runs in: whose it is, its statistics (for benchmarks and the
 * playground's log), its time limit, the locks it holds and its log. One per execution, as in Apps Script.
 */
import { appsScriptException, EXCEEDED_MAXIMUM_EXECUTION_TIME } from './errors';

/** Service calls made by one execution, by service and method. */
export interface ExecutionStats {
  /** `Calendar.Events.<method>` calls (list, get, insert, patch, update, remove, instances, …). */
  calendar: Record<string, number>;
  /** `UrlFetchApp.fetch` calls. */
  fetch: number;
  /** One entry per `UrlFetchApp.fetchAll` call: the number of requests in it. */
  fetchAll: number[];
  /** PropertiesService store calls by method (getProperty, getProperties, setProperties, …). */
  properties: Record<string, number>;
  /** Lock calls by method (tryLock, waitLock, hasLock, releaseLock). */
  lock: Record<string, number>;
  /** CacheService calls by method. */
  cache: Record<string, number>;
}

export function emptyStats(): ExecutionStats {
  return { calendar: {}, fetch: 0, fetchAll: [], properties: {}, lock: {}, cache: {} };
}

export function count(bucket: Record<string, number>, method: string): void {
  bucket[method] = (bucket[method] ?? 0) + 1;
}

export type ExecutionKind = 'callback' | 'trigger' | 'direct';

export interface LogLine {
  user: string;
  execution: number;
  level: 'log' | 'info' | 'warn' | 'error';
  text: string;
}

/** Something an execution holds until it ends (a lock). */
export interface Releasable {
  release(): void;
}

export class ExecutionContext {
  readonly stats = emptyStats();
  readonly logs: LogLine[] = [];
  readonly held = new Set<Releasable>();
  private readonly startedReal = performance.now();
  private readonly startedClock: number;

  constructor(
    readonly id: number,
    readonly user: string,
    readonly kind: ExecutionKind,
    readonly limitMs: number,
    private readonly clockNow: () => number,
    private readonly clockIsVirtual: boolean,
    private readonly onLog: (line: LogLine) => void,
  ) {
    this.startedClock = clockNow();
  }

  /** Wall time used so far; on a virtual clock, time the script slept (Utilities.sleep) counts too. */
  elapsedMs(): number {
    const real = performance.now() - this.startedReal;
    return this.clockIsVirtual ? real + (this.clockNow() - this.startedClock) : real;
  }

  remainingMs(): number {
    return Math.max(0, this.limitMs - this.elapsedMs());
  }

  /** Called by every service method: past the limit, the execution dies with Apps Script's message. */
  checkTime(): void {
    if (this.elapsedMs() > this.limitMs) throw appsScriptException(EXCEEDED_MAXIMUM_EXECUTION_TIME);
  }

  log(level: LogLine['level'], text: string): void {
    const line = { user: this.user, execution: this.id, level, text };
    this.logs.push(line);
    this.onLog(line);
  }

  /** Apps Script releases every lock when the execution ends. */
  end(): void {
    for (const lock of [...this.held]) lock.release();
    this.held.clear();
  }
}
