/**
 * Runs a calendar's syncs one at a time per user without losing a trigger. The EventUpdated trigger says only
 * "something changed"; when it fires while another sync of this user holds the lock, simply giving up would
 * leave that change unsynced until some later edit fires the trigger again. So every run first leaves a rerun
 * request, then waits for the lock; whoever holds the lock syncs again as long as requests are pending.
 *
 * Why that loses nothing: a run that gives up waiting left its request before it started waiting, and the lock
 * holder takes requests only while holding the lock, after its sync. So the holder's last look at the requests
 * comes after the giving-up run's request was made, and the sync that request causes lists every change made
 * before it — including the one whose trigger gave up. The lock is per user, not per calendar, so the holder
 * also serves requests left for this user's other calendars.
 */
import type { LockPort } from './ports';
import { type PropertyStorePort, UserState } from './state';

/** Leaves a "sync again" request for a calendar where every execution of this user sees it (one write). */
export interface RerunRequests {
  request(calendarId: string): void;
}

export interface SerializedSyncOptions {
  /** How long a run waits for the lock before leaving its request to the holder. */
  lockWaitMs: number;
  /** Syncs one lock holding may run in a row; requests left after that wait for the next trigger. */
  maxRunsPerLock: number;
}

export type SerializedSyncOutcome<T> =
  /**
   * This run held the lock: the results of the syncs it ran, in order, for its own calendar and any other one
   * whose request it served (none when another run had already covered it).
   */
  | { kind: 'ran'; results: Array<{ calendarId: string; result: T }>; capped: boolean }
  /** Another run held the lock throughout; it will sync again for this run's request. */
  | { kind: 'handed-over' };

/**
 * A request is served once a sync that started after it was made has committed (the sync records the request's
 * nonce with its one write), so taking a request costs no call of its own: per run, one write for the request,
 * one read of the state, the sync's one write, and one read to see whether more requests arrived meanwhile.
 */
export function runSerializedSync<T>(
  lock: LockPort,
  store: PropertyStorePort,
  reruns: RerunRequests,
  calendarId: string,
  options: SerializedSyncOptions,
  sync: (calendarId: string, state: UserState, serves: string) => T,
): SerializedSyncOutcome<T> {
  reruns.request(calendarId);
  const held = lock.withLock(options.lockWaitMs, () => {
    const results: Array<{ calendarId: string; result: T }> = [];
    let state = new UserState(store.readAll());
    for (;;) {
      const next = state.pendingReruns(calendarId)[0];
      if (next === undefined) break;
      results.push({ calendarId: next, result: sync(next, state, state.pendingRerun(next) as string) });
      if (results.length >= options.maxRunsPerLock) break;
      // Fresh: requests other executions left while this sync ran are only in the store.
      state = new UserState(store.readAll());
    }
    return results;
  });
  if (held === undefined) return { kind: 'handed-over' };
  // Capped: a request may still be pending; the next trigger's run takes it. Reported so the log shows it.
  return { kind: 'ran', results: held, capped: held.length >= options.maxRunsPerLock };
}
