/**
 * Load benchmark of the reference conference server (not a timed test): creates and patches per second over
 * loopback with autocannon, p50/p99 latency, each also as a ratio against a baseline measured in the same run
 * (an authenticated GET of one conference), so figures from different machines can be compared.
 *
 *   npx tsx bench/conference-server.bench.ts [--duration 5] [--connections 10] [--write-readme]
 *
 * The server runs as the real CLI in a child process on a database file (WAL, synchronous=FULL), so the load
 * generator does not share its event loop and every write pays the fsync a real deployment pays.
 * --write-readme replaces the figures between the bench markers in local/conference-server/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ConferenceClient } from '../local/conference-server/client';
import { REPO_ROOT, spawnConferenceServer } from '../local/conference-server/spawn';

// autocannon ships no types; this is the part of its programmatic API used here.
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  requests?: AutocannonRequest[];
}) => Promise<AutocannonResult>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    'write-readme': { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const API_KEY = 'bench-key';

interface Row {
  name: string;
  result: AutocannonResult;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'conference-bench-'));
  const server = await spawnConferenceServer({ apiKey: API_KEY, db: path.join(dir, 'bench.db') });
  try {
    const client = new ConferenceClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
    const sample = {
      title: 'Benchmark meeting',
      startTime: '2026-12-01T10:00:00+01:00',
      endTime: '2026-12-01T11:00:00+01:00',
      timeZone: 'Europe/Paris',
      recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=TU'],
      attendees: ['alice@example.com', 'bob@example.com', 'carol@example.com'],
      calendarId: 'bench@example.com',
    };
    const { conference } = await client.createConference({ ...sample, eventId: 'baseline' }, 'baseline');
    // Patch targets: as many as connections, so concurrent patches rarely queue on one row.
    const targets: string[] = [];
    for (let i = 0; i < connections * 4; i++) {
      targets.push(
        (await client.createConference({ ...sample, eventId: `patch-${i}` }, `patch-${i}`)).conference.id,
      );
    }
    const auth = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json; charset=utf-8' };
    const rows: Row[] = [];

    // Warm-up, so the first measured run does not pay for JIT and connection set-up.
    await autocannon({
      url: `${server.baseUrl}/v1/conferences/${conference.id}`,
      connections,
      duration: 1,
      headers: auth,
    });

    rows.push({
      name: 'GET one conference (baseline)',
      result: await autocannon({
        url: `${server.baseUrl}/v1/conferences/${conference.id}`,
        connections,
        duration,
        headers: auth,
      }),
    });

    let createCounter = 0;
    const createBody = JSON.stringify({ ...sample, eventId: 'created' });
    rows.push({
      name: 'POST create (new Idempotency-Key each)',
      result: await autocannon({
        url: server.baseUrl,
        connections,
        duration,
        headers: auth,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/conferences',
            body: createBody,
            setupRequest: (req) => ({
              ...req,
              headers: { ...req.headers, 'idempotency-key': `bench-create-${createCounter++}` },
            }),
          },
        ],
      }),
    });

    let patchCounter = 0;
    rows.push({
      name: 'PATCH title (every one a real change)',
      result: await autocannon({
        url: server.baseUrl,
        connections,
        duration,
        headers: auth,
        requests: [
          {
            method: 'PATCH',
            setupRequest: (req) => {
              const n = patchCounter++;
              return {
                ...req,
                path: `/api/v1/conferences/${targets[n % targets.length]}`,
                body: JSON.stringify({ title: `title ${n}` }),
              };
            },
          },
        ],
      }),
    });

    rows.push({
      name: 'POST repeat of one key (idempotent 200)',
      result: await autocannon({
        url: server.baseUrl,
        connections,
        duration,
        headers: { ...auth, 'idempotency-key': 'baseline' },
        requests: [{ method: 'POST', path: '/api/v1/conferences', body: createBody }],
      }),
    });

    const base = rows[0].result;
    const lines = [
      `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ` +
        `${connections} connections, ${duration} s per run, database file with WAL + synchronous=FULL.`,
      '',
      '| run | req/s | p50 ms | p99 ms | req/s vs baseline | p99 vs baseline | non-2xx | errors |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...rows
        .map(({ name, result: r }) =>
          [
            name,
            r.requests.average.toFixed(0),
            r.latency.p50.toFixed(1),
            r.latency.p99.toFixed(1),
            (r.requests.average / base.requests.average).toFixed(2),
            (r.latency.p99 / Math.max(base.latency.p99, 0.001)).toFixed(2),
            String(r.non2xx),
            String(r.errors + r.timeouts),
          ].join(' | '),
        )
        .map((line) => `| ${line} |`),
    ];
    lines.push('', 'Latencies are whole milliseconds as autocannon records them; 0 means under 1 ms.');
    const table = lines.join('\n');
    process.stdout.write(`${table}\n`);

    if (values['write-readme']) {
      const readme = path.join(REPO_ROOT, 'local', 'conference-server', 'README.md');
      const text = readFileSync(readme, 'utf8');
      const start = '<!-- bench:start -->';
      const end = '<!-- bench:end -->';
      const from = text.indexOf(start);
      const to = text.indexOf(end);
      if (from < 0 || to < from) throw new Error(`README has no ${start} … ${end} section`);
      writeFileSync(readme, `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`);
      // Let the project's formatter align the table, so the README stays as `biome check` wants it.
      spawnSync(
        process.execPath,
        [
          path.join(REPO_ROOT, 'node_modules', '@biomejs', 'biome', 'bin', 'biome'),
          'format',
          '--write',
          readme,
        ],
        {
          cwd: REPO_ROOT,
          stdio: 'ignore',
        },
      );
      process.stdout.write(`figures written to ${path.relative(REPO_ROOT, readme)}\n`);
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
