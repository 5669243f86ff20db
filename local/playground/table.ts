/** The table npm start prints after the demo: every event against its conference, and conferences that must be gone. */
import type { Snapshot } from './playground';

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s).padEnd(n);

export function table(s: Snapshot): string {
  const lines = [
    `${cut('user', 6)} ${cut('event', 34)} ${cut('start', 25)} ${cut('conference', 14)} ${cut('title on the conference server', 34)} in sync`,
  ];
  for (const u of s.users) {
    for (const r of u.rows) {
      const extra = r.exceptions.length
        ? ` (+${r.exceptions.filter((x) => x.cancelled).length} cancelled, ${r.exceptions.filter((x) => !x.cancelled).length} moved)`
        : '';
      lines.push(
        `${cut(u.user.split('@')[0], 6)} ${cut(r.summary + extra, 34)} ${cut(r.start, 25)} ${cut(r.conferenceId ?? '—', 14)} ${cut(
          r.conferenceTitle === undefined ? '' : (r.conferenceTitle ?? '(missing)'),
          34,
        )} ${r.inSync === null ? '—' : r.inSync ? 'yes' : `NO: ${r.problems.join('; ')}`}`,
      );
    }
  }
  for (const g of s.gone) {
    lines.push(
      `${cut('', 6)} ${cut(`(${g.why})`, 34)} ${cut('', 25)} ${cut(g.conferenceId, 14)} ${cut(g.inSync ? '(deleted)' : '(still there)', 34)} ${g.inSync ? 'yes' : 'NO'}`,
    );
  }
  return lines.join('\n');
}
