/**
 * A signal while the demo plays stops `npm start` promptly: SIGINT to the process group (a terminal's Ctrl-C) and
 * SIGTERM to npm alone (which forwards it) both end every child within a few seconds, exit 0. (A closed runtime
 * used to leave the demo's next Calendar call waiting out its whole timeout, about 30 s.)
 */
import { descendants, freshStateDir, isAlive, startPlayground } from './helpers';

jest.setTimeout(120_000);

it.each([
  ['SIGINT', 'group'],
  ['SIGTERM', 'npm'],
] as const)('%s to the %s during the demo stops everything within 5 s, exit 0', async (signal, target) => {
  const started = await startPlayground(['--port', '0', '--state-dir', freshStateDir()], true);
  try {
    await started.waitForLine(/^▶ /, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(started.lines.some((l) => l.startsWith('demo: '))).toBe(false);
    const pid = started.child.pid as number;
    const tree = descendants(pid);
    const sentAt = Date.now();
    process.kill(target === 'group' ? -pid : pid, signal);
    const exit = await started.exited;
    const tookMs = Date.now() - sentAt;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(tree.filter(isAlive)).toEqual([]);
    expect(started.stderr()).not.toMatch(/fetch failed|TypeError/);
  } finally {
    if (started.child.exitCode === null) process.kill(-(started.child.pid as number), 'SIGKILL');
  }
});
