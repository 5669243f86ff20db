/**
 * The runtime's clock: what the add-on's `new Date()` / `Date.now()` read, what time-driven triggers are due by,
 * and what caches expire by. Real time (optionally shifted forward, for the playground's "fast-forward one hour")
 * or virtual (moves only when told, for deterministic tests and benchmarks).
 */
export interface RuntimeClock {
  now(): number;
  /** Moves the clock forward (a virtual clock jumps; a real clock gains an offset). */
  advance(ms: number): void;
  readonly virtual: boolean;
}

/** A clock that only moves when told to. */
export class VirtualClock implements RuntimeClock {
  readonly virtual = true;
  constructor(private ms: number = Date.parse('2026-11-25T12:00:00Z')) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock only moves forward (advance(${ms}))`);
    this.ms += ms;
  }
  iso(): string {
    return new Date(this.ms).toISOString();
  }
}

/** The machine's clock plus whatever the clock was fast-forwarded by. */
export class RealClock implements RuntimeClock {
  readonly virtual = false;
  offsetMs = 0;
  now = (): number => Date.now() + this.offsetMs;
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock only moves forward (advance(${ms}))`);
    this.offsetMs += ms;
  }
}

/** A `Date` whose `new Date()` and `Date.now()` read `clock`; everything else is the real Date. */
export function dateOn(clock: RuntimeClock): DateConstructor {
  class ClockDate extends Date {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.now());
      else super(...(args as [string]));
    }
    static now(): number {
      return clock.now();
    }
  }
  return ClockDate as unknown as DateConstructor;
}
