/**
 * Test helpers for the Calendar emulator suites: an in-process server on port 0, Google's official
 * client bound to it as a given user, a deterministic fake clock, and a raw fetch for inputs the
 * official client cannot send (malformed JSON, unknown parameters).
 */
import { auth, calendar, type calendar_v3 } from '@googleapis/calendar';
import { CalendarEngine } from '../../local/calendar-emulator/engine/engine';
import type { EngineOptions } from '../../local/calendar-emulator/engine/types';
import { type ServerOptions, startServer } from '../../local/calendar-emulator/http/server';

/** A clock that only moves when told to (starts 2025-03-20T12:00:00Z), so etags and timestamps are predictable. */
export function fakeClock(startIso = '2025-03-20T12:00:00.000Z') {
  let now = Date.parse(startIso);
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export function newEngine(options: EngineOptions = {}) {
  const clock = fakeClock();
  const engine = new CalendarEngine({ now: clock.now, secret: 'test-secret', ...options });
  return { engine, clock };
}

export async function startEmulator(
  options: EngineOptions = {},
  bodyLimit?: number,
  serverOptions: Omit<ServerOptions, 'engine' | 'engineOptions' | 'bodyLimit'> = {},
) {
  const clock = fakeClock();
  const server = await startServer(0, {
    engineOptions: { now: clock.now, secret: 'test-secret', ...options },
    bodyLimit,
    ...serverOptions,
  });
  const client = (user: string): calendar_v3.Calendar => {
    const oauth = new auth.OAuth2();
    oauth.setCredentials({ access_token: user });
    return calendar({
      version: 'v3',
      rootUrl: `${server.url}/`,
      auth: oauth,
      retry: false,
      fetchImplementation: fetch,
    } as calendar_v3.Options);
  };
  const raw = (path: string, init: RequestInit & { user?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.user) headers.set('authorization', `Bearer ${init.user}`);
    return fetch(`${server.url}${path}`, { ...init, headers });
  };
  return { ...server, clock, client, raw };
}

/** The Google error body of a rejected client call (gaxios puts it on `response.data`). */
export async function googleError(p: Promise<unknown>): Promise<{ status: number; body: any }> {
  try {
    await p;
  } catch (e: any) {
    return { status: e.response?.status ?? e.code, body: e.response?.data };
  }
  throw new Error('expected the call to fail');
}

export const timed = (dateTime: string, timeZone = 'America/Chicago') => ({ dateTime, timeZone });
