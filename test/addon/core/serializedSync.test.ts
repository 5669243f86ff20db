/**
 * Serialised syncs per user: a trigger that fires while another sync holds the lock must not be lost. Concurrency
 * is simulated in one thread: a "concurrent" run is started from inside the lock holder's sync.
 */
import type { LockPort } from '../../../src/core/ports';
import { type RerunRequests, runSerializedSync } from '../../../src/core/serializedSync';
import { stateKeys, UserState } from '../../../src/core/state';
import { MemoryStateStore } from '../fakes';

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

/** Requests as nonces in the same property store the state lives in, as the Apps Script adapter keeps them. */
class MemoryRerunRequests implements RerunRequests {
  private count = 0;
  constructor(private readonly store: MemoryStateStore) {}
  request(calendarId: string): void {
    this.store.writeAll({ [stateKeys.rerun(calendarId)]: `nonce-${++this.count}` });
  }
  /** Calendars whose request no committed sync has served yet. */
  get pending(): Set<string> {
    return new Set(new UserState(Object.fromEntries(this.store.values)).pendingReruns());
  }
}

const CAL = 'alice@example.com';
const TEAM = 'team@example.com';
const OPTIONS = { lockWaitMs: 1000, maxRunsPerLock: 3 };

function setup() {
  const lock = new SingleThreadLock();
  const store = new MemoryStateStore();
  const reruns = new MemoryRerunRequests(store);
  let syncs = 0;
  const synced: string[] = [];
  const run = (duringSync: () => void = () => {}, calendarId = CAL) =>
    runSerializedSync(lock, store, reruns, calendarId, OPTIONS, (id, state, serves) => {
      syncs++;
      synced.push(id);
      duringSync();
      // What a sync does with the request: records it as served with its one write.
      state.edit(id).served = serves;
      state.commit(store);
      return `report ${syncs}`;
    });
  return { reruns, run, store, syncs: () => syncs, synced };
}

describe('runSerializedSync', () => {
  it('a lone run syncs once and leaves no request behind, in four property calls', () => {
    const { run, reruns, store, syncs } = setup();
    expect(run()).toEqual({ kind: 'ran', results: [{ calendarId: CAL, result: 'report 1' }], capped: false });
    expect(syncs()).toBe(1);
    expect(reruns.pending.size).toBe(0);
    // The request, the state read under the lock, the sync's write, and the look for newer requests.
    expect({ reads: store.reads, writes: store.writes }).toEqual({ reads: 2, writes: 2 });
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
