#!/usr/bin/env node
/**
 * The Apps Script steps without dead ends (plain CommonJS, no TypeScript loader, so a check answers in well under
 * a second):
 *
 *   node scripts/clasp.cjs check                    clasp is logged in and .clasp.json names a well-formed script
 *                                                  id with rootDir "dist" — run first by `npm run push`/`deploy`
 *   node scripts/clasp.cjs setup                    `npm run setup`: create a new standalone script with clasp
 *   node scripts/clasp.cjs setup --script-id <id>   `npm run setup -- --script-id <id>`: use an existing one
 *                                                  (its id, or its editor URL)
 *
 * Every failure prints what is wrong and the exact command to run next, and exits 1 (2 for bad usage).
 * Credentials are looked up where clasp looks (the `clasp_config_auth` variable, else ~/.clasprc.json) and
 * only checked for presence; nothing from them is ever printed. The project file is `.clasp.json` at the
 * repository root, or wherever `clasp_config_project` points (clasp honours the same variable).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { join, relative, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const ROOT_DIR = 'dist';
const TITLE = 'Conference Sync';
const PLACEHOLDERS = /REPLACE|YOUR|SCRIPT_ID|^<.*>$|^x+$/i;
// Apps Script ids are long base64url-like strings (57 characters today); anything shorter or with other
// characters is a typo or a placeholder. Whether Google knows the id can only be seen online, by clasp itself.
const SCRIPT_ID = /^[A-Za-z0-9_-]{25,100}$/;
const LOGIN = 'npx clasp login   (add --no-localhost on a machine without a browser)';

class StepError extends Error {
  constructor(message, next) {
    super(`${message}\n  next: ${next}`);
    this.name = 'StepError';
  }
}

/** A path clasp accepts as "a file, or a folder holding the file" (its -A / -P options and their variables). */
function fileOrFolder(path, name) {
  const full = resolve(path);
  return existsSync(full) && statSync(full).isDirectory() ? join(full, name) : full;
}

function credentialsPath() {
  const configured = process.env.clasp_config_auth;
  return configured ? fileOrFolder(configured, '.clasprc.json') : join(homedir(), '.clasprc.json');
}

function projectPath() {
  const configured = process.env.clasp_config_project;
  return configured ? fileOrFolder(configured, '.clasp.json') : join(ROOT, '.clasp.json');
}

function shown(path) {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Throws a StepError unless clasp has stored credentials (the formats clasp 3 reads, including clasp 2's). */
function checkLoggedIn() {
  const path = credentialsPath();
  let store;
  try {
    store = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const why = error.code === 'ENOENT' ? 'there is no' : 'cannot read the';
    throw new StepError(`clasp is not logged in: ${why} credentials file ${path}.`, LOGIN);
  }
  const token = (t) => t !== null && typeof t === 'object' && Boolean(t.refresh_token || t.access_token);
  // clasp 3 keeps tokens.default; clasp 2 kept `token` (project-local) or the token fields at the top level.
  const loggedIn = token(store?.tokens?.default) || token(store?.token) || token(store);
  if (!loggedIn) throw new StepError(`clasp is not logged in: ${path} holds no credentials.`, LOGIN);
}

/** The script id named by a bare id or an Apps Script editor URL, or undefined. */
function scriptIdFrom(text) {
  const trimmed = String(text).trim();
  const fromUrl = /script\.google\.com\/(?:d|home\/projects)\/([A-Za-z0-9_-]+)/.exec(trimmed);
  const id = fromUrl ? fromUrl[1] : trimmed;
  return SCRIPT_ID.test(id) && !PLACEHOLDERS.test(id) ? id : undefined;
}

const SETUP_HINT =
  'npm run setup   (creates a new script; or: npm run setup -- --script-id <id or editor URL>)';

/** Throws a StepError unless the project file names a well-formed script id and rootDir "dist". */
function checkProject() {
  const path = projectPath();
  let project;
  try {
    project = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') throw new StepError(`no ${shown(path)} yet.`, SETUP_HINT);
    throw new StepError(`${shown(path)} is not valid JSON.`, SETUP_HINT);
  }
  if (!project || typeof project.scriptId !== 'string' || !scriptIdFrom(project.scriptId)) {
    throw new StepError(
      `${shown(path)} has no real script id (${JSON.stringify(project?.scriptId ?? null)}).`,
      SETUP_HINT,
    );
  }
  if (project.rootDir !== ROOT_DIR) {
    throw new StepError(
      `${shown(path)} must have "rootDir": "${ROOT_DIR}" (clasp pushes only the build), not ` +
        `${JSON.stringify(project.rootDir ?? null)}.`,
      `npm run setup -- --script-id ${project.scriptId}`,
    );
  }
  return project.scriptId;
}

function writeProject(scriptId) {
  const path = projectPath();
  writeFileSync(path, `${JSON.stringify({ scriptId, rootDir: ROOT_DIR }, null, 2)}\n`);
  return path;
}

function nextAfterSetup(scriptId, path) {
  return (
    `${shown(path)}: script ${scriptId} (https://script.google.com/d/${scriptId}/edit), rootDir "${ROOT_DIR}".\n` +
    '  next: CONFERENCE_API_BASE_URL=<your base URL> npm run push'
  );
}

/** `clasp create-script`, then .clasp.json rewritten to exactly { scriptId, rootDir } and the pulled stub dropped. */
function createScript() {
  const path = projectPath();
  if (existsSync(path)) {
    let current;
    try {
      current = checkProject();
    } catch {
      // A placeholder or broken file (an old clone's): clasp refuses to create next to it, and it is of no use.
      rmSync(path);
    }
    if (current) {
      return `already set up — ${nextAfterSetup(current, path)}\n  (another script: npm run setup -- --script-id <id>)`;
    }
  }
  const clasp = join(ROOT, 'node_modules', '.bin', 'clasp');
  const args = ['create-script', '--type', 'standalone', '--title', TITLE, '--rootDir', ROOT_DIR, '--json'];
  const result = spawnSync(clasp, args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['inherit', 'pipe', 'inherit'],
  });
  if (result.error) throw new StepError(`cannot run clasp: ${result.error.message}`, 'npm ci');
  let created;
  try {
    created = JSON.parse(result.stdout.slice(result.stdout.indexOf('{')));
  } catch {
    created = undefined;
  }
  if (result.status !== 0 || !created?.scriptId) {
    process.stderr.write(result.stdout);
    throw new StepError(
      'clasp could not create the script (is the Apps Script API on at https://script.google.com/home/usersettings ?).',
      'npm run setup   (again, once the cause above is fixed)',
    );
  }
  // create-script pulls the new project's stub (Code.gs, a default manifest) into dist/: the build owns dist/.
  for (const file of created.files ?? []) {
    if (!/(^|[\\/])(Code\.js|appsscript\.json)$/.test(file)) rmSync(resolve(ROOT, file), { force: true });
  }
  return `created — ${nextAfterSetup(created.scriptId, writeProject(created.scriptId))}`;
}

function main(argv) {
  const [command, ...rest] = argv;
  if (command === 'check') {
    checkLoggedIn();
    checkProject();
    return '';
  }
  if (command === 'setup') {
    if (rest.length === 0) {
      checkLoggedIn();
      return createScript();
    }
    if (rest[0] === '--script-id' && rest.length === 2) {
      const scriptId = scriptIdFrom(rest[1]);
      if (!scriptId) {
        throw new StepError(
          `"${rest[1]}" is not an Apps Script id (the long id in the editor's URL, https://script.google.com/d/<id>/edit).`,
          'npm run setup -- --script-id <id or editor URL>',
        );
      }
      return `set — ${nextAfterSetup(scriptId, writeProject(scriptId))}`;
    }
  }
  process.stderr.write(
    'usage: node scripts/clasp.cjs check | setup [--script-id <id or editor URL>]\n' +
      '  (npm run setup [-- --script-id <id>]; npm run push and npm run deploy run the check first)\n',
  );
  process.exit(2);
}

try {
  const message = main(process.argv.slice(2));
  if (message) process.stdout.write(`${message}\n`);
} catch (error) {
  if (!(error instanceof StepError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
