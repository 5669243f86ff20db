/**
 * `npm start`: the local playground (local-tools.md, "Local playground"). Builds dist/ when it is stale, starts the
 * Calendar emulator and the conference server (free ports; the conference database in .playground/, which
 * --fresh empties), runs the built add-on in the local Apps Script runtime for alice and bob, plays the demo with a
 * compact live log, prints every event against its conference, then serves the page until Ctrl-C / SIGTERM (then
 * stops every child process and exits 0). `--once` exits after the demo: 0 when every conference is in sync.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { distIsStale } from './build';
import { playDemo } from './demo';
import { type LogEntry, Playground } from './playground';
import { REPO_ROOT } from './processes';
import { buildPageServer } from './server';
import { table } from './table';

const USAGE = `usage: npm start -- [--port <port>] [--once] [--no-demo] [--fresh] [--quiet] [--state-dir <dir>]
  --port <port>  port of the playground page on 127.0.0.1 (default 8787; 0 = any free port)
  --once         play the demo, print the table, exit 0 when every conference is in sync, 1 otherwise
  --no-demo      start with empty calendars (nothing played)
  --fresh        start from an empty conference database and runtime state (.playground/)
  --quiet        no live log, only the contract's lines and the table
  --state-dir    where the conference database and the runtime's state live (default .playground/)
The conference API key is generated per start, or taken from CONFERENCE_API_KEY.`;

function fail(message: string, code = 2): never {
  process.stderr.write(`npm start: ${message}\n${code === 2 ? `${USAGE}\n` : ''}`);
  process.exit(code);
}

function parse() {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string', default: '8787' },
        once: { type: 'boolean', default: false },
        'no-demo': { type: 'boolean', default: false },
        fresh: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        'state-dir': { type: 'string', default: join(REPO_ROOT, '.playground') },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535)
      fail(`--port needs a port number 0–65535, not "${values.port}"`);
    if (values['state-dir'].trim() === '') fail('--state-dir needs a folder');
    return {
      port: Number(values.port),
      once: values.once,
      demo: !values['no-demo'],
      fresh: values.fresh,
      quiet: values.quiet,
      stateDir: resolve(values['state-dir']),
    };
  } catch (e) {
    fail((e as Error).message);
  }
}

function buildIfStale(): void {
  if (!distIsStale(REPO_ROOT)) return;
  process.stderr.write('dist/ is stale: npm run build\n');
  // Build output goes to stderr: stdout carries only the contract's lines, the log and the table.
  const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0)
    fail('npm run build failed; fix the build (its output is above) and start again', 1);
}

function compact(e: LogEntry): string {
  const who = e.user ? `${e.user.split('@')[0]} ` : '';
  switch (e.kind) {
    case 'step':
      return `\n▶ ${e.text}`;
    case 'execution':
      return `  ⚙ ${who}${e.text}`;
    case 'fetch':
      return `    → ${who}${e.text}`;
    case 'watch':
      return `  ⟳ ${e.text}`;
    case 'error':
      return `  ✗ ${who}${e.text}`;
    default:
      return `  · ${who}${e.text}`;
  }
}

async function main(): Promise<void> {
  const options = parse();
  buildIfStale();
  const apiKey = process.env.CONFERENCE_API_KEY || `sk_local_${randomBytes(12).toString('hex')}`;
  let live = false;
  // A signal during start-up (children half started) is honoured once start-up is over, so nothing is orphaned.
  let signalled = false;
  let stop: (code: number) => Promise<void> = async () => {
    signalled = true;
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  const playground = await Playground.start({
    stateDir: options.stateDir,
    fresh: options.fresh,
    apiKey,
    onLog: (e) => {
      if (live && !options.quiet) process.stdout.write(`${compact(e)}\n`);
    },
  }).catch((e: Error) => fail(e.message, 1));

  const page = buildPageServer(playground, () => ({
    emulatorUrl: playground.emulatorUrl,
    conferenceBaseUrl: playground.conferenceBaseUrl,
  }));
  let stopping = false;
  stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // The demo may still be between steps: what it does against the stopping servers is neither logged nor fatal.
    live = false;
    await page.close().catch(() => undefined);
    await playground.stop();
    process.exit(code);
  };
  if (signalled) return stop(0);
  try {
    await page.listen({ host: '127.0.0.1', port: options.port });
  } catch (e) {
    const busy = (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
    process.stderr.write(
      `npm start: ${busy ? `port ${options.port} is in use; pick another with --port <port> (0 = any free port)` : (e as Error).message}\n`,
    );
    await stop(1);
    return;
  }
  const address = page.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  process.stdout.write(`calendar emulator: ${playground.emulatorUrl}\n`);
  process.stdout.write(`conference server: ${playground.conferenceBaseUrl}\n`);
  process.stdout.write(`conference api key: ${apiKey}\n`);
  process.stdout.write(`playground: http://127.0.0.1:${port}/\n`);
  live = true;

  if (options.demo) {
    // A signal during the demo stops everything promptly (stop() exits); the demo's own failures then don't count.
    const demo = async () => {
      const result = await playDemo(playground);
      return { result, verdict: await playground.verdict() };
    };
    const played = await demo().catch((e: Error) => {
      if (stopping) return undefined;
      throw e;
    });
    if (stopping || !played) return;
    const { result, verdict } = played;
    process.stdout.write(`\n${table(verdict.snapshot)}\n`);
    for (const failed of result.failedSteps) process.stdout.write(`failed step: ${failed}\n`);
    process.stdout.write(
      verdict.outOfSync === 0
        ? `demo: ${verdict.total} conferences, all in sync\n`
        : `demo: ${verdict.outOfSync} of ${verdict.total} conferences out of sync\n`,
    );
    if (options.once) return stop(verdict.outOfSync === 0 && result.failedSteps.length === 0 ? 0 : 1);
  } else if (options.once) {
    return stop(0);
  }
  if (!options.quiet) {
    process.stdout.write(
      `\nServing the playground until Ctrl-C. Try, with Google's client (rootUrl ${playground.emulatorUrl}) or curl:\n` +
        `  curl -s -H 'Authorization: Bearer alice@example.com' '${playground.emulatorUrl}calendar/v3/calendars/alice@example.com/events'\n` +
        `  curl -s -H 'Authorization: Bearer ${apiKey}' '${playground.conferenceBaseUrl}/v1/conferences'\n`,
    );
  }
}

main().catch((e) => fail((e as Error).stack ?? String(e), 1));
