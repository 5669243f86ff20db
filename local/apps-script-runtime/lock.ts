/**
 * LockService: a script lock and one lock per user, shared by every execution of the runtime; a lock an
 * execution still holds is released when it ends (apps-script-services.md §3). Executions run on one thread, so
 * two overlap only when one starts inside another (a test's interleaving hook, e.g. while the first one waits on
 * a fetch): the holder cannot release while the other waits, so a busy lock is refused at once rather than after
 * the timeout (no real time is spent; the outcome is the one Apps Script gives once the timeout passes).
 */
import { appsScriptException, strictService } from './errors';
import { count, type ExecutionContext } from './execution';

export const LOCK_TIMEOUT = 'Lock timeout: another process was holding the lock for too long.';

export class LockState {
  holder: Lock | null = null;
}

/** One handle on a lock, as `LockService.getUserLock()` returns it. */
export class Lock {
  constructor(
    private readonly state: LockState,
    private readonly execution: ExecutionContext,
  ) {}
  private call(method: string): void {
    this.execution.checkTime();
    count(this.execution.stats.lock, method);
  }
  private take(): boolean {
    if (this.state.holder === this) return true;
    if (this.state.holder !== null) return false;
    this.state.holder = this;
    this.execution.held.add(this);
    return true;
  }
  tryLock(timeoutInMillis: number): boolean {
    this.call('tryLock');
    if (typeof timeoutInMillis !== 'number') {
      throw appsScriptException(
        `The parameters (${typeof timeoutInMillis}) don't match the method signature for LockService.Lock.tryLock.`,
      );
    }
    return this.take();
  }
  waitLock(timeoutInMillis: number): void {
    this.call('waitLock');
    if (typeof timeoutInMillis !== 'number') {
      throw appsScriptException(
        `The parameters (${typeof timeoutInMillis}) don't match the method signature for LockService.Lock.waitLock.`,
      );
    }
    if (!this.take()) throw appsScriptException(LOCK_TIMEOUT);
  }
  hasLock(): boolean {
    this.call('hasLock');
    return this.state.holder === this;
  }
  releaseLock(): void {
    this.call('releaseLock');
    this.release();
  }
  /** The runtime's own release at the end of the execution (not counted as a script call). */
  release(): void {
    if (this.state.holder === this) this.state.holder = null;
    this.execution.held.delete(this);
  }
}

export interface LockStates {
  script: LockState;
  user(email: string): LockState;
}

export function lockService(states: LockStates, execution: ExecutionContext) {
  return strictService('LockService', {
    getScriptLock: () => strictService('Lock', new Lock(states.script, execution)),
    getUserLock: () => strictService('Lock', new Lock(states.user(execution.user), execution)),
    getDocumentLock: () => null,
  });
}
