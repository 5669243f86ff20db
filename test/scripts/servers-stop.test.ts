/**
 * Both stand-ins stop with their npm parent: a script (or a supervisor) that starts `npm run emulator …` or
 * `npm run conference-server …` and signals the process it started must not leave a server holding the port.
 * npm forwards SIGTERM/SIGINT to its child only, so the script line has to make the server that child (`exec`,
 * and `node --import tsx` instead of the tsx wrapper, which would be one more process in between).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** True while some process of the group still exists (the group id is npm's pid: spawned detached). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(true));
  });
}

async function waitFor(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}

function listening(child: ChildProcess): Promise<number> {
  return new Promise((resolvePort, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no listening line in 30 s; stderr: ${err}`)), 30_000);
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      err += c;
    });
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm exited (${code}) before listening; stderr: ${err}`));
    });
  });
}

const SCRIPTS: Array<[string, string[]]> = [
  ['emulator', ['--port', '0']],
  ['conference-server', ['--port', '0', '--db', ':memory:', '--api-key', 'stop-test-key']],
];
const CASES = SCRIPTS.flatMap(([script, args]) =>
  (['SIGTERM', 'SIGINT'] as const).map((signal) => [script, signal, args] as const),
);

it.each(CASES)(
  'npm run %s: %s to the npm process ends the server, frees the port and leaves no child',
  async (script, signal, args) => {
    // detached: npm leads a new process group, so "no child remains" is "the group is empty" — and the
    // finally block can clean up the whole group if the test fails.
    const npm = spawn('npm', ['run', '--silent', script, '--', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const pgid = npm.pid!;
    try {
      const port = await listening(npm);
      const npmExited = new Promise((r) => npm.once('exit', r));
      process.kill(pgid, signal); // npm alone, as `kill $!` or a supervisor would
      await npmExited;
      expect(await waitFor(() => !groupAlive(pgid), 5_000)).toBe(true);
      expect(await portFree(port)).toBe(true);
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  },
  60_000,
);
