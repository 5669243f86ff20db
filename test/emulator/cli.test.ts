/**
 * The emulator as other tools start it: `npm run emulator -- --port 0` in a child process prints
 * its listening line, answers Google's client, and stops cleanly on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { auth, calendar, type calendar_v3 } from '@googleapis/calendar';

const root = `${__dirname}/../..`;

function waitForListening(child: ChildProcess): {
  url: Promise<string>;
  stdout: () => string;
  stderr: () => string;
} {
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${stderr}`)), 20_000);
    child.stdout!.on('data', (d) => {
      stdout += d;
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', () => reject(new Error(`exited early; stderr: ${stderr}`)));
  });
  return { url, stdout: () => stdout, stderr: () => stderr };
}

const exit = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );

test('npm run emulator -- --port 0 prints its listening line, serves the official client, and stops on SIGTERM', async () => {
  // Its own process group, signalled as a whole — what Ctrl-C in a terminal or a CI runner does.
  const child = spawn('npm', ['run', 'emulator', '--', '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = exit(child);
  const io = waitForListening(child);
  let url = '';
  try {
    url = await io.url;
    const oauth = new auth.OAuth2();
    oauth.setCredentials({ access_token: 'alice@example.com' });
    const client = calendar({
      version: 'v3',
      rootUrl: `${url}/`,
      auth: oauth,
      retry: false,
      fetchImplementation: fetch,
    } as calendar_v3.Options);
    const res = await client.events.list({ calendarId: 'primary' });
    expect(res.status).toBe(200);
    expect(res.data.kind).toBe('calendar#events');
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
  }
  // npm ends with code 0 or by the same signal; the emulator under it must be gone either way.
  const { code, signal } = await exited;
  expect(code === 0 || signal === 'SIGTERM').toBe(true);
  expect(io.stdout().match(/listening on/g)).toHaveLength(1);
  // The port closes once the emulator under npm has stopped (allow it a moment to finish closing).
  let closed = false;
  for (let i = 0; i < 50 && !closed; i++) {
    closed = await fetch(`${url}/calendar/v3/calendars/primary/events`).then(
      () => false,
      () => true,
    );
    if (!closed) await new Promise((r) => setTimeout(r, 100));
  }
  expect(closed).toBe(true);
}, 30_000);

test('the emulator process itself exits with code 0 on SIGTERM', async () => {
  const child = spawn(`${root}/node_modules/.bin/tsx`, ['local/calendar-emulator/main.ts', '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = exit(child);
  const io = waitForListening(child);
  await io.url;
  child.kill('SIGTERM');
  expect(await exited).toEqual({ code: 0, signal: null });
  expect(io.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
}, 30_000);

test('an unknown --time-zone stops the emulator before it listens, with a message naming the switch', async () => {
  const child = spawn(
    `${root}/node_modules/.bin/tsx`,
    ['local/calendar-emulator/main.ts', '--time-zone', 'Mars/Base'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  expect(await exit(child)).toEqual({ code: 2, signal: null });
  expect(stdout).toBe('');
  expect(stderr).toMatch(/--time-zone: 'Mars\/Base' is not an IANA time zone name/);
}, 30_000);

test.each([
  ['events=ten', /events needs a positive integer, got 'ten'/],
  ['evnts=10', /unknown argument 'evnts=10'/],
])(
  'the benchmark refuses the argument %s with a clear message',
  async (arg, message) => {
    const child = spawn(`${root}/node_modules/.bin/tsx`, ['bench/calendar-emulator.bench.ts', arg], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    expect((await exit(child)).code).toBe(2);
    expect(stderr).toMatch(message);
  },
  30_000,
);
