/**
 * Sync engine benchmark: the built add-on (dist/Code.js) against the seed's procedure (bench/seed/Code.js, Google's
 * sample ported literally), both run by the local Apps Script runtime on the same Calendar emulator and the same
 * reference conference server, on the same changes. Apps Script's cost is not CPU here but service time, so each
 * execution's service calls are counted by the runtime and priced with a simple cost model: a Calendar call
 * 150 ms, a `fetch` 250 ms, a `fetchAll` 250 ms per wave of 50 parallel requests, a Properties call 5 ms. The
 * floor is what the work needs at the least: one list call per 2,500 changes, the edits in waves of 50, one
 * properties read and one write.
 *
 *   npx tsx bench/sync.bench.ts [--quick]     (also part of `npm run bench`)
 *
 * Writes a table to stdout, bench/results/sync.json (seed figures beside the engine's) and bench/results/sync.svg
 * (simulated time against workload size). Speed is measured here, never asserted in a test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppsScriptRuntime, type ExecutionRecord, VirtualClock } from '../local/apps-script-runtime';
import { CalendarEngine } from '../local/calendar-emulator/engine';
import { spawnConferenceServer } from '../local/conference-server/spawn';

const ROOT = join(__dirname, '..');
const ALICE = 'alice@example.com';
const API_KEY = 'sk_bench_9d2f41c7';
const COST = { calendarMs: 150, fetchMs: 250, waveMs: 250, waveWidth: 50, propertiesMs: 5 };
const EXECUTION_LIMIT_MS = 6 * 60 * 1000;
const GUEST_DOMAIN = 'guests.example.net';

interface Workload {
  name: string;
  /** Conferences of ours tracked before the burst. */
  tracked: number;
  guests: number;
  /** Changes in the burst: edits of ours, RSVP-only changes of ours, events without our conference. */
  edits: number;
  rsvps: number;
  foreign: number;
}

interface Figures {
  listCalls: number;
  otherCalendarCalls: number;
  requests: Record<string, number>;
  fetchCalls: number;
  fetchAllWaves: number;
  propertiesCalls: number;
  executions: number;
  simulatedMs: number;
  /** Whether every execution stayed under Apps Script's six minutes (a killed run saves nothing). */
  withinLimit: boolean;
}

interface Result {
  workload: Workload;
  changes: number;
  engine: Figures;
  seed: Figures;
  floorMs: number;
  stateBytes: number;
  bytesPerRecord: number;
  ratioEngineSeed: number;
  ratioEngineFloor: number;
}

const QUICK = process.argv.includes('--quick');
/** `--first N`: only the first N workloads (the last, 10,000 tracked conferences, takes longest to set up). */
const FIRST = process.argv.find((a) => /^--first=\d+$/.test(a));
for (const arg of process.argv.slice(2)) {
  if (arg !== '--quick' && !/^--first=\d+$/.test(arg)) {
    console.error(`unknown argument ${arg}; usage: npx tsx bench/sync.bench.ts [--quick] [--first=N]`);
    process.exit(2);
  }
}

const WORKLOADS: Workload[] = QUICK
  ? [{ name: '200 changes', tracked: 50, guests: 4, edits: 30, rsvps: 20, foreign: 150 }]
  : [
      { name: '2,000 changes', tracked: 500, guests: 4, edits: 300, rsvps: 200, foreign: 1500 },
      { name: '50,000-change backlog', tracked: 5000, guests: 4, edits: 5000, rsvps: 0, foreign: 45000 },
      { name: '10,000 tracked, 20 guests', tracked: 10000, guests: 20, edits: 1000, rsvps: 0, foreign: 1000 },
    ];

function price(records: ExecutionRecord[]): Figures {
  const figures: Figures = {
    listCalls: 0,
    otherCalendarCalls: 0,
    requests: {},
    fetchCalls: 0,
    fetchAllWaves: 0,
    propertiesCalls: 0,
    executions: records.length,
    simulatedMs: 0,
    withinLimit: true,
  };
  for (const record of records) {
    const s = record.stats;
    const list = s.calendar.list ?? 0;
    const other = Object.entries(s.calendar).reduce((n, [m, c]) => (m === 'list' ? n : n + c), 0);
    const waves = s.fetchAll.reduce((n, size) => n + Math.ceil(size / COST.waveWidth), 0);
    const props = Object.values(s.properties).reduce((n, c) => n + c, 0);
    const ms =
      (list + other) * COST.calendarMs +
      s.fetch * COST.fetchMs +
      waves * COST.waveMs +
      props * COST.propertiesMs;
    figures.listCalls += list;
    figures.otherCalendarCalls += other;
    figures.fetchCalls += s.fetch;
    figures.fetchAllWaves += waves;
    figures.propertiesCalls += props;
    figures.simulatedMs += ms;
    if (ms > EXECUTION_LIMIT_MS) figures.withinLimit = false;
  }
  return figures;
}

function countRequests(runtime: AppsScriptRuntime, fromExecution: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of runtime.fetches) if (f.execution > fromExecution) out[f.method] = (out[f.method] ?? 0) + 1;
  return out;
}

function guestsOf(n: number, count: number): Array<{ email: string; responseStatus: string }> {
  return Array.from({ length: count }, (_, g) => ({
    email: `guest${(n * 7 + g) % 997}@${GUEST_DOMAIN}`,
    responseStatus: 'needsAction',
  }));
}

function when(n: number): {
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
} {
  const day = Date.parse('2026-12-07T00:00:00Z') + (n % 60) * 86400000 + (8 + (n % 9)) * 3600000;
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  return {
    start: { dateTime: iso(day), timeZone: 'UTC' },
    end: { dateTime: iso(day + 45 * 60000), timeZone: 'UTC' },
  };
}

async function runWorkload(w: Workload): Promise<Result> {
  const t0 = Date.now();
  const server = await spawnConferenceServer({ apiKey: API_KEY, db: ':memory:' });
  const clock = new VirtualClock(Date.parse('2026-12-03T09:00:00Z'));
  const engine = new CalendarEngine({ now: clock.now, secret: 'bench-secret', defaultTimeZone: 'UTC' });
  const scriptProperties = { CONFERENCE_API_BASE_URL: server.baseUrl, CONFERENCE_API_KEY: API_KEY };
  const limits = { callbackMs: 600_000, triggerMs: 3_600_000 };
  const addOn = new AppsScriptRuntime({
    distDir: join(ROOT, 'dist'),
    calendar: { engine },
    clock,
    scriptProperties,
    limits,
  });
  const seed = new AppsScriptRuntime({
    distDir: join(ROOT, 'bench', 'seed'),
    calendar: { engine },
    clock,
    scriptProperties,
    limits,
  });
  try {
    // Conferences of ours, made the way Calendar makes them: createConference, then the event saved carrying it.
    // (Setup only, not measured: many creates share one execution to keep the benchmark's own run short.)
    const ours: string[] = [];
    for (let from = 0; from < w.tracked; from += 500) {
      const ids = Array.from(
        { length: Math.min(500, w.tracked - from) },
        (_, i) => `ours${(from + i).toString(32).padStart(6, '0')}`,
      );
      const built = addOn.execute(
        ALICE,
        (app) => ids.map((id) => app.createConference({ eventData: { calendarId: ALICE, eventId: id } })),
        { kind: 'direct' },
      );
      ids.forEach((id, i) => {
        const n = from + i;
        engine.insert(
          ALICE,
          ALICE,
          {
            id,
            summary: `Meeting ${n}`,
            ...when(n),
            attendees: [
              { email: ALICE, organizer: true, responseStatus: 'accepted' },
              ...guestsOf(n, w.guests),
            ],
            conferenceData: addOn.calendarConferenceData(built[i]),
          },
          { conferenceDataVersion: 1 },
        );
        ours.push(id);
      });
    }
    const phase = (name: string) =>
      console.error(`  ${w.name}: ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    phase('conferences created');
    // Both procedures take their first token (and the add-on attaches and sends the real fields).
    syncUntilDone(addOn, 'syncEvents');
    seed.call(ALICE, 'syncEvents', [{ calendarId: ALICE }], { kind: 'trigger' });
    const stateBytes = bytesOf(addOn.userPropertiesOf(ALICE).toJSON());

    phase('first syncs done');
    // The burst.
    for (let n = 0; n < w.edits; n++) {
      engine.patch(ALICE, ALICE, ours[n % ours.length] as string, { summary: `Meeting ${n} (moved room)` });
    }
    for (let n = 0; n < w.rsvps; n++) {
      const i = (w.edits + n) % ours.length;
      const guests = guestsOf(i, w.guests).map((g, k) =>
        k === 0 ? { ...g, responseStatus: 'accepted' } : g,
      );
      engine.patch(ALICE, ALICE, ours[i] as string, {
        attendees: [{ email: ALICE, organizer: true, responseStatus: 'accepted' }, ...guests],
      });
    }
    for (let n = 0; n < w.foreign; n++) {
      engine.insert(ALICE, ALICE, { summary: `Other ${n}`, ...when(n) });
    }

    phase('burst applied');
    const engineFigures = measure(addOn, () => syncUntilDone(addOn, 'syncEvents'));
    phase('engine measured');
    const seedFigures = measure(seed, () =>
      seed.call(ALICE, 'syncEvents', [{ calendarId: ALICE }], { kind: 'trigger' }),
    );
    const changes = w.edits + w.rsvps + w.foreign;
    const floorMs =
      Math.ceil(changes / 2500) * COST.calendarMs +
      Math.ceil(w.edits / COST.waveWidth) * COST.waveMs +
      2 * COST.propertiesMs;
    return {
      workload: w,
      changes,
      engine: engineFigures,
      seed: seedFigures,
      floorMs,
      stateBytes,
      bytesPerRecord: Math.round((stateBytes / Math.max(1, w.tracked)) * 10) / 10,
      ratioEngineSeed: round(engineFigures.simulatedMs / seedFigures.simulatedMs, 4),
      ratioEngineFloor: round(engineFigures.simulatedMs / floorMs, 3),
    };
  } finally {
    await addOn.close();
    await seed.close();
    await server.stop();
  }
}

/** Trigger runs of the add-on until its report says the token is stored (a long backlog may take several). */
function syncUntilDone(runtime: AppsScriptRuntime, fn: string): void {
  for (let run = 0; run < 50; run++) {
    const report = runtime.call<{ tokenStored?: boolean } | undefined>(ALICE, fn, [{ calendarId: ALICE }], {
      kind: 'trigger',
    });
    if (report?.tokenStored) return;
  }
  throw new Error('the add-on did not finish its sync in 50 runs');
}

function measure(runtime: AppsScriptRuntime, body: () => void): Figures {
  const before = runtime.executions.length;
  const lastId = runtime.executions[runtime.executions.length - 1]?.id ?? 0;
  body();
  const figures = price(runtime.executions.slice(before));
  figures.requests = countRequests(runtime, lastId);
  return figures;
}

function bytesOf(values: Record<string, string>): number {
  return Object.entries(values).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function table(results: Result[]): string {
  const rows: string[][] = [
    [
      'workload',
      'who',
      'list',
      'requests',
      'waves',
      'props',
      'runs',
      'sim. time',
      'vs seed',
      'vs floor',
      'B/record',
    ],
  ];
  for (const r of results) {
    const fmt = (f: Figures) =>
      Object.entries(f.requests)
        .map(([m, c]) => `${m} ${c}`)
        .join(', ') || '0';
    rows.push([
      r.workload.name,
      'engine',
      String(r.engine.listCalls),
      fmt(r.engine),
      String(r.engine.fetchAllWaves),
      String(r.engine.propertiesCalls),
      String(r.engine.executions),
      seconds(r.engine.simulatedMs),
      `${r.ratioEngineSeed}×`,
      `${r.ratioEngineFloor}×`,
      String(r.bytesPerRecord),
    ]);
    rows.push([
      '',
      'seed',
      String(r.seed.listCalls),
      fmt(r.seed),
      `${r.seed.fetchCalls} fetch`,
      String(r.seed.propertiesCalls),
      r.seed.withinLimit ? String(r.seed.executions) : `${r.seed.executions} (killed at 6 min)`,
      seconds(r.seed.simulatedMs),
      '1×',
      `${round(r.seed.simulatedMs / r.floorMs, 1)}×`,
      '-',
    ]);
    rows.push(['', 'floor', '', '', '', '', '', seconds(r.floorMs), '', '1×', '']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

function svg(results: Result[]): string {
  const W = 640;
  const H = 360;
  const pad = 60;
  const xs = results.map((r) => r.changes);
  const ys = results.flatMap((r) => [r.engine.simulatedMs, r.seed.simulatedMs]);
  const lx = (x: number) =>
    pad +
    ((Math.log10(x) - Math.log10(Math.min(...xs) / 2)) /
      (Math.log10(Math.max(...xs) * 2) - Math.log10(Math.min(...xs) / 2))) *
      (W - 2 * pad);
  const ly = (y: number) =>
    H - pad - ((Math.log10(y) - 2) / (Math.log10(Math.max(...ys) * 2) - 2)) * (H - 2 * pad);
  const line = (pick: (r: Result) => number, colour: string, label: string) => {
    const points = results.map((r) => `${lx(r.changes).toFixed(1)},${ly(pick(r)).toFixed(1)}`).join(' ');
    const dots = results
      .map(
        (r) =>
          `<circle cx="${lx(r.changes).toFixed(1)}" cy="${ly(pick(r)).toFixed(1)}" r="4" fill="${colour}"/>`,
      )
      .join('');
    const last = results[results.length - 1]!;
    return `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points}"/>${dots}<text x="${(lx(last.changes) - 10).toFixed(1)}" y="${(ly(pick(last)) - 10).toFixed(1)}" font-size="12" fill="${colour}" text-anchor="end">${label}</text>`;
  };
  const ordered = [...results].sort((a, b) => a.changes - b.changes);
  const sorted = ordered.length > 0 ? ordered : results;
  results = sorted;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<title>Simulated service time of a sync burst: engine v2, the seed's procedure and the floor</title>
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="24" font-size="14" text-anchor="middle">Simulated service time per sync burst (log scales)</text>
<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="#444"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="#444"/>
<text x="${W / 2}" y="${H - 20}" font-size="12" text-anchor="middle">changes in the burst</text>
<text x="16" y="${H / 2}" font-size="12" transform="rotate(-90 16 ${H / 2})" text-anchor="middle">simulated time</text>
${results.map((r) => `<text x="${lx(r.changes).toFixed(1)}" y="${H - pad + 16}" font-size="11" text-anchor="middle">${r.changes.toLocaleString('en')}</text>`).join('\n')}
${line((r) => r.seed.simulatedMs, '#c0392b', 'seed procedure')}
${line((r) => r.engine.simulatedMs, '#2471a3', 'engine v2')}
${line((r) => r.floorMs, '#7f8c8d', 'floor')}
${[1, 10, 100, 1000, 10000].map((s) => `<text x="${pad - 6}" y="${(ly(s * 1000) + 4).toFixed(1)}" font-size="11" text-anchor="end">${s} s</text>`).join('\n')}
</svg>
`;
}

async function main(): Promise<void> {
  const results: Result[] = [];
  const chosen = FIRST ? WORKLOADS.slice(0, Number(FIRST.split('=')[1])) : WORKLOADS;
  for (const workload of chosen) {
    const started = Date.now();
    results.push(await runWorkload(workload));
    console.error(
      `${workload.name}: measured in ${((Date.now() - started) / 1000).toFixed(1)} s of real time`,
    );
  }
  console.log(table(results));
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'sync.json'), `${JSON.stringify({ costModel: COST, results }, null, 2)}\n`);
  writeFileSync(join(out, 'sync.svg'), svg(results));
  console.log(`\nwrote bench/results/sync.json and bench/results/sync.svg`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
