/**
 * LogPort over Apps Script's `console` (execution log and Cloud Logging, with levels). Each entry is one line:
 * the message, then its data as JSON. Every line is scrubbed of the secrets it was given (the API key), so a
 * key echoed inside some error text still never reaches a log.
 */
import type { LogPort } from '../core/ports';

export interface ConsoleLike {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export class ConsoleLog implements LogPort {
  private readonly secrets: string[];

  constructor(
    private readonly out: ConsoleLike,
    secrets: Array<string | null | undefined> = [],
  ) {
    this.secrets = secrets.filter((s): s is string => typeof s === 'string' && s.trim() !== '');
  }

  info(message: string, data?: Record<string, unknown>): void {
    this.out.log(this.line(message, data));
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.out.warn(this.line(message, data));
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.out.error(this.line(message, data));
  }

  private line(message: string, data?: Record<string, unknown>): string {
    const text = data === undefined ? message : `${message} ${safeJson(data)}`;
    return this.secrets.reduce((acc, secret) => acc.split(secret).join('[redacted]'), text);
  }
}

/** Log data for a caught value: errors keep their name and message (JSON.stringify would give `{}`). */
export function describeError(e: unknown): Record<string, unknown> {
  if (e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)) {
    const err = e as Error & { status?: unknown; code?: unknown; retryable?: unknown; property?: unknown };
    const out: Record<string, unknown> = { name: err.name, message: err.message };
    for (const field of ['status', 'code', 'retryable', 'property'] as const) {
      if (err[field] !== undefined) out[field] = err[field];
    }
    return out;
  }
  return { message: String(e) };
}

function safeJson(data: Record<string, unknown>): string {
  try {
    return JSON.stringify(data, (_key, value) => (value instanceof Error ? describeError(value) : value));
  } catch {
    return '"<unserialisable log data>"';
  }
}
