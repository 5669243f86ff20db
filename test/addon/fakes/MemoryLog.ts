/** A log that keeps its lines, so tests can assert that something was reported rather than silently dropped. */
import type { LogPort } from '../../../src/core/ports';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

export class MemoryLog implements LogPort {
  readonly entries: LogEntry[] = [];

  info(message: string, data?: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, data });
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, data });
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, data });
  }

  messages(level?: LogEntry['level']): string[] {
    return this.entries.filter((e) => level === undefined || e.level === level).map((e) => e.message);
  }
}
