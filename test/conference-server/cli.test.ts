/**
 * The CLI as local-tools.md starts it, as a real child process: the one listening line, loopback only, clean
 * shutdown on SIGTERM/SIGINT, a clear failure on a port in use, where the key comes from, and that a restart on
 * the same --db keeps every conference.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConferenceClient } from '../../local/conference-server/client';
import {
  REPO_ROOT,
  runCliToExit,
  type SpawnedConferenceServer,
  spawnConferenceServer,
} from '../../local/conference-server/spawn';
import { API_KEY, SAMPLE } from './helpers';

let dir: string;
const running: SpawnedConferenceServer[] = [];
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'conference-cli-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: Partial<Parameters<typeof spawnConferenceServer>[0]> = {}) {
  const server = await spawnConferenceServer({ apiKey: API_KEY, ...options });
  running.push(server);
  return server;
}

it('prints exactly one line, "listening on http://127.0.0.1:<port>", and serves the API under /api', async () => {
  const server = await start();
  const client = new ConferenceClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
  await client.createConference(SAMPLE, 'cli-1');
  expect(server.port).toBeGreaterThan(0);
  const stopped = await server.stop('SIGTERM');
  expect(stopped).toEqual({ code: 0, signal: null });
  expect(server.stdout()).toBe(`listening on http://127.0.0.1:${server.port}\n`);
});

it('npm run conference-server -- --port 0 --db :memory: --api-key k prints its listening line', async () => {
  // Through npm, as local-tools.md documents (test/scripts/servers-stop.test.ts signals npm alone and checks that
  // the server goes too); here the whole process group is stopped.
  const child = spawn(
    'npm',
    ['run', '--silent', 'conference-server', '--', '--port', '0', '--db', ':memory:', '--api-key', 'k'],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out);
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
    });
    expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  } finally {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
});

it('listens on 127.0.0.1 only', async () => {
  const server = await start();
  expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  // Another loopback address of the same host must not reach it: the socket is bound to 127.0.0.1 alone.
  const elsewhere = await fetch(`http://127.0.0.2:${server.port}/api/v1/conferences`).then(
    (r) => r.status,
    () => 'refused',
  );
  expect(elsewhere).toBe('refused');
});

it.each(['SIGTERM', 'SIGINT'] as const)(
  'exits 0 on %s and a restart on the same --db keeps every conference',
  async (signal) => {
    const db = path.join(dir, `restart-${signal}.db`);
    const first = await start({ db });
    const client = new ConferenceClient({ baseUrl: first.baseUrl, apiKey: API_KEY });
    const { conference } = await client.createConference(SAMPLE, 'restart');
    const patched = await client.updateConference(conference.id, { title: 'kept' });
    expect(await first.stop(signal)).toEqual({ code: 0, signal: null });
    // A clean close checkpoints the write-ahead log into the database file and removes it.
    expect(existsSync(`${db}-wal`)).toBe(false);

    const second = await start({ db });
    const again = new ConferenceClient({ baseUrl: second.baseUrl, apiKey: API_KEY });
    expect(await again.getConference(conference.id)).toEqual(patched);
  },
);

it('fails with a clear message naming the port, and a non-zero exit, when the port is in use', async () => {
  const first = await start();
  const result = await runCliToExit({ apiKey: API_KEY, port: first.port });
  expect(result.code).not.toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(`port ${first.port}`);
  expect(result.stderr).toContain('already in use');
  // The first server is unaffected.
  expect(
    (await fetch(`${first.baseUrl}/v1/conferences`, { headers: { authorization: `Bearer ${API_KEY}` } }))
      .status,
  ).toBe(200);
});

it('refuses to start without an API key, saying how to give one', async () => {
  const result = await runCliToExit({ apiKey: '' });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('CONFERENCE_API_KEY');
});

it('refuses a bad --port with a usage message', async () => {
  const result = await runCliToExit({ apiKey: API_KEY, extraArgs: ['--port', 'eighty'] });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('--port');
});

it('takes the key from --api-key over CONFERENCE_API_KEY, and never prints it, even with --log', async () => {
  const server = await start({ extraArgs: ['--api-key', 'flag-key-91', '--log'] });
  const flag = await fetch(`${server.baseUrl}/v1/conferences`, {
    headers: { authorization: 'Bearer flag-key-91' },
  });
  expect(flag.status).toBe(200);
  const env = await fetch(`${server.baseUrl}/v1/conferences`, {
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  expect(env.status).toBe(401);
  await server.stop();
  // The log went to stderr (one line per request at least), stdout kept its single listening line.
  expect(server.stderr()).toContain('"statusCode":401');
  expect(server.stdout()).toBe(`listening on ${server.origin}\n`);
  expect(server.stdout() + server.stderr()).not.toContain('flag-key-91');
  expect(server.stdout() + server.stderr()).not.toContain(API_KEY);
});

it('serves the admin endpoints only with --enable-admin', async () => {
  const plain = await start();
  const withAdmin = await start({ enableAdmin: true });
  const rule = JSON.stringify({ status: 503, count: 1 });
  const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
  expect(
    (await fetch(`${plain.origin}/admin/v1/faults`, { method: 'POST', headers, body: rule })).status,
  ).toBe(404);
  expect(
    (await fetch(`${withAdmin.origin}/admin/v1/faults`, { method: 'POST', headers, body: rule })).status,
  ).toBe(201);
  const client = new ConferenceClient({ baseUrl: withAdmin.baseUrl, apiKey: API_KEY });
  await expect(client.listConferences()).rejects.toMatchObject({ status: 503, code: 'UNAVAILABLE' });
});
