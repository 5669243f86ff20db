/**
 * The conference server against slow and malformed clients, over raw sockets where fetch would be too polite:
 * half-sent requests are cut off within the configured timeouts (and their descriptors freed even when the
 * client keeps its side open), every method gets an HTTP answer, bodies that are not valid UTF-8 or spell lone
 * surrogates are refused, a repeated Idempotency-Key is refused, the bearer scheme is matched in any case, and a
 * seeded burst of garbage never produces a 5xx.
 */
import { METHODS } from 'node:http';
import { connect, type Socket } from 'node:net';
import { startConferenceServer } from '../../local/conference-server/server';
import { API_KEY, expectError, nextKey, startTestServer, type TestServer } from './helpers';

interface RawAnswer {
  status: number | null;
  headers: string;
  body: string;
  /** ms from the first write until the server closed the connection (or the test gave up). */
  closedAfterMs: number;
}

/**
 * Writes `data` and never ends the socket (allowHalfOpen: the client keeps its side open, like a slow-loris
 * client); resolves when the server has closed the connection completely, or after `giveUpMs`.
 */
function rawRequest(port: number, data: string | Buffer | null, giveUpMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let started = Date.now();
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      resolve({
        status: status ? Number(status[1]) : null,
        headers: split < 0 ? text : text.slice(0, split),
        body: split < 0 ? '' : text.slice(split + 4),
        closedAfterMs: Date.now() - started,
      });
      socket.destroy();
    };
    const timer = setTimeout(finish, giveUpMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      started = Date.now();
      if (data !== null) socket.write(data);
    });
    // With allowHalfOpen the server's FIN alone does not close our side; 'close' means the server destroyed
    // the connection (our next write after its FIN gets a reset), so keep poking after the FIN.
    socket.on('end', () => {
      const poke = setInterval(() => {
        if (socket.destroyed) clearInterval(poke);
        else socket.write('x');
      }, 50);
      socket.once('close', () => clearInterval(poke));
    });
    socket.on('close', finish);
  });
}

function openConnections(server: {
  app: { server: { getConnections(cb: (e: Error | null, n: number) => void): void } };
}) {
  return new Promise<number>((resolve, reject) =>
    server.app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

const AUTH = `Authorization: Bearer ${API_KEY}\r\n`;

describe('slow clients are cut off within the configured timeouts', () => {
  const timeouts = { headersMs: 600, requestMs: 1_200, keepAliveMs: 600 };
  it('half-sent headers, half-sent bodies and silent connections: 408 with the spec body, then closed', async () => {
    const server = await startConferenceServer({ port: 0, apiKey: API_KEY, timeouts });
    try {
      const partialHeaders = `POST /api/v1/conferences HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}`;
      const partialBody =
        `POST /api/v1/conferences HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Idempotency-Key: slow\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"title":"sl';
      const clients = [
        ...Array.from({ length: 40 }, () => rawRequest(server.port, partialHeaders)),
        ...Array.from({ length: 40 }, () => rawRequest(server.port, partialBody)),
        ...Array.from({ length: 20 }, () => rawRequest(server.port, null)),
      ];
      await new Promise((r) => setTimeout(r, 200));
      expect(await openConnections(server)).toBe(100);
      const answers = await Promise.all(clients);
      // Node checks the timeouts on an interval (a quarter of the headers timeout here), and the answer is then
      // written and the socket destroyed: allow that much beyond the request timeout, no more.
      for (const answer of answers) {
        expect(answer.closedAfterMs).toBeLessThan(timeouts.requestMs + 1_000);
        expect(answer.status).toBe(408);
        expect(JSON.parse(answer.body)).toEqual({
          error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('not received in time') },
        });
      }
      const headerAnswers = answers.slice(0, 40);
      for (const answer of headerAnswers)
        expect(answer.closedAfterMs).toBeLessThan(timeouts.headersMs + 1_000);
      expect(await openConnections(server)).toBe(0);
      // Nothing half-sent was stored, and the server still serves.
      expect(server.store.list({}, 10)).toEqual([]);
      const ok = await fetch(`${server.baseUrl}/v1/conferences`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      expect(ok.status).toBe(200);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const server = await startConferenceServer({ port: 0, apiKey: API_KEY, timeouts });
    try {
      const answer = await rawRequest(
        server.port,
        `GET /api/v1/conferences HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}\r\n`,
      );
      expect(answer.status).toBe(200);
      expect(answer.closedAfterMs).toBeLessThan(timeouts.requestMs + 1_000);
      expect(await openConnections(server)).toBe(0);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('the default timeouts are finite and ordered (headers ≤ request)', async () => {
    const { DEFAULT_TIMEOUTS } = await import('../../local/conference-server/app');
    expect(DEFAULT_TIMEOUTS.headersMs).toBeLessThanOrEqual(DEFAULT_TIMEOUTS.requestMs);
    expect(DEFAULT_TIMEOUTS.requestMs).toBeLessThanOrEqual(60_000);
  });
});

describe('malformed requests', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.server.close();
  });

  it.each([...METHODS, 'FOO', 'M-SEARCHX'])(
    '%s gets an HTTP answer, never a 5xx nor silence',
    async (method) => {
      const target = method === 'CONNECT' ? '127.0.0.1:443' : '/api/v1/conferences';
      const answer = await rawRequest(
        t.server.port,
        `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Length: 0\r\nConnection: close\r\n\r\n`,
        5_000,
      );
      expect(answer.status).not.toBeNull();
      expect(answer.status!).toBeLessThan(500);
      if (answer.status! >= 400 && method !== 'HEAD') {
        expect(JSON.parse(answer.body)).toEqual({
          error: { code: expect.any(String), message: expect.any(String) },
        });
      }
      if (method === 'CONNECT') expect(answer.status).toBe(405);
    },
  );

  it.each([
    [
      'a byte that is never UTF-8',
      Buffer.from([0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
    ],
    [
      'a truncated multi-byte sequence',
      Buffer.concat([Buffer.from('{"title":"caf'), Buffer.from([0xc3]), Buffer.from('"}')]),
    ],
    [
      'an encoded surrogate (CESU-8)',
      Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    ],
    [
      'an overlong encoding',
      Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
    ],
  ])('a body with %s is refused with 400 and nothing is stored', async (_name, body) => {
    const response = await fetch(`${t.server.baseUrl}/v1/conferences`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${API_KEY}`,
        'idempotency-key': nextKey('utf8'),
        'content-type': 'application/json',
      },
      body,
    });
    const error = await expectError(response, 400, 'INVALID_ARGUMENT');
    expect(error.error.message).toContain('UTF-8');
    expect((await t.client.listConferences()).length).toBe(0);
  });

  it.each([
    ['a lone high surrogate in a value', '{"title":"\\ud800"}'],
    ['a lone low surrogate in a value', '{"title":"a\\udc00b"}'],
    ['a reversed pair', '{"title":"\\udc00\\ud800"}'],
    ['a lone surrogate in a key', '{"\\ud800":"x"}'],
    ['a lone surrogate in an attendee', '{"attendees":["a\\udbff@example.com"]}'],
  ])('a body with %s is refused with 400 and nothing is stored', async (_name, body) => {
    const response = await t.api('POST', '/v1/conferences', {
      body,
      headers: { 'idempotency-key': nextKey('lone') },
    });
    const error = await expectError(response, 400, 'INVALID_ARGUMENT');
    expect(error.error.message).toContain('surrogate');
    expect((await t.client.listConferences()).length).toBe(0);
  });

  it('a well-formed surrogate pair and other non-ASCII text are kept as sent', async () => {
    const response = await t.api('POST', '/v1/conferences', {
      body: '{"title":"\\ud83d\\ude00 Réunion 会議"}',
      headers: { 'idempotency-key': nextKey('pair') },
    });
    expect(response.status).toBe(201);
    const conference = (await response.json()) as { id: string; title: string };
    expect(conference.title).toBe('😀 Réunion 会議');
    await t.client.deleteConference(conference.id);
  });

  it('on PATCH and occurrence PUT too: invalid UTF-8 is a 400 and changes nothing', async () => {
    const { conference } = await t.client.createConference({ title: 'kept' }, nextKey('patch'));
    const bad = Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xfe]), Buffer.from('"}')]);
    for (const [method, path] of [
      ['PATCH', `/v1/conferences/${conference.id}`],
      ['PUT', `/v1/conferences/${conference.id}/occurrences/20261208T090000Z`],
    ]) {
      const response = await fetch(t.server.baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: bad,
      });
      await expectError(response, 400, 'INVALID_ARGUMENT');
    }
    expect(await t.client.getConference(conference.id)).toEqual(conference);
    await t.client.deleteConference(conference.id);
  });

  it('a repeated Idempotency-Key header is refused with 400, not joined into a new key', async () => {
    const answer = await rawRequest(
      t.server.port,
      `POST /api/v1/conferences HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Idempotency-Key: AAA\r\n` +
        'Idempotency-Key: BBB\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
      5_000,
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toEqual({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('Idempotency-Key'),
    });
    expect((await t.client.listConferences()).length).toBe(0);
  });

  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])(
    'the scheme "%s" is accepted (RFC 6750: case-insensitive)',
    async (scheme) => {
      const response = await fetch(`${t.server.baseUrl}/v1/conferences`, {
        headers: { authorization: `${scheme} ${API_KEY}` },
      });
      expect(response.status).toBe(200);
    },
  );

  it.each(['Basic', 'Bearer-ish', 'Token'])('another scheme ("%s") is 401', async (scheme) => {
    const response = await fetch(`${t.server.baseUrl}/v1/conferences`, {
      headers: { authorization: `${scheme} ${API_KEY}` },
    });
    await expectError(response, 401, 'UNAUTHENTICATED');
  });

  it('a seeded burst of 300 garbage requests: no 5xx, no silence, and the server keeps serving', async () => {
    let seed = 0x5eed;
    const random = () => {
      // mulberry32: deterministic, so a failure names a reproducible request.
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    const methods = [
      'GET',
      'POST',
      'PATCH',
      'PUT',
      'DELETE',
      'HEAD',
      'OPTIONS',
      'TRACE',
      'CONNECT',
      'PROPFIND',
    ];
    const paths = [
      '/api/v1/conferences',
      '/api/v1/conferences/abc',
      '/api/v1/conferences/abc/occurrences/20261208',
      '/api/%zz',
      '/admin/v1/faults',
      '/',
      '/api/v1/conferences?calendarId=%ff',
    ];
    const bodies = [
      () => bytes(Math.floor(random() * 64)),
      () => Buffer.from('{"title":"\\ud800"}'),
      () =>
        Buffer.from(JSON.stringify({ title: 'x'.repeat(Math.floor(random() * 2000)), attendees: ['a@b.c'] })),
      () => Buffer.from('{"recurrence":[1,2,3]}'),
      () => Buffer.from('null'),
      () => Buffer.alloc(0),
    ];
    const failures: string[] = [];
    for (let i = 0; i < 300; i += 10) {
      const batch = Array.from({ length: 10 }, () => {
        const method = pick(methods);
        const body = pick(bodies)();
        const auth = random() < 0.8 ? AUTH : random() < 0.5 ? 'Authorization: bearer \r\n' : '';
        const key = random() < 0.7 ? `Idempotency-Key: fuzz-${Math.floor(random() * 5)}\r\n` : '';
        const head = Buffer.from(
          `${method} ${pick(paths)} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}${key}Content-Type: application/json\r\n` +
            `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
          'latin1',
        );
        return rawRequest(t.server.port, Buffer.concat([head, body]), 5_000).then((answer) => {
          if (answer.status === null || answer.status >= 500)
            failures.push(`${method}: ${answer.headers.slice(0, 80)}`);
        });
      });
      await Promise.all(batch);
    }
    expect(failures).toEqual([]);
    const ok = await fetch(`${t.server.baseUrl}/v1/conferences`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(ok.status).toBe(200);
  }, 60_000);
});
