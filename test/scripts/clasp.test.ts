/**
 * The Apps Script steps without dead ends, offline: no placeholder .clasp.json is tracked; `npm run push` and
 * `npm run deploy` stop within about a second when clasp is not logged in or the script id is not real, naming
 * the next command; `npm run setup -- --script-id` writes the project file. Each case runs with its own HOME
 * (so ~/.clasprc.json is the test's) and `clasp_config_project` pointing at a temporary project file, so the
 * developer's own credentials and .clasp.json are never read or touched.
 */
import { execFile, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'clasp.cjs');
const ID = '1B0D8KeXmWFmSBQ9NDS-XfsHPCnQZtBTi82NxW0mYLOjGGG4EsAXx4Sez';
const execFileAsync = promisify(execFile);

let home: string;
let project: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'clasp-home-'));
  project = mkdtempSync(join(tmpdir(), 'clasp-project-'));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

const loggedIn = () =>
  writeFileSync(join(home, '.clasprc.json'), JSON.stringify({ tokens: { default: { refresh_token: 'r' } } }));
const projectFile = () => join(project, '.clasp.json');

async function run(command: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, clasp_config_project: project };
  delete env.clasp_config_auth;
  const started = Date.now();
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd: ROOT, env });
    return { code: 0, stdout, stderr, ms: Date.now() - started };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr, ms: Date.now() - started };
  }
}
const check = () => run(process.execPath, [SCRIPT, 'check']);

it('no .clasp.json is tracked, it is git-ignored, and the example has rootDir "dist"', () => {
  const tracked = spawnSync('git', ['ls-files', '.clasp.json'], { cwd: ROOT, encoding: 'utf8' }).stdout;
  expect(tracked.trim()).toBe('');
  const ignored = spawnSync('git', ['check-ignore', '-q', '.clasp.json'], { cwd: ROOT });
  expect(ignored.status).toBe(0);
  expect(JSON.parse(readFileSync(join(ROOT, '.clasp.json.example'), 'utf8')).rootDir).toBe('dist');
});

it.each(['push', 'deploy'])(
  'npm run %s without a clasp login stops at once and says: npx clasp login',
  async (script) => {
    const result = await run('npm', ['run', '--silent', script]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('clasp is not logged in');
    expect(result.stderr).toContain('next: npx clasp login');
    // deploy used to type-check, lint and run every test (84 s) before clasp said "No credentials found.".
    expect(result.ms).toBeLessThan(3_000);
  },
  30_000,
);

it('logged in but no .clasp.json: says npm run setup', async () => {
  loggedIn();
  const result = await check();
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('no ');
  expect(result.stderr).toContain('next: npm run setup');
});

it.each([
  ['the old placeholder', { scriptId: 'REPLACE_WITH_YOUR_SCRIPT_ID', rootDir: 'dist' }],
  ['the example file', JSON.parse(readFileSync(join(ROOT, '.clasp.json.example'), 'utf8'))],
  ['a short id', { scriptId: 'abc', rootDir: 'dist' }],
])('a project file with %s is refused, naming npm run setup', async (_name, settings) => {
  loggedIn();
  writeFileSync(projectFile(), JSON.stringify(settings));
  const result = await check();
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('has no real script id');
  expect(result.stderr).toContain('next: npm run setup');
});

it('a rootDir other than dist is refused with the setup command that fixes it', async () => {
  loggedIn();
  writeFileSync(projectFile(), JSON.stringify({ scriptId: ID, rootDir: '.' }));
  const result = await check();
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`next: npm run setup -- --script-id ${ID}`);
});

it('npm run setup -- --script-id <editor URL> writes { scriptId, rootDir: "dist" }, and the check passes', async () => {
  const result = await run('npm', [
    'run',
    '--silent',
    'setup',
    '--',
    '--script-id',
    `https://script.google.com/d/${ID}/edit`,
  ]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('next: CONFERENCE_API_BASE_URL=<your base URL> npm run push');
  expect(JSON.parse(readFileSync(projectFile(), 'utf8'))).toEqual({ scriptId: ID, rootDir: 'dist' });
  loggedIn();
  const checked = await check();
  expect({ code: checked.code, stderr: checked.stderr }).toEqual({ code: 0, stderr: '' });
  expect(checked.ms).toBeLessThan(1_500);
});

it('npm run setup -- --script-id refuses a placeholder without writing anything', async () => {
  const result = await run(process.execPath, [SCRIPT, 'setup', '--script-id', '<your script id>']);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('is not an Apps Script id');
  expect(() => readFileSync(projectFile())).toThrow();
});

it('npm run setup (create a script) without a login says: npx clasp login, and writes nothing', async () => {
  const result = await run(process.execPath, [SCRIPT, 'setup']);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('next: npx clasp login');
  expect(() => readFileSync(projectFile())).toThrow();
});

it('the credentials are checked for presence only: nothing from them is printed', async () => {
  writeFileSync(join(home, '.clasprc.json'), JSON.stringify({ tokens: { default: { note: 'secret-9f3' } } }));
  const result = await check();
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('holds no credentials');
  expect(result.stdout + result.stderr).not.toContain('secret-9f3');
});

it('npm run setup on a project already set up says so and leaves the file alone', async () => {
  loggedIn();
  const settings = `${JSON.stringify({ scriptId: ID, rootDir: 'dist' }, null, 2)}\n`;
  writeFileSync(projectFile(), settings);
  const result = await run(process.execPath, [SCRIPT, 'setup']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`already set up`);
  expect(result.stdout).toContain(ID);
  expect(readFileSync(projectFile(), 'utf8')).toBe(settings);
});

describe('npm run setup creating a script (clasp replaced by a stand-in that behaves like create-script)', () => {
  // The setup script resolves clasp as <its repository>/node_modules/.bin/clasp, so a copy of it in a scratch
  // repository runs against a stand-in there: it records its arguments, writes .clasp.json and pulls a stub
  // Code.gs and manifest into dist/ as clasp 3.4 does, and prints clasp's --json answer.
  let repo: string;
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'clasp-setup-'));
    mkdirSync(join(repo, 'scripts'));
    mkdirSync(join(repo, 'node_modules', '.bin'), { recursive: true });
    copyFileSync(SCRIPT, join(repo, 'scripts', 'clasp.cjs'));
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  function standIn(exitCode: number) {
    const bin = join(repo, 'node_modules', '.bin', 'clasp');
    writeFileSync(
      bin,
      `#!${process.execPath}
const fs = require('node:fs');
fs.writeFileSync('clasp-args.json', JSON.stringify(process.argv.slice(2)));
if (${exitCode} !== 0) { console.error('User has not enabled the Apps Script API.'); process.exit(${exitCode}); }
if (fs.existsSync('.clasp.json')) { console.error('Project file already exists.'); process.exit(1); }
fs.mkdirSync('dist', { recursive: true });
fs.writeFileSync('dist/Code.gs', 'function myFunction() {}');
fs.writeFileSync('dist/appsscript.json', '{}');
fs.writeFileSync('.clasp.json', JSON.stringify({ scriptId: '${ID}', rootDir: 'dist', scriptExtensions: ['.gs'] }));
console.log(JSON.stringify({ scriptId: '${ID}', files: ['dist/Code.gs', 'dist/appsscript.json'] }, null, 2));
`,
    );
    chmodSync(bin, 0o755);
  }

  async function setup() {
    loggedIn();
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.clasp_config_project;
    delete env.clasp_config_auth;
    return execFileAsync(process.execPath, [join(repo, 'scripts', 'clasp.cjs'), 'setup'], {
      cwd: repo,
      env,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  }

  it('replaces an old placeholder .clasp.json, runs create-script, keeps { scriptId, rootDir } and drops the stub', async () => {
    standIn(0);
    writeFileSync(
      join(repo, '.clasp.json'),
      JSON.stringify({ scriptId: 'REPLACE_WITH_YOUR_SCRIPT_ID', rootDir: 'dist' }),
    );
    const result = await setup();
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(join(repo, 'clasp-args.json'), 'utf8'))).toEqual([
      'create-script',
      '--type',
      'standalone',
      '--title',
      'Conference Sync',
      '--rootDir',
      'dist',
      '--json',
    ]);
    expect(JSON.parse(readFileSync(join(repo, '.clasp.json'), 'utf8'))).toEqual({
      scriptId: ID,
      rootDir: 'dist',
    });
    expect(existsSync(join(repo, 'dist', 'Code.gs'))).toBe(false);
    expect(result.stdout).toContain(`created — .clasp.json: script ${ID}`);
    expect(result.stdout).toContain('next: CONFERENCE_API_BASE_URL=<your base URL> npm run push');
  });

  it("a create-script that fails: exit 1, clasp's reason, the Apps Script API hint, no .clasp.json", async () => {
    standIn(1);
    const result = await setup();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('User has not enabled the Apps Script API.');
    expect(result.stderr).toContain('https://script.google.com/home/usersettings');
    expect(result.stderr).toContain('next: npm run setup');
    expect(existsSync(join(repo, '.clasp.json'))).toBe(false);
  });
});
