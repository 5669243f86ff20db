/**
 * Serialised syncs per user: a trigger that fires while another sync holds the lock must not be lost. Concurrency
 * is simulated in one thread: a "concurrent" run is started from inside the lock holder's sync.
 */
import type { LockPort } from '../../../src/core/ports';
import { type RerunRequests, runSerializedSync } from '../../../src/core/serializedSync';

class SingleThreadLock implements LockPort {
  private held = false;
  withLock<T>(_timeoutMs: number, fn: () => T): T | undefined {
    if (this.held) return undefined;
    this.held = true;
    try {
      return fn();
    } finally {
      this.held = false;
    }
  }
}

class MemoryRerunRequests implements RerunRequests {
  readonly pending = new Set<string>();
  request(calendarId: string): void {
    this.pending.add(calendarId);
  }
  take(calendarId: string): boolean {
    return this.pending.delete(calendarId);
  }
  takeAny(): string | null {
    const [first] = this.pending;
    if (first === undefined) return null;
    this.pending.delete(first);
    return first;
  }
}

const CAL = 'alice@example.com';
const TEAM = 'team@example.com';
const OPTIONS = { lockWaitMs: 1000, maxRunsPerLock: 3 };

function setup() {
  const lock = new SingleThreadLock();
  const reruns = new MemoryRerunRequests();
  let syncs = 0;
  const synced: string[] = [];
  const run = (duringSync: () => void = () => {}, calendarId = CAL) =>
    runSerializedSync(lock, reruns, calendarId, OPTIONS, (id) => {
      syncs++;
      synced.push(id);
      duringSync();
      return `report ${syncs}`;
    });
  return { reruns, run, syncs: () => syncs, synced };
}

describe('runSerializedSync', () => {
  it('a lone run syncs once and leaves no request behind', () => {
    const { run, reruns, syncs } = setup();
    expect(run()).toEqual({ kind: 'ran', results: [{ calendarId: CAL, result: 'report 1' }], capped: false });
    expect(syncs()).toBe(1);
    expect(reruns.pending.size).toBe(0);
  });

  it('a trigger arriving during a sync is handed over, and the holder syncs again for it', () => {
    const { run, syncs } = setup();
    let concurrent: ReturnType<typeof run> | undefined;
    const outcome = run(() => {
      if (syncs() === 1) concurrent = run();
    });
    expect(concurrent).toEqual({ kind: 'handed-over' });
    expect(outcome).toEqual({
      kind: 'ran',
      results: [
        { calendarId: CAL, result: 'report 1' },
        { calendarId: CAL, result: 'report 2' },
      ],
      capped: false,
    });
  });

  it('a run whose request was already covered by the holder syncs no more', () => {
    const { run, reruns, syncs } = setup();
    run(() => {
      if (syncs() === 1) run();
    });
    // The handed-over run's request was taken by the holder; nothing is pending for a later lock holder.
    expect(reruns.pending.size).toBe(0);
    expect(syncs()).toBe(2);
  });

  it('stops after maxRunsPerLock when changes keep arriving, and leaves the last request pending', () => {
    const { run, reruns, syncs } = setup();
    const outcome = run(() => {
      run();
    });
    expect(syncs()).toBe(3);
    expect(outcome).toMatchObject({ kind: 'ran', capped: true });
    expect(reruns.pending.has(CAL)).toBe(true);
  });

  it("the holder also serves a request another calendar's trigger handed over (the lock is per user)", () => {
    const { run, reruns, synced } = setup();
    let concurrent: ReturnType<typeof run> | undefined;
    run(() => {
      if (synced.length === 1) concurrent = run(() => {}, TEAM);
    });
    expect(concurrent).toEqual({ kind: 'handed-over' });
    expect(synced).toEqual([CAL, TEAM]);
    expect(reruns.pending.size).toBe(0);
  });
});
