/**
 * The build's own guarantees: the urlFetchWhitelist comes from configuration (env CONFERENCE_API_BASE_URL at
 * build time), a bad value fails the build loudly, and clasp would push exactly the two dist files.
 * Builds here go to temporary directories so that dist/ stays as `npm run build` made it.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './dist';

const run = promisify(execFile);
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

async function build(baseUrl: string | undefined) {
  const out = mkdtempSync(join(tmpdir(), 'conference-sync-build-'));
  const env = { ...process.env };
  if (baseUrl === undefined) delete env.CONFERENCE_API_BASE_URL;
  else env.CONFERENCE_API_BASE_URL = baseUrl;
  try {
    await run(bin('rollup'), ['-c', 'rollup.config.js', '--dir', out], { cwd: ROOT, env });
    return {
      ok: true as const,
      manifest: JSON.parse(readFileSync(join(out, 'appsscript.json'), 'utf8')),
      code: readFileSync(join(out, 'Code.js'), 'utf8'),
    };
  } catch (e) {
    const { stderr = '', stdout = '' } = e as { stderr?: string; stdout?: string };
    return { ok: false as const, output: `${stdout}\n${stderr}` };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** whitelistEntry() from rollup.config.js, the function the build itself uses. */
async function whitelistEntries(values: string[]): Promise<Array<string | null | { error: string }>> {
  const { whitelistEntry } = require(join(ROOT, 'rollup.config.js')) as {
    whitelistEntry: (v: string) => string | null;
  };
  return values.map((v) => {
    try {
      return whitelistEntry(v);
    } catch (e) {
      return { error: (e as Error).message };
    }
  });
}

describe('urlFetchWhitelist generated at build time', () => {
  it('takes the base URL from CONFERENCE_API_BASE_URL, and fails loudly on one Google would reject', async () => {
    const [configured, refused, unset] = await Promise.all([
      build('https://conf.example.com/api'),
      build('http://conf.example.com/api'),
      build(undefined),
    ]);
    expect(configured.ok && configured.manifest.urlFetchWhitelist).toEqual(['https://conf.example.com/api/']);
    // The same allowlist is compiled into the bundle, so the add-on can check its configuration against it.
    expect(configured.ok && configured.code).toContain(
      `const BUILT_URL_FETCH_WHITELIST = ${JSON.stringify(JSON.stringify(['https://conf.example.com/api/']))};`,
    );
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.output).toContain('CONFERENCE_API_BASE_URL must use https://');
    expect(unset.ok && unset.manifest.urlFetchWhitelist).toEqual(['https://conference.example.com/']);
  }, 120000);

  it('validates and normalises each kind of value', async () => {
    const cases: Array<[string, string | null | RegExp]> = [
      ['https://conf.example.com', /needs a path/],
      ['https://conf.example.com/', /needs a path/],
      ['https://conf.example.com/api//', 'https://conf.example.com/api/'],
      ['https://conf.example.com:8443/v', 'https://conf.example.com:8443/v/'],
      ['http://127.0.0.1:8787', null],
      ['http://localhost:3000/api', null],
      ['http://localhost.example.com/', /must use https/],
      ['https://user:pw@conf.example.com/', /credentials/],
      ['https://conf.example.com/?a=1', /query or fragment/],
      ['https://localhost/', /full host name/],
      ['not a url', /not a URL/],
    ];
    const results = await whitelistEntries(cases.map(([value]) => value));
    cases.forEach(([value, expected], i) => {
      const result = results[i];
      if (expected instanceof RegExp)
        expect({ value, result }).toEqual({ value, result: { error: expect.stringMatching(expected) } });
      else expect({ value, result }).toEqual({ value, result: expected });
    });
  }, 60000);
});

describe('clasp', () => {
  it('would push exactly dist/Code.js and dist/appsscript.json (clasp status works offline)', async () => {
    // .clasp.json is the developer's own (git-ignored, written by `npm run setup`), so the check runs in a copy
    // of the project: .clasp.json.example with a well-formed id, the real .claspignore and the whole dist/.
    const project = mkdtempSync(join(tmpdir(), 'conference-sync-clasp-'));
    try {
      const example = JSON.parse(readFileSync(join(ROOT, '.clasp.json.example'), 'utf8'));
      const settings = { ...example, scriptId: '1abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS' };
      writeFileSync(join(project, '.clasp.json'), JSON.stringify(settings));
      cpSync(join(ROOT, '.claspignore'), join(project, '.claspignore'));
      cpSync(join(ROOT, 'dist'), join(project, 'dist'), { recursive: true });
      const { stdout } = await run(bin('clasp'), ['status', '--json'], { cwd: project });
      const status = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
      expect([...status.filesToPush].sort()).toEqual(['dist/Code.js', 'dist/appsscript.json']);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 60000);
});
