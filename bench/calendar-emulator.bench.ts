/**
 * Benchmark of the Calendar emulator engine (not a timed test): an incremental list of 2,500
 * changes among 100,000 events, and a full sync of 100,000 events, in-process. Figures are given
 * in absolute ms and as ratios against baselines measured in the same process (a get of one event,
 * an incremental list with no changes), plus heap figures. Then the cost bounds: write cost against
 * the number of attendees (should grow linearly), memory after 100,000 writes to one event (should
 * stay flat), and a daily series with 500 guests listed with singleEvents. Run:
 *   npx tsx bench/calendar-emulator.bench.ts [events=100000] [changes=2500]
 */
import { spawnSync } from 'node:child_process';
import { CalendarEngine } from '../local/calendar-emulator/engine/engine';

// Heap figures need a real full GC: re-run this script under --expose-gc when it is not available.
const maybeGc = (globalThis as { gc?: () => void }).gc;
if (!maybeGc) {
  const r = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
const gc = maybeGc!;
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

/**
 * Arguments as the README writes them: `events=N changes=N` (bare numbers in that order are accepted
 * too). Anything else stops the run with a message, instead of a NaN-sized benchmark.
 */
function parseArgs(argv: string[]): { events: number; changes: number } {
  const out = { events: 100_000, changes: 2_500 };
  const order: (keyof typeof out)[] = ['events', 'changes'];
  argv.forEach((arg, i) => {
    const m = /^(?:(\w+)=)?(.*)$/.exec(arg)!;
    const key = (m[1] ?? order[i]) as keyof typeof out | undefined;
    if (!key || !(key in out)) fail(`unknown argument '${arg}'`);
    if (!/^\d+$/.test(m[2]) || Number(m[2]) < 1) fail(`${key} needs a positive integer, got '${m[2]}'`);
    out[key] = Number(m[2]);
  });
  if (out.changes > out.events) fail(`changes (${out.changes}) cannot exceed events (${out.events})`);
  return out;
}
function fail(message: string): never {
  process.stderr.write(
    `${message}\nusage: npx tsx bench/calendar-emulator.bench.ts [events=100000] [changes=2500]\n`,
  );
  process.exit(2);
}
const { events: EVENTS, changes: CHANGES } = parseArgs(process.argv.slice(2));
const USER = 'bench@example.com';

/** Deterministic PRNG (mulberry32) so every run touches the same events. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function time<T>(fn: () => T): { ms: number; result: T } {
  const t0 = performance.now();
  const result = fn();
  return { ms: performance.now() - t0, result };
}

function median(fn: () => unknown, runs: number): number {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(time(fn).ms);
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
}

const fmt = (n: number, d = 2) => n.toFixed(d);

const heapBase = heapMb();
const engine = new CalendarEngine({ secret: 'bench' });
const ids: string[] = [];
const setup = time(() => {
  for (let i = 0; i < EVENTS; i++) {
    const day = 1 + (i % 28);
    const hour = 8 + (i % 10);
    const pad = (n: number) => String(n).padStart(2, '0');
    ids.push(
      engine.insert(USER, 'primary', {
        summary: `Event ${i}`,
        location: i % 3 === 0 ? `Room ${i % 50}` : undefined,
        start: { dateTime: `2025-04-${pad(day)}T${pad(hour)}:00:00Z` },
        end: { dateTime: `2025-04-${pad(day)}T${pad(hour)}:45:00Z` },
      }).id!,
    );
  }
});
const heapAfterInsert = heapMb();

// Full sync: every page at the maximum size, then at the default size.
const fullMax = time(() => {
  let pageToken: string | undefined;
  let count = 0;
  let syncToken: string | undefined;
  do {
    const page = engine.list(USER, 'primary', { maxResults: 2500, pageToken });
    count += page.items.length;
    pageToken = page.nextPageToken;
    syncToken = page.nextSyncToken;
  } while (pageToken);
  return { count, syncToken: syncToken! };
});
const fullDefault = time(() => {
  let pageToken: string | undefined;
  let pages = 0;
  do {
    pageToken = engine.list(USER, 'primary', { pageToken }).nextPageToken;
    pages++;
  } while (pageToken);
  return pages;
});
const syncToken = fullMax.result.syncToken;

// Baselines measured in the same process.
const rand = prng(42);
const getOne = median(() => engine.get(USER, 'primary', ids[Math.floor(rand() * ids.length)]), 2001);
const emptyIncremental = median(() => engine.list(USER, 'primary', { syncToken }), 2001);

// 2,500 changes: 2,000 patches and 500 deletions of distinct events.
const chosen = new Set<number>();
while (chosen.size < CHANGES) chosen.add(Math.floor(rand() * EVENTS));
const changed = [...chosen];
const applyChanges = time(() => {
  changed.forEach((i, n) => {
    if (n % 5 === 4) engine.delete(USER, 'primary', ids[i]);
    else engine.patch(USER, 'primary', ids[i], { summary: `Changed ${i}` });
  });
});
const heapAfterChanges = heapMb();
const incFirst = time(() => engine.list(USER, 'primary', { syncToken, maxResults: 2500 }));
if (incFirst.result.items.length !== CHANGES || !incFirst.result.nextSyncToken)
  throw new Error(`incremental list returned ${incFirst.result.items.length} items`);
const incMedian = median(() => engine.list(USER, 'primary', { syncToken, maxResults: 2500 }), 21);
const incDefaultPages = median(() => {
  let pageToken: string | undefined;
  do pageToken = engine.list(USER, 'primary', { syncToken, pageToken }).nextPageToken;
  while (pageToken);
}, 11);

// Change-log growth: 100,000 more writes to the same events.
const heapBeforeChurn = heapMb();
for (let n = 0; n < 100_000; n++) engine.patch(USER, 'primary', ids[n % EVENTS], { summary: `Churn ${n}` });
const heapAfterChurn = heapMb();
const stats = engine.stats();

const lines = [
  `events ${EVENTS}, changes ${CHANGES}, node ${process.version}`,
  `setup: ${EVENTS} inserts in ${fmt(setup.ms, 0)} ms (${fmt((setup.ms * 1000) / EVENTS, 1)} µs/insert)`,
  `baseline get of one event: ${fmt(getOne, 3)} ms (median of 2001)`,
  `baseline incremental list with no changes: ${fmt(emptyIncremental, 3)} ms (median of 2001)`,
  `full sync of ${fullMax.result.count} events, maxResults=2500 (40 pages): ${fmt(fullMax.ms, 0)} ms = ${fmt(fullMax.ms / getOne, 0)}× get`,
  `full sync, default maxResults=250 (${fullDefault.result} pages): ${fmt(fullDefault.ms, 0)} ms`,
  `applying ${CHANGES} changes (2000 patches, 500 deletes): ${fmt(applyChanges.ms, 0)} ms`,
  `incremental list of ${CHANGES} changes, one page of 2500: first ${fmt(incFirst.ms, 1)} ms, median ${fmt(incMedian, 1)} ms = ${fmt(incMedian / getOne, 0)}× get = ${fmt(incMedian / emptyIncremental, 0)}× empty incremental (target < 50 ms: ${incMedian < 50 ? 'met' : 'NOT met'})`,
  `incremental list of ${CHANGES} changes in default pages of 250: median ${fmt(incDefaultPages, 1)} ms`,
  `heap: baseline ${fmt(heapBase, 1)} MB; after ${EVENTS} events ${fmt(heapAfterInsert, 1)} MB (${fmt(((heapAfterInsert - heapBase) * 1024 * 1024) / EVENTS, 0)} B/event)`,
  `heap: after ${CHANGES} changes ${fmt(heapAfterChanges, 1)} MB; 100000 more writes add ${fmt(heapAfterChurn - heapBeforeChurn, 1)} MB (${fmt(((heapAfterChurn - heapBeforeChurn) * 1024 * 1024) / 100_000, 0)} B per log entry incl. new versions)`,
  `engine stats: ${JSON.stringify(stats)}`,
];
for (const l of lines) process.stdout.write(`${l}\n`);

// ---- cost bounds

const guests = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `guest${i}@example.com` }));
const meeting = (extra: object = {}) => ({
  summary: 'All hands',
  start: { dateTime: '2025-04-01T09:00:00Z' },
  end: { dateTime: '2025-04-01T10:00:00Z' },
  ...extra,
});

// Write cost against attendees: each organizer write updates every guest's copy, so O(n) is the floor.
const costLines: string[] = [];
for (const n of [100, 250, 500, 1000]) {
  const before = heapMb();
  const e = new CalendarEngine({ secret: 'bench' });
  const ins = time(() => e.insert(USER, 'primary', meeting({ attendees: guests(n) })));
  const id = ins.result.id!;
  let k = 0;
  const patch = median(() => e.patch(USER, 'primary', id, { summary: `v${k++}` }), 21);
  const heap = heapMb() - before;
  costLines.push(
    `attendees ${n}: insert ${fmt(ins.ms, 1)} ms, patch median ${fmt(patch, 2)} ms (${fmt((patch * 1000) / n, 2)} µs per attendee), heap ${fmt(heap, 1)} MB (${fmt((heap * 1024 * 1024) / n, 0)} B per attendee)`,
  );
}

// Memory after 100,000 writes to one event: the change log keeps one entry per event, not per write.
{
  const e = new CalendarEngine({ secret: 'bench' });
  const id = e.insert(USER, 'primary', meeting()).id!;
  const token = e.list(USER, 'primary').nextSyncToken!;
  const before = heapMb();
  const churn = time(() => {
    for (let n = 0; n < 100_000; n++) e.patch(USER, 'primary', id, { summary: `v${n}` });
  });
  const after = heapMb();
  const inc = e.list(USER, 'primary', { syncToken: token }).items.length;
  costLines.push(
    `100000 writes to one event: ${fmt(churn.ms, 0)} ms (${fmt((churn.ms * 1000) / 100_000, 1)} µs/write), heap +${fmt(after - before, 2)} MB, change-log entries ${e.stats().logEntries}, an older token lists ${inc} item`,
  );
}

// A daily series with 500 guests, listed as single events over a year.
{
  const e = new CalendarEngine({ secret: 'bench' });
  const ins = time(() =>
    e.insert(USER, 'primary', {
      ...meeting({ attendees: guests(500) }),
      start: { dateTime: '2025-01-06T09:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2025-01-06T09:15:00', timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=DAILY'],
    }),
  );
  const list = time(() => {
    let pageToken: string | undefined;
    let items = 0;
    do {
      const page = e.list(USER, 'primary', {
        singleEvents: true,
        timeMin: '2025-01-01T00:00:00Z',
        timeMax: '2026-01-01T00:00:00Z',
        pageToken,
      });
      items += page.items.length;
      pageToken = page.nextPageToken;
    } while (pageToken);
    return items;
  });
  costLines.push(
    `daily series with 500 guests: insert ${fmt(ins.ms, 0)} ms; singleEvents list of a year (${list.result} instances) ${fmt(list.ms, 0)} ms`,
  );
}
for (const l of costLines) process.stdout.write(`${l}\n`);
