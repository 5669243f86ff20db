/**
 * Idempotent creates: the Idempotency-Key makes a retried POST return the first conference instead of creating
 * a second one, also under 50 concurrent requests, until that conference is deleted.
 */
import type { Conference } from '../../contracts/conference-api';
import { nextKey, SAMPLE, startTestServer, type TestServer } from './helpers';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.server.close();
});

function post(key: string, body: unknown = SAMPLE): Promise<Response> {
  return t.api('POST', '/v1/conferences', {
    body: JSON.stringify(body),
    headers: { 'idempotency-key': key },
  });
}

describe('idempotent create', () => {
  it('a repeated create with the same key returns the first conference unchanged with 200', async () => {
    const key = nextKey();
    const first = await post(key);
    expect(first.status).toBe(201);
    const original = (await first.json()) as Conference;
    // The repeat's body is ignored: the client PATCHes what it wants changed.
    const repeat = await post(key, { ...SAMPLE, title: 'something else' });
    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual(original);
    expect(
      await t.client.listConferences({ calendarId: SAMPLE.calendarId, eventId: SAMPLE.eventId }),
    ).toEqual(expect.arrayContaining([original]));
  });

  it('returns the conference in its current state (after a PATCH) on a repeat', async () => {
    const key = nextKey();
    const { conference } = await t.client.createConference(SAMPLE, key);
    const patched = await t.client.updateConference(conference.id, { title: 'patched' });
    const repeat = await t.client.createConference(SAMPLE, key);
    expect(repeat).toEqual({ conference: patched, created: false });
  });

  it('50 concurrent creates with one key make exactly one conference: one 201, 49 × 200 with the same id', async () => {
    const key = nextKey('concurrent');
    const calendarId = 'concurrent@example.com';
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => post(key, { ...SAMPLE, calendarId })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    const ids = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as Conference).id)));
    expect(ids.size).toBe(1);
    expect(await t.client.listConferences({ calendarId })).toHaveLength(1);
  });

  it('after that conference is deleted, the same key creates a new one', async () => {
    const key = nextKey();
    const first = await t.client.createConference(SAMPLE, key);
    await t.client.deleteConference(first.conference.id);
    const second = await t.client.createConference({ ...SAMPLE, title: 'second' }, key);
    expect(second.created).toBe(true);
    expect(second.conference.id).not.toBe(first.conference.id);
    expect(second.conference.title).toBe('second');
    expect(second.conference.version).toBe(1);
  });

  it('different keys create different conferences for the same body', async () => {
    const a = await t.client.createConference(SAMPLE, nextKey());
    const b = await t.client.createConference(SAMPLE, nextKey());
    expect(a.conference.id).not.toBe(b.conference.id);
  });

  it('treats keys as case-sensitive, exact strings', async () => {
    const a = await t.client.createConference(SAMPLE, 'Case-Key');
    const b = await t.client.createConference(SAMPLE, 'case-key');
    expect(b.created).toBe(true);
    expect(a.conference.id).not.toBe(b.conference.id);
  });
});
