/**
 * The playground's child processes: the Calendar emulator and the conference server, each its real CLI started
 * as `node --import tsx main.ts` (no npm/npx wrapper in between, so a signal reaches the server itself), each on a
 * free port of 127.0.0.1, announced by its `listening on …` line. Stopping sends SIGTERM, then SIGKILL after 5 s.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface Child {
  name: string;
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

export function startChild(
  name: string,
  mainPath: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', mainPath, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${stderr}`));
    }, timeoutMs);
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.stdout?.on('data', (d) => {
      stdout += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ name, child, url: m[1], stop });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening (${signal ?? `code ${code}`}):\n${stderr.trim()}`));
    });
  });
}
