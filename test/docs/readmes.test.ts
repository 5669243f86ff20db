/**
 * The documentation holds for a fresh clone, for every Markdown file of the project (tracked, or new and not
 * ignored — a README being written counts):
 *
 * - every relative link resolves inside the clone: the file exists and is not git-ignored (so a clone has it),
 *   and a `#fragment` names a heading of the target; nothing points outside the repository (no `../shared`);
 * - every code snippet of every README runs as pasted, in a copy of the working tree (tracked and new files,
 *   with node_modules linked, so nothing is written into the real one):
 *   - `ts`/`mts`/`js` blocks are saved next to their README and run with `node --import tsx` (what `npx tsx`
 *     does): they must exit 0, so no top-level await in a `.ts` block, no undefined placeholders;
 *   - `sh`/`bash` blocks run line by line from the repository root; a command passes when it exits 0, or when
 *     it printed an `http://127.0.0.1:<port>` address and, its output quiet for 3 s, is still running (a server):
 *     it must then stop, with everything it started, within 15 s of SIGTERM to its process group;
 *   - a block whose info string says `no-run` (```` ```ts no-run ````, for a listing of signatures) is not run,
 *     and neither are the commands in SKIPPED, each for the reason given there.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { anchors, fencedBlocks, links, markdownFiles, ROOT } from './markdown';

/** Commands a snippet may show that this test does not re-run, and why. */
const SKIPPED: Array<[RegExp, string]> = [
  [
    /^npm (install|ci|i)\b/,
    'installs: the copy shares the real node_modules; .ci/run and a fresh clone cover it',
  ],
  [/^npm (test|run (test|check|bench))\b/, 'the whole suite (this test is part of it) or the benchmarks'],
  [/^npm run (push|deploy|setup)\b/, 'needs Google; test/scripts/clasp.test.ts covers it offline'],
  [/^npx clasp\b/, 'needs Google'],
  [/^\.ci\/run\b/, 'CI itself'],
];

const PROJECT_FILES = new Set(
  execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(ROOT, f))),
);
const PROJECT_DIRS = new Set(
  [...PROJECT_FILES].flatMap((f) =>
    f
      .split('/')
      .slice(0, -1)
      .map((_p, i, parts) => parts.slice(0, i + 1).join('/')),
  ),
);
const MARKDOWN = markdownFiles();
const READMES = MARKDOWN.filter((f) => /(^|\/)README\.md$/i.test(f));

describe('links', () => {
  it.each(MARKDOWN)('every link in %s resolves inside the clone', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const broken: string[] = [];
    for (const { target, line } of links(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: — not checked offline
      const [pathPart, fragment] = target.split('#', 2) as [string, string | undefined];
      const path = decodeURIComponent(pathPart);
      const resolved =
        path === ''
          ? file
          : relative(ROOT, path.startsWith('/') ? join(ROOT, path) : resolve(ROOT, dirname(file), path));
      const where = `${file}:${line} → ${target}`;
      if (resolved.startsWith('..')) {
        broken.push(`${where}: outside the repository`);
        continue;
      }
      const normalised = resolved.replace(/\/$/, '');
      if (!PROJECT_FILES.has(normalised) && !PROJECT_DIRS.has(normalised) && normalised !== '') {
        broken.push(
          `${where}: ${existsSync(join(ROOT, normalised)) ? 'git-ignored, so not in a clone' : 'no such file'}`,
        );
        continue;
      }
      if (fragment !== undefined && normalised.endsWith('.md')) {
        if (!anchors(readFileSync(join(ROOT, normalised), 'utf8')).has(fragment.toLowerCase())) {
          broken.push(`${where}: no heading #${fragment}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it.each(MARKDOWN)(
    '%s names no path outside the clone (../shared, shared/spec, shared/reference)',
    (file) => {
      const offenders = readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((text, i) =>
          /(\.\.\/)+shared\/|\bshared\/(spec|reference)\//.test(text)
            ? [`${file}:${i + 1}: ${text.trim()}`]
            : [],
        );
      expect(offenders).toEqual([]);
    },
  );
});

// ---- snippets ----------------------------------------------------------------------------------------------

let copy: string;

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'conference-sync-docs-'));
  for (const file of PROJECT_FILES) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(ROOT, file), join(copy, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
});

afterAll(() => {
  rmSync(copy, { recursive: true, force: true });
});

interface Outcome {
  ok: boolean;
  detail: string;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs a command (a process group of its own): exit 0, or a server that announced itself and stops on SIGTERM. */
function runCommand(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  serverOk: boolean,
): Promise<Outcome> {
  return new Promise((done) => {
    const child: ChildProcess = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let err = '';
    let settled = false;
    let announced = false;
    let signalled = false;
    let lastOutput = Date.now();
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (groupAlive(child.pid!)) process.kill(-child.pid!, 'SIGKILL');
      done(outcome);
    };
    // The first lines say what went wrong (an error's message); the stack after them rarely does.
    const tail = () =>
      `${out}\n${err}`
        .trim()
        .split('\n')
        .filter((l) => !/^\s+at /.test(l))
        .slice(0, 6)
        .join('\n');
    const timer = setTimeout(
      () => finish({ ok: false, detail: `still running after ${timeoutMs} ms:\n${tail()}` }),
      timeoutMs,
    );
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      lastOutput = Date.now();
      if (serverOk && !announced && /http:\/\/127\.0\.0\.1:\d+/.test(out)) {
        announced = true;
        // It announced an address: either a server (keeps running) or a command that finishes on its own (a
        // demo run with --once). Once its output has been quiet for 3 s and it still runs, it is serving — its
        // documented outcome; stop it the way a reader would: SIGTERM to the group, gone within 15 s.
        const idle = setInterval(() => {
          if (settled) {
            clearInterval(idle);
            return;
          }
          if (Date.now() - lastOutput < 3_000) return;
          clearInterval(idle);
          const stopped = Date.now();
          signalled = true;
          process.kill(-child.pid!, 'SIGTERM');
          const grace = setTimeout(
            () => finish({ ok: false, detail: `did not stop within 15 s of SIGTERM:\n${tail()}` }),
            15_000,
          );
          child.once('exit', () => {
            clearTimeout(grace);
            finish({ ok: true, detail: `served, stopped ${Date.now() - stopped} ms after SIGTERM` });
          });
        }, 250);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      err += c;
    });
    child.once('exit', (code, signal) => {
      if (code === 0 && !signalled) finish({ ok: true, detail: 'exit 0' });
      else if (!signalled) finish({ ok: false, detail: `exit ${code ?? signal}:\n${tail()}` });
    });
  });
}

/**
 * A shell block's commands: comments dropped, `\` continuations joined. In a `console` block (a transcript) only
 * the `$ `-prompted lines are commands; the rest is their output.
 */
function shellCommands(body: string, transcript = false): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    if (transcript && !/^\$\s/.test(lines[i])) continue;
    let text = lines[i];
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i].trim()}`;
    text = text.replace(/^\$\s+/, '').trim();
    if (text === '' || text.startsWith('#')) continue;
    out.push({ text, offset: start + 1 });
  }
  return out;
}

// `js` stays .js: CommonJS in this package (no "type": "module"), as `node file.js` would take it.
const SCRIPT_LANGS: Record<string, string> = {
  ts: 'ts',
  typescript: 'ts',
  mts: 'mts',
  js: 'js',
  mjs: 'mjs',
  cjs: 'cjs',
};
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);

describe('snippets', () => {
  it.each(READMES)(
    'every snippet of %s runs as pasted',
    async (readme) => {
      const failures: string[] = [];
      for (const block of fencedBlocks(readFileSync(join(ROOT, readme), 'utf8'))) {
        if (/\bno-run\b/.test(block.info)) continue;
        const ext = SCRIPT_LANGS[block.lang];
        if (ext) {
          const dir = join(copy, dirname(readme));
          const file = join(dir, `snippet-${block.line}.${ext}`);
          writeFileSync(file, block.body);
          const outcome = await runCommand(process.execPath, ['--import', 'tsx', file], dir, 90_000, false);
          rmSync(file, { force: true });
          if (!outcome.ok) failures.push(`${readme}:${block.line} (${block.lang}): ${outcome.detail}`);
        } else if (SHELL_LANGS.has(block.lang)) {
          for (const { text, offset } of shellCommands(block.body, block.lang === 'console')) {
            const command = text.replace(/\s+#.*$/, '');
            if (SKIPPED.some(([pattern]) => pattern.test(command.replace(/^([A-Z_]+=\S*\s+)+/, ''))))
              continue;
            const outcome = await runCommand('bash', ['-c', text], copy, 90_000, true);
            if (!outcome.ok)
              failures.push(
                `${readme}:${block.line + offset}: ${command}\n  ${outcome.detail.replace(/\n/g, '\n  ')}`,
              );
          }
        }
      }
      expect(failures).toEqual([]);
    },
    600_000,
  );

  it('the copy the snippets ran in has the project, and the shell rules hold', () => {
    expect(statSync(join(copy, 'package.json')).isFile()).toBe(true);
    expect(shellCommands('# c\nnpm run x -- \\\n  --port 0   # why\n$ echo hi\n')).toEqual([
      { text: 'npm run x --  --port 0   # why', offset: 2 },
      { text: 'echo hi', offset: 4 },
    ]);
    expect(shellCommands('$ npm run x\nlistening on …\n$ echo hi', true).map((c) => c.text)).toEqual([
      'npm run x',
      'echo hi',
    ]);
  });
});
