/** Clock over the runtime's Date; the core never reads the time any other way, so tests can fix it. */
import type { Clock } from '../core/ports';

export class AppsScriptClock implements Clock {
  now(): number {
    return Date.now();
  }
}
