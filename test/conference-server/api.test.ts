/**
 * The conference API's endpoints and semantics over real HTTP on 127.0.0.1: every endpoint and success status,
 * the Conference resource's server-owned fields, versions, If-Match, list filters and occurrence overrides.
 */
import type { Conference } from '../../contracts/conference-api';
import { CONFERENCE_ID_PATTERN } from '../../contracts/conference-api';
import { ConferenceApiError } from '../../local/conference-server/client';
import { API_KEY, expectError, nextKey, SAMPLE, startTestServer, type TestServer } from './helpers';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.server.close();
});

async function create(overrides: Record<string, unknown> = {}): Promise<Conference> {
  return (await t.client.createConference({ ...SAMPLE, ...overrides }, nextKey())).conference;
}

describe('transport', () => {
  it('answers JSON with the spec content type on success and on errors', async () => {
    const created = await t.api('POST', '/v1/conferences', {
      body: JSON.stringify(SAMPLE),
      headers: { 'idempotency-key': nextKey() },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toBe('application/json; charset=utf-8');
    await expectError(await t.api('GET', '/v1/conferences/nope'), 404, 'NOT_FOUND');
  });

  it('answers an unknown route with 404 and the error body', async () => {
    await expectError(await t.api('GET', '/v1/widgets'), 404, 'NOT_FOUND');
    await expectError(await fetch(`${t.server.origin}/`), 404, 'NOT_FOUND');
  });

  it('answers a known path with an unsupported method with 405, Allow and INVALID_ARGUMENT', async () => {
    const response = await t.api('PUT', '/v1/conferences');
    expect(response.headers.get('allow')).toBe('POST, GET, HEAD');
    await expectError(response, 405, 'INVALID_ARGUMENT');
  });
});

describe('authentication', () => {
  it('rejects a missing key with 401 UNAUTHENTICATED', async () => {
    await expectError(await fetch(`${t.server.baseUrl}/v1/conferences`), 401, 'UNAUTHENTICATED');
  });

  it('rejects a wrong key, a key of another length and a non-bearer scheme with 401', async () => {
    for (const authorization of [
      `Bearer ${API_KEY.slice(0, -1)}x`,
      'Bearer k',
      `Basic ${API_KEY}`,
      API_KEY,
    ]) {
      const response = await fetch(`${t.server.baseUrl}/v1/conferences`, { headers: { authorization } });
      await expectError(response, 401, 'UNAUTHENTICATED');
    }
  });

  it('never echoes the presented or the configured key in the error message', async () => {
    const response = await fetch(`${t.server.baseUrl}/v1/conferences`, {
      headers: { authorization: 'Bearer wrong-secret-123' },
    });
    const text = await response.text();
    expect(text).not.toContain('wrong-secret-123');
    expect(text).not.toContain(API_KEY);
  });

  it('checks the key before revealing whether a route exists', async () => {
    await expectError(await fetch(`${t.server.baseUrl}/v1/widgets`), 401, 'UNAUTHENTICATED');
  });
});

describe('creating a conference', () => {
  it('returns 201 with server-assigned id, https joinUrl, dial-in, version 1 and UTC timestamps', async () => {
    const response = await t.api('POST', '/v1/conferences', {
      body: JSON.stringify(SAMPLE),
      headers: { 'idempotency-key': nextKey() },
    });
    expect(response.status).toBe(201);
    const c = (await response.json()) as Conference;
    expect(c.id).toMatch(CONFERENCE_ID_PATTERN);
    expect(c.joinUrl).toBe(`https://conference.example.test/j/${c.id}`);
    expect(c.dialIn?.number).toMatch(/^\+\d{8,15}$/);
    expect(c.dialIn?.pin).toMatch(/^\d{9}$/);
    expect(c.version).toBe(1);
    expect(c.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(c.updatedAt).toBe(c.createdAt);
    expect(c.occurrences).toEqual({});
    expect(response.headers.get('location')).toBe(`/api/v1/conferences/${c.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(c).toMatchObject({
      title: SAMPLE.title,
      startTime: SAMPLE.startTime,
      endTime: SAMPLE.endTime,
      startDate: null,
      endDate: null,
      timeZone: 'Europe/Paris',
      recurrence: SAMPLE.recurrence,
      calendarId: 'alice@example.com',
      eventId: 'evt001',
    });
  });

  it('lower-cases attendees and drops duplicates, keeping the first-seen order', async () => {
    const c = await create({ attendees: ['Carol@Example.COM', 'bob@example.com', 'carol@example.com'] });
    expect(c.attendees).toEqual(['carol@example.com', 'bob@example.com']);
  });

  it('fills omitted fields with empty defaults (an all-null conference is allowed)', async () => {
    const { conference } = await t.client.createConference({}, nextKey());
    expect(conference).toMatchObject({
      title: '',
      startTime: null,
      endTime: null,
      startDate: null,
      endDate: null,
      timeZone: null,
      recurrence: [],
      attendees: [],
      calendarId: '',
      eventId: '',
    });
  });

  it('accepts an all-day conference with an exclusive endDate one day later', async () => {
    const c = await create({
      startTime: null,
      endTime: null,
      startDate: '2026-12-24',
      endDate: '2026-12-25',
    });
    expect(c).toMatchObject({ startDate: '2026-12-24', endDate: '2026-12-25', startTime: null });
  });

  it('gives the same conference the same dial-in whenever it is read', async () => {
    const c = await create();
    expect((await t.client.getConference(c.id)).dialIn).toEqual(c.dialIn);
  });
});

describe('reading a conference', () => {
  it('returns the conference as created', async () => {
    const c = await create();
    expect(await t.client.getConference(c.id)).toEqual(c);
  });

  it('answers 404 NOT_FOUND for an unknown id and for an id the server could never assign', async () => {
    await expectError(await t.api('GET', '/v1/conferences/doesNotExist'), 404, 'NOT_FOUND');
    await expectError(await t.api('GET', '/v1/conferences/bad.id%20x'), 404, 'NOT_FOUND');
  });
});

describe('updating a conference', () => {
  it('changes only the given fields, bumps the version by one and keeps joinUrl and dial-in', async () => {
    const c = await create();
    const updated = await t.client.updateConference(c.id, {
      title: 'Renamed',
      attendees: ['Dave@Example.com'],
    });
    expect(updated.version).toBe(2);
    expect(updated.title).toBe('Renamed');
    expect(updated.attendees).toEqual(['dave@example.com']);
    expect(updated.startTime).toBe(c.startTime);
    expect(updated.recurrence).toEqual(c.recurrence);
    expect(updated.joinUrl).toBe(c.joinUrl);
    expect(updated.dialIn).toEqual(c.dialIn);
    expect(updated.createdAt).toBe(c.createdAt);
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(c.updatedAt));
  });

  it('leaves version and updatedAt unchanged on a no-op PATCH (same values, or an empty body)', async () => {
    const c = await create();
    const same = await t.client.updateConference(c.id, {
      title: c.title,
      attendees: ['ALICE@example.com', 'bob@example.com'],
    });
    expect(same).toEqual(c);
    expect(await t.client.updateConference(c.id, {})).toEqual(c);
  });

  it('applies If-Match with a quoted or a bare version, and answers 412 when it differs', async () => {
    const c = await create();
    const v2 = await t.client.updateConference(c.id, { title: 'a' }, { ifMatch: 1 });
    expect(v2.version).toBe(2);
    const bare = await t.api('PATCH', `/v1/conferences/${c.id}`, {
      body: JSON.stringify({ title: 'b' }),
      headers: { 'if-match': '2' },
    });
    expect(bare.status).toBe(200);
    const stale = await t.api('PATCH', `/v1/conferences/${c.id}`, {
      body: JSON.stringify({ title: 'c' }),
      headers: { 'if-match': '"2"' },
    });
    await expectError(stale, 412, 'FAILED_PRECONDITION');
    expect((await t.client.getConference(c.id)).title).toBe('b');
  });

  it('rejects a malformed If-Match with 400', async () => {
    const c = await create();
    const response = await t.api('PATCH', `/v1/conferences/${c.id}`, {
      body: JSON.stringify({ title: 'x' }),
      headers: { 'if-match': '"abc"' },
    });
    await expectError(response, 400, 'INVALID_ARGUMENT');
  });

  it('answers 404 for an unknown conference', async () => {
    const response = await t.api('PATCH', '/v1/conferences/unknown', {
      body: JSON.stringify({ title: 'x' }),
    });
    await expectError(response, 404, 'NOT_FOUND');
  });

  it('checks end after start against the merged state', async () => {
    const c = await create();
    const response = await t.api('PATCH', `/v1/conferences/${c.id}`, {
      body: JSON.stringify({ endTime: '2026-12-01T09:30:00+01:00' }),
    });
    await expectError(response, 400, 'INVALID_ARGUMENT');
    expect((await t.client.getConference(c.id)).version).toBe(1);
  });

  it('compares times as instants, so an end in another offset can still be after the start', async () => {
    const c = await create();
    // 10:30 UTC is 11:30 in Paris: after the 10:00+01:00 start.
    const updated = await t.client.updateConference(c.id, { endTime: '2026-12-01T10:30:00Z' });
    expect(updated.endTime).toBe('2026-12-01T10:30:00Z');
  });
});

describe('deleting a conference', () => {
  it('answers 204, then 404 on GET and on a second DELETE', async () => {
    const c = await create();
    const first = await t.api('DELETE', `/v1/conferences/${c.id}`);
    expect(first.status).toBe(204);
    expect(await first.text()).toBe('');
    await expectError(await t.api('GET', `/v1/conferences/${c.id}`), 404, 'NOT_FOUND');
    await expectError(await t.api('DELETE', `/v1/conferences/${c.id}`), 404, 'NOT_FOUND');
  });

  it('honours If-Match on DELETE: 412 when stale, and the conference stays', async () => {
    const c = await create();
    await expectError(
      await t.api('DELETE', `/v1/conferences/${c.id}`, { headers: { 'if-match': '"7"' } }),
      412,
      'FAILED_PRECONDITION',
    );
    expect((await t.client.getConference(c.id)).id).toBe(c.id);
  });
});

describe('listing conferences', () => {
  it('filters by calendarId and eventId, newest first', async () => {
    const calendarId = 'list-cal@example.com';
    const a = await create({ calendarId, eventId: 'e1' });
    const b = await create({ calendarId, eventId: 'e2' });
    const c = await create({ calendarId, eventId: 'e1' });
    await create({ calendarId: 'other@example.com', eventId: 'e1' });
    const all = await t.client.listConferences({ calendarId });
    expect(all.map((x) => x.id)).toEqual([c.id, b.id, a.id]);
    const e1 = await t.client.listConferences({ calendarId, eventId: 'e1' });
    expect(e1.map((x) => x.id)).toEqual([c.id, a.id]);
    expect(await t.client.listConferences({ calendarId: 'nobody@example.com' })).toEqual([]);
  });

  it('returns every conference without filters, and omits deleted ones', async () => {
    const c = await create({ calendarId: 'del-cal@example.com' });
    await t.client.deleteConference(c.id);
    expect(await t.client.listConferences({ calendarId: 'del-cal@example.com' })).toEqual([]);
    const items = await t.client.listConferences();
    expect(items.length).toBeGreaterThan(0);
    expect(items.some((x) => x.id === c.id)).toBe(false);
  });

  it('rejects an unknown or repeated query parameter with 400, so a typo never lists everything', async () => {
    await expectError(await t.api('GET', '/v1/conferences?calendarID=x'), 400, 'INVALID_ARGUMENT');
    await expectError(await t.api('GET', '/v1/conferences?eventId=a&eventId=b'), 400, 'INVALID_ARGUMENT');
  });
});

describe('occurrence overrides', () => {
  it('sets an override with PUT, bumping the version, and replaces it on a second PUT', async () => {
    const c = await create();
    const key = '20261208T090000Z';
    const v2 = await t.client.putOccurrence(c.id, key, {
      startTime: '2026-12-08T11:00:00+01:00',
      endTime: '2026-12-08T12:00:00+01:00',
    });
    expect(v2.version).toBe(2);
    expect(v2.occurrences[key]).toEqual({
      startTime: '2026-12-08T11:00:00+01:00',
      endTime: '2026-12-08T12:00:00+01:00',
      startDate: null,
      endDate: null,
      cancelled: false,
    });
    const v3 = await t.client.putOccurrence(c.id, key, { cancelled: true });
    expect(v3.version).toBe(3);
    expect(v3.occurrences[key]).toMatchObject({ cancelled: true, startTime: null });
  });

  it('leaves the version unchanged when a PUT repeats the same override', async () => {
    const c = await create();
    const v2 = await t.client.putOccurrence(c.id, '20261208', { cancelled: true });
    const again = await t.client.putOccurrence(c.id, '20261208', { cancelled: true });
    expect(again.version).toBe(v2.version);
  });

  it('drops an override with DELETE (204, version + 1) and answers 404 when there is none', async () => {
    const c = await create();
    await t.client.putOccurrence(c.id, '20261208T090000Z', { cancelled: true });
    const response = await t.api('DELETE', `/v1/conferences/${c.id}/occurrences/20261208T090000Z`);
    expect(response.status).toBe(204);
    const after = await t.client.getConference(c.id);
    expect(after.occurrences).toEqual({});
    expect(after.version).toBe(3);
    await expectError(
      await t.api('DELETE', `/v1/conferences/${c.id}/occurrences/20261208T090000Z`),
      404,
      'NOT_FOUND',
    );
  });

  it('rejects malformed occurrence keys with 400 on PUT and DELETE', async () => {
    const c = await create();
    for (const key of ['2026-12-08', '20261208T0900Z', '20261308', '20261208T250000Z', '20261208T090000']) {
      await expectError(
        await t.api('PUT', `/v1/conferences/${c.id}/occurrences/${key}`, { body: '{"cancelled":true}' }),
        400,
        'INVALID_ARGUMENT',
      );
      await expectError(
        await t.api('DELETE', `/v1/conferences/${c.id}/occurrences/${key}`),
        400,
        'INVALID_ARGUMENT',
      );
    }
  });

  it('rejects an override whose end is before its start, and unknown fields', async () => {
    const c = await create();
    const path = `/v1/conferences/${c.id}/occurrences/20261208T090000Z`;
    await expectError(
      await t.api('PUT', path, {
        body: JSON.stringify({ startTime: '2026-12-08T11:00:00Z', endTime: '2026-12-08T10:00:00Z' }),
      }),
      400,
      'INVALID_ARGUMENT',
    );
    await expectError(await t.api('PUT', path, { body: '{"title":"x"}' }), 400, 'INVALID_ARGUMENT');
  });

  it('answers 404 for an override on an unknown conference', async () => {
    await expectError(
      await t.api('PUT', '/v1/conferences/unknown/occurrences/20261208', { body: '{"cancelled":true}' }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('the typed client', () => {
  it('throws ConferenceApiError with status and code on non-2xx', async () => {
    const error = await t.client.getConference('missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConferenceApiError);
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND', retryAfter: undefined });
  });
});
