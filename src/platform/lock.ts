/**
 * LockPort over LockService.getUserLock(): one sync (or conference write) per user at a time, so overlapping
 * trigger runs never read the same token and process the same changes twice. Different users never block
 * each other, and their state is separate anyway.
 */
import type { LockPort } from '../core/ports';

export interface LockServiceLike {
  getUserLock(): { tryLock(timeoutMs: number): boolean; releaseLock(): void };
}

export class AppsScriptLock implements LockPort {
  constructor(private readonly lockService: LockServiceLike) {}

  withLock<T>(timeoutMs: number, fn: () => T): T | undefined {
    const lock = this.lockService.getUserLock();
    if (!lock.tryLock(timeoutMs)) return undefined;
    try {
      return fn();
    } finally {
      lock.releaseLock();
    }
  }
}
