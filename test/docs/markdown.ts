/**
 * Just enough Markdown for the documentation tests: fenced code blocks (with their info string and line) and
 * links (inline `[text](target)`, reference definitions `[x]: target`, and autolinks `<https://…>`), outside code.
 * A small hand parser rather than a Markdown library: the project's docs use a plain subset, and the tests must
 * see exactly the fences a reader sees.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

export interface FencedBlock {
  /** First word of the info string, lower-cased (`ts`, `sh`, `http`, or '' for none). */
  lang: string;
  /** The whole info string (`ts no-run`). */
  info: string;
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
}

export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, rest] = open;
    const info = rest.trim();
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (
        lines[j].trim().startsWith(fence[0].repeat(fence.length)) &&
        lines[j].trim().replace(/[`~]/g, '') === ''
      )
        break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    blocks.push({
      lang: (info.split(/\s+/)[0] ?? '').toLowerCase(),
      info,
      body: body.join('\n'),
      line: i + 1,
    });
    i = j;
  }
  return blocks;
}

/** The text outside fenced blocks, with line numbers kept. */
function withoutFences(markdown: string): string {
  const lines = markdown.split('\n');
  for (const block of fencedBlocks(markdown)) {
    const bodyLines = block.body === '' ? 0 : block.body.split('\n').length;
    for (let k = block.line - 1; k <= block.line + bodyLines && k < lines.length; k++) lines[k] = '';
  }
  return lines.join('\n');
}

/** The text outside fenced blocks and inline code spans (where brackets are not links), line numbers kept. */
function prose(markdown: string): string {
  return withoutFences(markdown)
    .split('\n')
    .map((line) => line.replace(/(`+)[^`]*?\1/g, (m) => ' '.repeat(m.length)))
    .join('\n');
}

export interface Link {
  target: string;
  line: number;
}

export function links(markdown: string): Link[] {
  const out: Link[] = [];
  prose(markdown)
    .split('\n')
    .forEach((text, index) => {
      const line = index + 1;
      for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
        out.push({ target: m[1], line });
      const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/.exec(text);
      if (definition) out.push({ target: definition[1], line });
      for (const m of text.matchAll(/<((?:https?|mailto):[^>\s]+)>/g)) out.push({ target: m[1], line });
    });
  return out;
}

/** GitHub's anchor for a heading: lower-cased, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of withoutFences(markdown).split('\n')) {
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = anchorOf(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Markdown files of the project: tracked, or new and not ignored (a README being written counts too). */
export function markdownFiles(): string[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', '*.md'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  return [...new Set(listed.split('\0').filter(Boolean))].sort();
}
