/**
 * docs/conference-api.md's examples are true: every `sh` block that uses `$BASE` runs, in order and in one bash
 * session (as a reader pasting them would), against the real conference server CLI, and each answer is compared
 * with the `http` block that follows it — status line, the headers shown, and the JSON fields shown, where `<…>`
 * stands for whatever differs between runs.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type SpawnedConferenceServer, spawnConferenceServer } from '../../local/conference-server/spawn';
import { type FencedBlock, fencedBlocks, ROOT } from './markdown';

const DOC = 'docs/conference-api.md';
const KEY = 'doc-test-key-41c7';
const run = promisify(execFile);

interface Example {
  command: FencedBlock;
  expected?: FencedBlock;
}

function examples(): Example[] {
  const blocks = fencedBlocks(readFileSync(join(ROOT, DOC), 'utf8'));
  const out: Example[] = [];
  blocks.forEach((block, i) => {
    if ((block.lang === 'sh' || block.lang === 'bash') && block.body.includes('$BASE')) {
      const next = blocks[i + 1];
      out.push({ command: block, expected: next?.lang === 'http' ? next : undefined });
    }
  });
  return out;
}

interface HttpMessage {
  statusLine: string;
  headers: Array<[string, string]>;
  body: string;
}

function parseHttp(text: string): HttpMessage {
  const normalised = text.replace(/\r\n/g, '\n').replace(/^\n+/, '');
  const split = normalised.indexOf('\n\n');
  const head = split < 0 ? normalised.trimEnd() : normalised.slice(0, split);
  const [statusLine, ...headerLines] = head.split('\n');
  return {
    statusLine: statusLine.trim(),
    headers: headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as [string, string];
    }),
    body: split < 0 ? '' : normalised.slice(split + 2).trim(),
  };
}

/** A shown value with `<…>` placeholders as a whole-string pattern. */
function pattern(shown: string): RegExp {
  const parts = shown.split(/<[^<>]+>/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+?')}$`, 's');
}

/** Differences between what the doc shows and what the server said (objects: the fields shown only). */
function mismatches(shown: unknown, actual: unknown, path = 'body'): string[] {
  if (typeof shown === 'string') {
    return typeof actual === 'string' && pattern(shown).test(actual)
      ? []
      : [`${path}: shown ${JSON.stringify(shown)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(shown)) {
    if (!Array.isArray(actual) || actual.length !== shown.length) {
      return [`${path}: shown ${JSON.stringify(shown)}, got ${JSON.stringify(actual)}`];
    }
    return shown.flatMap((item, i) => mismatches(item, actual[i], `${path}[${i}]`));
  }
  if (shown !== null && typeof shown === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${path}: shown an object, got ${JSON.stringify(actual)}`];
    }
    return Object.entries(shown).flatMap(([key, value]) =>
      key in actual
        ? mismatches(value, (actual as Record<string, unknown>)[key], `${path}.${key}`)
        : [`${path}.${key}: shown but absent`],
    );
  }
  return Object.is(shown, actual)
    ? []
    : [`${path}: shown ${JSON.stringify(shown)}, got ${JSON.stringify(actual)}`];
}

let server: SpawnedConferenceServer;
let outputs: string[];
const all = examples();

beforeAll(async () => {
  server = await spawnConferenceServer({ apiKey: KEY });
  const separator = (i: number) => `@@@ example ${i} @@@`;
  const script = all.map((e, i) => `echo '${separator(i)}'\n${e.command.body}\necho`).join('\n');
  const { stdout } = await run('bash', ['-e', '-c', script], {
    cwd: ROOT,
    env: { ...process.env, BASE: server.baseUrl, KEY },
    maxBuffer: 16 * 1024 * 1024,
  });
  outputs = all.map((_e, i) => {
    const start = stdout.indexOf(separator(i)) + separator(i).length;
    const end = i + 1 < all.length ? stdout.indexOf(separator(i + 1)) : stdout.length;
    return stdout.slice(start, end);
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

it('the reference has a full set of examples, and every answer shown follows a command', () => {
  expect(all.length).toBeGreaterThanOrEqual(12);
  const blocks = fencedBlocks(readFileSync(join(ROOT, DOC), 'utf8'));
  const answers = blocks.filter((b) => b.lang === 'http');
  expect(answers.map((b) => b.line)).toEqual(all.flatMap((e) => (e.expected ? [e.expected.line] : [])));
  // The examples cover every endpoint of the reference.
  const commands = all.map((e) => e.command.body).join('\n');
  for (const route of [
    /-X POST "\$BASE\/v1\/conferences"/,
    /curl -si "\$BASE\/v1\/conferences\/\$ID"/,
    /"\$BASE\/v1\/conferences\?/,
    /-X PATCH "\$BASE\/v1\/conferences\/\$ID"/,
    /-X DELETE "\$BASE\/v1\/conferences\/\$ID"/,
    /-X PUT "\$BASE\/v1\/conferences\/\$ID\/occurrences\//,
    /-X DELETE "\$BASE\/v1\/conferences\/\$ID\/occurrences\//,
  ]) {
    expect(commands).toMatch(route);
  }
});

describe.each(all.map((e, i) => [e.command.line, i] as const))(`${DOC}:%i`, (_line, i) => {
  it('answers as shown', () => {
    const { expected } = all[i];
    if (!expected) {
      // A helper line (it sets ID): it ran under `bash -e`, and prints nothing.
      expect(outputs[i].trim()).toBe('');
      return;
    }
    const shown = parseHttp(expected.body);
    const actual = parseHttp(outputs[i]);
    expect(actual.statusLine).toBe(shown.statusLine);
    for (const [name, value] of shown.headers) {
      const got = actual.headers.find(([n]) => n === name)?.[1];
      expect({ header: name, matches: got !== undefined && pattern(value).test(got), got }).toMatchObject({
        header: name,
        matches: true,
      });
    }
    if (shown.body === '') {
      expect(actual.body).toBe('');
    } else {
      expect(mismatches(JSON.parse(shown.body), JSON.parse(actual.body))).toEqual([]);
    }
  });
});
