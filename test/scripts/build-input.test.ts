/**
 * The build accepts exactly the CONFERENCE_API_BASE_URL the README describes (https, a full host, a non-empty
 * path; or a loopback http URL for local runs, which keeps the placeholder) and refuses anything else with one
 * line naming the reason — not a plugin error wrapped in rollup's stack trace. Refusals happen before rollup
 * compiles anything, so these runs are quick and write nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');
const run = promisify(execFile);

it.each([
  ['https://conf.example.com', 'needs a path after the host, e.g. https://conf.example.com/api'],
  ['https://conf.example.com/', 'needs a path after the host'],
  ['http://conf.example.com/api', 'must use https://'],
  ['https://conf/api', 'needs a full host name'],
  ['https://user:pw@conf.example.com/api', 'must not contain credentials'],
  ['https://conf.example.com/api?x=1', 'must not have a query or fragment'],
  ['conf.example.com/api', 'is not a URL'],
])(
  'CONFERENCE_API_BASE_URL=%s is refused in one line: %s',
  async (value, reason) => {
    const out = mkdtempSync(join(tmpdir(), 'conference-sync-refused-'));
    try {
      const result = await run(
        join(ROOT, 'node_modules', '.bin', 'rollup'),
        ['-c', 'rollup.config.js', '--dir', out],
        {
          cwd: ROOT,
          env: { ...process.env, CONFERENCE_API_BASE_URL: value },
        },
      ).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.startsWith(`build refused: CONFERENCE_API_BASE_URL ${reason}`)).toBe(true);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(JSON.stringify(value));
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
  30_000,
);
