/**
 * Starts the conference server's real CLI (main.ts) as a child process and waits for its listening line; for
 * end-to-end tests, the durability test and the benchmark. The child is `node --import tsx main.ts` rather than
 * `npx tsx` / `npm run`, because those put wrapper processes in between: a signal (kill -9 above all) must reach
 * the server itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const MAIN_PATH = path.join(__dirname, 'main.ts');

export interface SpawnOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default ':memory:'. */
  db?: string;
  /** Passed through the CONFERENCE_API_KEY environment variable, so it is not visible in `ps`. */
  apiKey: string;
  enableAdmin?: boolean;
  extraArgs?: string[];
  /** How long to wait for the listening line. Default 20 s. */
  timeoutMs?: number;
}

export interface SpawnedConferenceServer {
  child: ChildProcess;
  origin: string;
  baseUrl: string;
  port: number;
  /** Everything the child wrote to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the child has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function cliArgs(options: Omit<SpawnOptions, 'apiKey'>): string[] {
  const args = [
    '--import',
    'tsx',
    MAIN_PATH,
    '--port',
    String(options.port ?? 0),
    '--db',
    options.db ?? ':memory:',
  ];
  if (options.enableAdmin) args.push('--enable-admin');
  return [...args, ...(options.extraArgs ?? [])];
}

/**
 * Spawns the CLI and resolves once it printed `listening on …`; rejects (with its stderr) if it exits first.
 * Use `startProcess` for a start that is expected to fail.
 */
export async function spawnConferenceServer(options: SpawnOptions): Promise<SpawnedConferenceServer> {
  const child = spawn(process.execPath, cliArgs(options), {
    cwd: REPO_ROOT,
    env: { ...process.env, CONFERENCE_API_KEY: options.apiKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`conference server did not print its listening line in time; stderr: ${err}`));
    }, options.timeoutMs ?? 20_000);
    const onData = () => {
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/m.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`conference server exited (code ${code}, signal ${signal}) before listening: ${err}`));
    });
  });
  return {
    child,
    origin,
    baseUrl: `${origin}/api`,
    port: Number(origin.slice(origin.lastIndexOf(':') + 1)),
    stdout: () => out,
    stderr: () => err,
    exited,
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the CLI to completion (for starts expected to fail): exit code, stdout and stderr. */
export function runCliToExit(
  options: SpawnOptions,
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliArgs(options), {
      cwd: REPO_ROOT,
      env: { ...process.env, CONFERENCE_API_KEY: options.apiKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not exit within ${timeoutMs} ms; stdout: ${stdout}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
