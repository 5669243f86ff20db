/** A clock that only moves when a test moves it. Starts at a fixed instant, so reports and keys are repeatable. */
import type { Clock } from '../../../src/core/ports';

export const START_TIME = Date.parse('2025-03-25T12:00:00Z');

export class FakeClock implements Clock {
  constructor(private ms: number = START_TIME) {}

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }
}
