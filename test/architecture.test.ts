/**
 * The layout's promises, checked on every test run rather than left to convention: each side type-checks under
 * its own tsconfig (the pure core with `"types": []`, so an Apps Script or Node global there fails), the
 * stand-ins never import the add-on nor the add-on them, and lint is clean.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Every relative import of a file, resolved to a path relative to the project root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/\bfrom\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/g)].map(
    (m) => m[1] ?? m[2],
  );
  return specifiers.map((s) => relative(ROOT, resolve(file, '..', s)));
}

describe('architecture', () => {
  it.each([
    ['tsconfig.json', 'the bundle (Apps Script types only)'],
    ['tsconfig.core.json', 'the pure core and provider ("types": [])'],
    ['local/tsconfig.json', 'the Node-side stand-ins'],
    ['tsconfig.test.json', 'tests and benchmarks'],
  ])(
    '%s type-checks: %s',
    async (tsconfig) => {
      await expect(run(bin('tsc'), ['-p', tsconfig], { cwd: ROOT })).resolves.toBeDefined();
    },
    120_000,
  );

  it('the add-on imports nothing from the stand-ins, tests or Node', () => {
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      expect({ file, nodeImport: /from\s+'node:/.test(text) }).toEqual({ file, nodeImport: false });
      for (const target of importsOf(file)) {
        expect({ file, target, allowed: /^(src|contracts)\//.test(target) }).toMatchObject({ allowed: true });
      }
    }
  });

  it('the stand-ins import nothing from the add-on', () => {
    for (const file of sourceFiles(join(ROOT, 'local'))) {
      for (const target of importsOf(file)) {
        expect({ file, target, allowed: /^(local|contracts)\//.test(target) }).toMatchObject({
          allowed: true,
        });
      }
    }
  });

  it('lint is clean (biome check)', async () => {
    await expect(run(bin('biome'), ['check', '.'], { cwd: ROOT })).resolves.toBeDefined();
  }, 60_000);
});
