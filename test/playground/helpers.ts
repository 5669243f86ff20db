/**
 * Starting `npm start` (the playground CLI) as a child for tests: its stdout lines, the URLs and key of the
 * contract's lines, its whole process tree (read from /proc, so a test can prove that stopping it leaves nothing
 * behind), and stopping it with a signal as a terminal's Ctrl-C would (to the whole process group).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface Started {
  child: ChildProcess;
  lines: string[];
  stderr(): string;
  emulatorUrl: string;
  conferenceBaseUrl: string;
  apiKey: string;
  pageUrl: string;
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every live process descending from `pid` (children, grandchildren, …), from /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may contain spaces: the fields after the last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0) until reaped; it is not a process left behind.
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export function freshStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'playground-test-'));
}

/**
 * Starts the playground (`npm start -- …` when viaNpm, else the CLI itself) in its own process group and waits
 * for the contract's four lines.
 */
export async function startPlayground(
  args: string[],
  viaNpm = false,
  env: Record<string, string> = {},
): Promise<Started> {
  const command = viaNpm ? 'npm' : process.execPath;
  const argv = viaNpm ? ['start', '--', ...args] : ['--import', 'tsx', 'local/playground/main.ts', ...args];
  const child = spawn(command, argv, {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (d) => {
    stdout += d;
    const parts = stdout.split('\n');
    stdout = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      if (stdout) lines.push(stdout);
      for (const w of waiters.splice(0)) w();
      resolve({ code, signal });
    }),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const waitForLine = async (pattern: RegExp, timeoutMs = 60_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = lines.find((l) => pattern.test(l));
      if (hit !== undefined) return hit;
      if (done)
        throw new Error(`the playground exited without printing ${pattern}:\n${lines.join('\n')}\n${stderr}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no line ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}\n${stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 500));
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  };
  const value = async (pattern: RegExp) => (pattern.exec(await waitForLine(pattern)) as RegExpExecArray)[1];
  const emulatorUrl = await value(/^calendar emulator: (http:\/\/127\.0\.0\.1:\d+\/)$/);
  const conferenceBaseUrl = await value(/^conference server: (http:\/\/127\.0\.0\.1:\d+\/api)$/);
  const apiKey = await value(/^conference api key: (\S+)$/);
  const pageUrl = await value(/^playground: (http:\/\/127\.0\.0\.1:\d+\/)$/);
  return {
    child,
    lines,
    stderr: () => stderr,
    emulatorUrl,
    conferenceBaseUrl,
    apiKey,
    pageUrl,
    waitForLine,
    exited,
  };
}

/** Ctrl-C: SIGINT to the whole process group, as a terminal sends it. */
export function interrupt(started: Started, signal: NodeJS.Signals = 'SIGINT'): void {
  process.kill(-(started.child.pid as number), signal);
}
