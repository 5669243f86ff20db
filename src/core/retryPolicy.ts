/**
 * When a retryable provider failure may be tried again: after the provider's Retry-After when it gave one,
 * otherwise after an exponential backoff with jitter. The jitter is derived from the event, the attempt and the
 * clock (no Math.random), so runs are reproducible in tests and still spread out across events.
 */
import { hash128 } from './idempotencyKey';

const BASE_DELAY_MS = 60 * 1000;
/**
 * Capped at an hour, the cadence of the sweep: through an outage of days the add-on asks about once an hour (a
 * trivial load), and once the provider is back a change waits at most about an hour to land.
 */
const MAX_DELAY_MS = 60 * 60 * 1000;
const JITTER_SHARE = 0.2;

export function retryNotBefore(
  nowMs: number,
  attempts: number,
  eventId: string,
  retryAfterSeconds: number | undefined,
): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds >= 0) return nowMs + retryAfterSeconds * 1000;
  const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return nowMs + Math.round(delay * (1 + JITTER_SHARE * unitFraction(`${eventId}:${attempts}:${nowMs}`)));
}

/** A deterministic number in [0, 1) from a string. */
function unitFraction(seed: string): number {
  return Number.parseInt(hash128(seed).slice(0, 8), 16) / 2 ** 32;
}
