/**
 * A wrong Node gets one sentence, not a native-module dump. Only one Node is installed here, so the mismatch is
 * produced the way Node itself reports it: a preload replaces process.dlopen with one that throws Node's own
 * ERR_DLOPEN_FAILED message for an addon built for another NODE_MODULE_VERSION.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MAIN_PATH, REPO_ROOT } from '../../local/conference-server/spawn';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'conference-wrong-node-'));
  writeFileSync(
    path.join(dir, 'abi-mismatch.cjs'),
    `process.dlopen = (module, filename) => {
  const error = new Error("The module '" + filename + "'\\nwas compiled against a different Node.js version using\\n" +
    'NODE_MODULE_VERSION 999. This version of Node.js requires\\nNODE_MODULE_VERSION ' + process.versions.modules +
    '. Please try re-compiling or re-installing\\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).');
  error.code = 'ERR_DLOPEN_FAILED';
  throw error;
};\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a better-sqlite3 built for another Node: exit 1 and one line naming the fix, no stack', async () => {
  const child = spawn(
    process.execPath,
    [
      '--require',
      path.join(dir, 'abi-mismatch.cjs'),
      '--import',
      'tsx',
      MAIN_PATH,
      '--port',
      '0',
      '--db',
      ':memory:',
    ],
    { cwd: REPO_ROOT, env: { ...process.env, CONFERENCE_API_KEY: 'k' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).toBe(1);
  expect(stdout).toBe('');
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('NODE_MODULE_VERSION 999');
  expect(lines[0]).toContain(process.version);
  expect(lines[0]).toContain('nvm use');
  expect(lines[0]).toContain('npm rebuild better-sqlite3');
  expect(stderr).not.toMatch(/\n\s+at /);
}, 30_000);
