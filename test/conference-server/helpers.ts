/**
 * Shared set-up for the conference server's tests: a real server on 127.0.0.1 (in-process, port 0, in-memory
 * database) and a typed client for it, plus fixed sample data so every test's input is deterministic.
 */
import type { CreateConferenceRequest } from '../../contracts/conference-api';
import { ConferenceClient } from '../../local/conference-server/client';
import { type RunningConferenceServer, startConferenceServer } from '../../local/conference-server/server';

export const API_KEY = 'test-key-5b0e6f2c';

export interface TestServer {
  server: RunningConferenceServer;
  client: ConferenceClient;
  /** A fetch against the base URL with the key (and JSON content type when a body is given). */
  api(
    method: string,
    path: string,
    init?: { body?: string; headers?: Record<string, string> },
  ): Promise<Response>;
}

export async function startTestServer(
  options: { enableAdmin?: boolean; db?: string } = {},
): Promise<TestServer> {
  const server = await startConferenceServer({
    port: 0,
    db: options.db ?? ':memory:',
    apiKey: API_KEY,
    ...options,
  });
  const client = new ConferenceClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
  return {
    server,
    client,
    api(method, path, init = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${API_KEY}`, ...(init.headers ?? {}) };
      if (init.body !== undefined && !('content-type' in headers)) {
        headers['content-type'] = 'application/json; charset=utf-8';
      }
      return fetch(server.baseUrl + path, { method, headers, body: init.body });
    },
  };
}

export const SAMPLE: CreateConferenceRequest = {
  title: 'Weekly planning',
  startTime: '2026-12-01T10:00:00+01:00',
  endTime: '2026-12-01T11:00:00+01:00',
  timeZone: 'Europe/Paris',
  recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=TU', 'EXDATE;TZID=Europe/Paris:20261215T100000'],
  attendees: ['Alice@Example.com', 'bob@example.com'],
  calendarId: 'alice@example.com',
  eventId: 'evt001',
};

let keyCounter = 0;
/** A fresh idempotency key per call, deterministic within a test file. */
export function nextKey(prefix = 'key'): string {
  keyCounter += 1;
  return `${prefix}-${keyCounter}`;
}

/** Asserts the spec's error body and JSON content type, returning the body. */
export async function expectError(
  response: Response,
  status: number,
  code: string,
): Promise<{ error: { code: string; message: string } }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return body;
}
