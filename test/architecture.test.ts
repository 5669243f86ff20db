/**
 * The layout's promises, checked on every test run rather than left to convention: each side type-checks under
 * its own tsconfig (the pure core with `"types": []`, so an Apps Script or Node global there fails), the
 * stand-ins never import the add-on nor the add-on them, and lint is clean over the tracked files (so a scratch
 * file in the working tree cannot fail `npm test`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

/**
 * Biome over the files git tracks in `cwd` (those still present), not over the tree: what the project owns is
 * linted, while a developer's scratch file or another tool's output cannot fail the run.
 */
async function lintTracked(cwd: string) {
  const { stdout } = await run('git', ['ls-files', '-z'], { cwd, maxBuffer: 16 * 1024 * 1024 });
  const files = stdout.split('\0').filter((file) => file !== '' && existsSync(join(cwd, file)));
  // biome.json's files.includes still applies to the paths given; skipping what it excludes is not an error.
  const args = ['check', '--no-errors-on-unmatched', '--files-ignore-unknown=true', ...files];
  return run(bin('biome'), args, { cwd, maxBuffer: 16 * 1024 * 1024 }).catch((e) => {
    // Biome's report, without the command line and its hundreds of file names.
    const { stdout = '', stderr = '' } = e as { stdout?: string; stderr?: string };
    throw new Error(`biome check failed:\n${stdout}${stderr}`);
  });
}

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

  it('lint is clean (biome check of every tracked file)', async () => {
    await expect(lintTracked(ROOT)).resolves.toBeDefined();
  }, 60_000);

  it('lint looks only at tracked files: a scratch file cannot fail it, the same file once added does', async () => {
    // A throwaway repository with the project's biome.json: one clean tracked file, one untracked file that
    // breaks both the formatter and a lint rule.
    const repo = mkdtempSync(join(tmpdir(), 'lint-tracked-'));
    try {
      const git = (...args: string[]) => run('git', args, { cwd: repo });
      await git('init', '-q');
      writeFileSync(join(repo, 'biome.json'), readFileSync(join(ROOT, 'biome.json')));
      writeFileSync(join(repo, 'clean.ts'), "export const clean = 'yes';\n");
      await git('add', 'biome.json', 'clean.ts');
      writeFileSync(join(repo, 'scratch.ts'), 'var   x = 1;;debugger\n');
      await expect(lintTracked(repo)).resolves.toBeDefined();
      await git('add', 'scratch.ts');
      await expect(lintTracked(repo)).rejects.toThrow();
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }, 60_000);
});
