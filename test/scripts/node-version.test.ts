/**
 * One Node story: `.nvmrc` names a version inside package.json's `engines`, every package locked in
 * package-lock.json accepts every Node that `engines` admits (otherwise `npm ci` warns EBADENGINE — or fails
 * with --engine-strict — on a version the project calls supported), and the README names the same version.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as semver from 'semver';

const ROOT = resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(resolve(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
const lock = JSON.parse(read('package-lock.json')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

it('.nvmrc pins one exact version that engines admits', () => {
  const pinned = read('.nvmrc').trim();
  expect(semver.valid(pinned)).toBe(pinned);
  expect(semver.satisfies(pinned, pkg.engines.node)).toBe(true);
});

it('every locked package accepts every Node version engines admits (no EBADENGINE)', () => {
  const refusing: string[] = [];
  for (const [where, entry] of Object.entries(lock.packages)) {
    // Old packages sometimes give engines as an array of strings; npm ignores those, so do we.
    const range = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
    if (!where || !range) continue;
    if (!semver.subset(pkg.engines.node, range)) refusing.push(`${where}@${entry.version}: node ${range}`);
  }
  expect(refusing).toEqual([]);
});

it('the README names the pinned version and the engines range', () => {
  const readme = read('README.md');
  expect(readme).toContain(read('.nvmrc').trim());
  expect(readme).toContain(pkg.engines.node);
});
