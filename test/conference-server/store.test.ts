/**
 * The SQLite store and the server's options: numbered migrations (applied once, recorded, newer schemas
 * refused), the list cap of 1000 newest items, and the join-URL base and dial-in switches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { CONFERENCE_LIMITS } from '../../contracts/conference-api';
import { ConferenceClient } from '../../local/conference-server/client';
import { ConferenceStore, SCHEMA_VERSION } from '../../local/conference-server/db';
import { startConferenceServer } from '../../local/conference-server/server';
import { API_KEY, nextKey, SAMPLE, startTestServer } from './helpers';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'conference-store-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const EMPTY_STATE = {
  title: '',
  startTime: null,
  endTime: null,
  startDate: null,
  endDate: null,
  timeZone: null,
  recurrence: [],
  attendees: [],
  occurrences: {},
};

describe('schema migrations', () => {
  it('migrate a new file to the current version once, recording each step, and keep data on reopen', () => {
    const file = path.join(dir, 'migrate.db');
    const store = new ConferenceStore(file);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    store.createOrGet({
      id: 'c1',
      idempotencyKey: 'k1',
      calendarId: 'cal',
      eventId: 'e1',
      joinUrl: 'https://conference.example.test/j/c1',
      dialIn: null,
      state: EMPTY_STATE,
      now: '2026-11-25T10:00:00.000Z',
    });
    store.close();

    const reopened = new ConferenceStore(file);
    expect(reopened.get('c1')?.eventId).toBe('e1');
    reopened.close();

    const raw = new Database(file, { readonly: true });
    const rows = raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('refuse a database written by a newer server instead of misreading it', () => {
    const file = path.join(dir, 'newer.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => new ConferenceStore(file)).toThrow(/newer than this server knows/);
  });
});

describe('listing', () => {
  it('returns at most 1000 conferences, the newest first', async () => {
    const t = await startTestServer();
    try {
      const total = CONFERENCE_LIMITS.maxListItems + 5;
      for (let i = 0; i < total; i++) {
        t.server.store.createOrGet({
          id: `bulk-${i}`,
          idempotencyKey: `bulk-${i}`,
          calendarId: 'bulk@example.com',
          eventId: `e${i}`,
          joinUrl: `https://conference.example.test/j/bulk-${i}`,
          dialIn: null,
          state: EMPTY_STATE,
          now: '2026-11-25T10:00:00.000Z',
        });
      }
      const items = await t.client.listConferences({ calendarId: 'bulk@example.com' });
      expect(items).toHaveLength(CONFERENCE_LIMITS.maxListItems);
      expect(items[0].id).toBe(`bulk-${total - 1}`);
      expect(items[items.length - 1].id).toBe(`bulk-${total - CONFERENCE_LIMITS.maxListItems}`);
    } finally {
      await t.server.close();
    }
  });
});

describe('server options', () => {
  it('builds joinUrl from the configured https base and keeps it across updates', async () => {
    const server = await startConferenceServer({
      apiKey: API_KEY,
      joinBaseUrl: 'https://meet.example.org/room/',
    });
    try {
      const t = new ConferenceClient({
        baseUrl: server.baseUrl,
        apiKey: API_KEY,
      });
      const { conference } = await t.createConference(SAMPLE, nextKey());
      expect(conference.joinUrl).toBe(`https://meet.example.org/room/${conference.id}`);
      expect((await t.updateConference(conference.id, { title: 'new' })).joinUrl).toBe(conference.joinUrl);
    } finally {
      await server.close();
    }
  });

  it('refuses a join base URL that is not https', async () => {
    await expect(
      startConferenceServer({ apiKey: API_KEY, joinBaseUrl: 'http://meet.example.org/' }),
    ).rejects.toThrow(/https/);
  });

  it('omits dialIn when dial-in is switched off', async () => {
    const server = await startConferenceServer({ apiKey: API_KEY, dialIn: false });
    try {
      const response = await fetch(`${server.baseUrl}/v1/conferences`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${API_KEY}`,
          'idempotency-key': nextKey(),
          'content-type': 'application/json',
        },
        body: '{}',
      });
      const body = (await response.json()) as Record<string, unknown>;
      expect(response.status).toBe(201);
      expect('dialIn' in body).toBe(false);
    } finally {
      await server.close();
    }
  });
});
