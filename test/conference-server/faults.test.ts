/**
 * Fault injection: with --enable-admin, /admin/v1/faults makes the next N matching API requests fail with a
 * status and the spec's error body (Retry-After on 429) or be delayed; without it the admin prefix is 404.
 * Also the way to reach the spec's statuses the server never produces by itself (403, 429, 5xx).
 */
import { ConferenceApiError } from '../../local/conference-server/client';
import { API_KEY, expectError, nextKey, SAMPLE, startTestServer, type TestServer } from './helpers';

describe('with the admin endpoints enabled', () => {
  let t: TestServer;
  let id: string;
  beforeAll(async () => {
    t = await startTestServer({ enableAdmin: true });
    id = (await t.client.createConference(SAMPLE, nextKey())).conference.id;
  });
  afterAll(async () => {
    await t.server.close();
  });
  afterEach(async () => {
    await t.client.clearFaults();
  });

  function admin(method: string, body?: unknown, authorization = `Bearer ${API_KEY}`): Promise<Response> {
    return fetch(`${t.server.origin}/admin/v1/faults`, {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  it.each([
    [403, 'PERMISSION_DENIED'],
    [429, 'RESOURCE_EXHAUSTED'],
    [500, 'INTERNAL'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [504, 'UNAVAILABLE'],
  ])('makes the next request fail with %i %s and the spec error body', async (status, code) => {
    await t.client.injectFault({ status, count: 1 });
    await expectError(await t.api('GET', `/v1/conferences/${id}`), status, code);
    expect((await t.api('GET', `/v1/conferences/${id}`)).status).toBe(200);
  });

  it('sends Retry-After on an injected 429 (1 s by default, or the given seconds)', async () => {
    await t.client.injectFault({ status: 429, count: 1 });
    expect((await t.api('GET', `/v1/conferences/${id}`)).headers.get('retry-after')).toBe('1');
    await t.client.injectFault({ status: 429, count: 1, retryAfterSeconds: 7 });
    const error = await t.client.getConference(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConferenceApiError);
    expect(error).toMatchObject({ status: 429, code: 'RESOURCE_EXHAUSTED', retryAfter: 7 });
  });

  it('fails exactly the next N matching requests, then serves normally', async () => {
    await t.client.injectFault({ status: 503, count: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.api('GET', `/v1/conferences/${id}`)).status);
    expect(statuses).toEqual([503, 503, 503, 200, 200]);
  });

  it('matches on method and path pattern, leaving other requests alone', async () => {
    await t.client.injectFault({
      method: 'PATCH',
      pathPattern: '/v1/conferences/[^/]+$',
      status: 500,
      count: 1,
    });
    expect((await t.api('GET', `/v1/conferences/${id}`)).status).toBe(200);
    expect(
      (await t.api('POST', '/v1/conferences', { body: '{}', headers: { 'idempotency-key': nextKey() } }))
        .status,
    ).toBe(201);
    await expectError(await t.api('PATCH', `/v1/conferences/${id}`, { body: '{}' }), 500, 'INTERNAL');
    expect((await t.api('PATCH', `/v1/conferences/${id}`, { body: '{}' })).status).toBe(200);
  });

  it('an injected failure on create does not create anything', async () => {
    const before = t.server.store.count();
    await t.client.injectFault({ method: 'POST', status: 503, count: 1 });
    const key = nextKey();
    await expectError(
      await t.api('POST', '/v1/conferences', { body: '{}', headers: { 'idempotency-key': key } }),
      503,
      'UNAVAILABLE',
    );
    expect(t.server.store.count()).toBe(before);
    expect((await t.client.createConference({}, key)).created).toBe(true);
  });

  it('delays matching requests by delayMs and then serves them', async () => {
    await t.client.injectFault({ delayMs: 300, count: 1 });
    const started = Date.now();
    const response = await t.api('GET', `/v1/conferences/${id}`);
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('clears every rule with DELETE /admin/v1/faults', async () => {
    await t.client.injectFault({ status: 500, count: 100 });
    expect((await admin('GET')).status).toBe(200);
    expect((await admin('DELETE')).status).toBe(204);
    expect((await t.api('GET', `/v1/conferences/${id}`)).status).toBe(200);
  });

  it('lists active rules with their remaining count', async () => {
    await t.client.injectFault({ method: 'GET', status: 500, count: 2 });
    await t.api('GET', `/v1/conferences/${id}`).catch(() => undefined);
    const body = (await (await admin('GET')).json()) as {
      items: Array<{ remaining: number; status: number }>;
    };
    expect(body.items).toEqual([expect.objectContaining({ status: 500, remaining: 1 })]);
  });

  it('rejects a bad rule with 400 (no status nor delay, unlisted status, bad regex, unknown field)', async () => {
    for (const rule of [
      { count: 1 },
      { status: 418, count: 1 },
      { status: 500, count: 0 },
      { status: 500, count: 1, pathPattern: '(' },
      { status: 500, count: 1, colour: 'red' },
    ]) {
      await expectError(await admin('POST', rule), 400, 'INVALID_ARGUMENT');
    }
  });

  it('requires the API key on the admin endpoints', async () => {
    await expectError(await admin('POST', { status: 500, count: 1 }, 'Bearer wrong'), 401, 'UNAUTHENTICATED');
    expect((await t.api('GET', `/v1/conferences/${id}`)).status).toBe(200);
  });
});

describe('with the admin endpoints disabled (the default)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.server.close();
  });

  it('answers 404 under the admin prefix, even with the right key', async () => {
    const response = await fetch(`${t.server.origin}/admin/v1/faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 500, count: 1 }),
    });
    await expectError(response, 404, 'NOT_FOUND');
    expect((await t.api('GET', '/v1/conferences')).status).toBe(200);
  });
});
