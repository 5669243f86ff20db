/**
 * Benchmark of the add-on (not a timed test), in-process:
 * - the sync core over in-memory fakes: an incremental sync of 2,500 changed events (500 of them ours, with real
 *   changes) against two baselines from the same process, validating the same 2,500 raw events, and a sync
 *   that finds nothing changed;
 * - the Properties service calls one trigger run makes (each counts against Apps Script's daily quota), with the
 *   per-execution snapshot and without it, over the real UserPropertiesStateStore;
 * - the size of dist/Code.js, which Apps Script loads on every trigger run (run `npm run build` first).
 * Run: npx tsx bench/addon.bench.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createConferenceForEvent } from '../src/core/createConference';
import type { StateStore, SyncPorts } from '../src/core/ports';
import { syncCalendar } from '../src/core/syncCalendar';
import { validateEvent } from '../src/core/validateEvent';
import { CachedPropertyStore } from '../src/platform/cachedPropertyStore';
import { UserPropertiesStateStore } from '../src/platform/stateStore';
import {
  anEvent,
  CAL,
  FakeCalendar,
  FakeClock,
  FakeConferenceProvider,
  MemoryLog,
} from '../test/addon/fakes';
import { PropertiesStub } from '../test/addon/platform/stubs';

const CHANGES = 2_500;
const OURS = 500;
const RUNS = 7;

class CountingProperties extends PropertiesStub {
  calls = 0;
  override getProperty(key: string) {
    this.calls++;
    return super.getProperty(key);
  }
  override getProperties() {
    this.calls++;
    return super.getProperties();
  }
  override getKeys() {
    this.calls++;
    return super.getKeys();
  }
  override setProperties(p: Record<string, string>) {
    this.calls++;
    return super.setProperties(p);
  }
  override deleteProperty(key: string) {
    this.calls++;
    return super.deleteProperty(key);
  }
}

const event = (i: number, title: string) =>
  anEvent()
    .withId(`ev${String(i).padStart(6, '0')}`)
    .titled(title)
    .timed('2026-12-01T10:00:00Z', '2026-12-01T11:00:00Z')
    .withAttendees({ email: `guest${i % 40}@example.com` });

/** A calendar with OURS conferences of ours among CHANGES events, synced once; returns a way to change them all. */
function world(store: StateStore) {
  const clock = new FakeClock(Date.parse('2026-11-25T12:00:00Z'));
  const calendar = new FakeCalendar();
  const provider = new FakeConferenceProvider(clock);
  const ports: SyncPorts = { calendar, provider, store, clock, log: new MemoryLog() };
  const conferenceIds: string[] = [];
  for (let i = 0; i < CHANGES; i++) {
    if (i < OURS) {
      const created = createConferenceForEvent(ports, CAL, event(i, 'x').build()['id'] as string);
      if (!created.ok) throw new Error(created.message);
      conferenceIds[i] = created.conference.id;
      calendar.put(CAL, event(i, 'Planning').withOurConference(created.conference.id).build());
    } else {
      calendar.put(CAL, event(i, 'Someone else’s meeting').withMeet().build());
    }
  }
  syncCalendar(ports, CAL);
  let round = 0;
  const changeAll = () => {
    round++;
    for (let i = 0; i < CHANGES; i++) {
      const e =
        i < OURS ? event(i, `Planning ${round}`).withOurConference(conferenceIds[i]) : event(i, `x ${round}`);
      calendar.put(CAL, e.build());
    }
  };
  return { ports, calendar, changeAll };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeRuns(setup: () => void, run: () => void): number {
  const samples: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    setup();
    const start = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples.slice(1)); // the first run warms the JIT
}

function coreThroughput() {
  const w = world(
    new UserPropertiesStateStore(new CachedPropertyStore(new PropertiesStub()), new MemoryLog()),
  );
  const raws = Array.from({ length: CHANGES }, (_, i) => event(i, 'y').withMeet().build());
  const validateMs = timeRuns(
    () => {},
    () => {
      for (const raw of raws) validateEvent(raw);
    },
  );
  const nothingMs = timeRuns(
    () => {},
    () => syncCalendar(w.ports, CAL),
  );
  const syncMs = timeRuns(w.changeAll, () => {
    const report = syncCalendar(w.ports, CAL);
    if (report.updated !== OURS) throw new Error(`expected ${OURS} updates, got ${report.updated}`);
  });
  return { validateMs, nothingMs, syncMs };
}

function propertyCalls(cached: boolean) {
  const props = new CountingProperties();
  const storeFor = () =>
    new UserPropertiesStateStore(cached ? new CachedPropertyStore(props) : props, new MemoryLog());
  const w = world(storeFor());
  // One trigger run after 10 edits, 5 of them to events of ours: what a busy calendar sees many times a day.
  for (let i = 0; i < 10; i++) w.calendar.put(CAL, event(i * 100, 'edited').build());
  w.ports.store = storeFor();
  props.calls = 0;
  syncCalendar(w.ports, CAL);
  return props.calls;
}

const core = coreThroughput();
const uncachedCalls = propertyCalls(false);
const cachedCalls = propertyCalls(true);
const bundlePath = join(__dirname, '..', 'dist', 'Code.js');

console.log(
  `add-on sync core, ${CHANGES} changed events (${OURS} ours, each PATCHed), median of ${RUNS - 1} runs`,
);
console.log(`  baseline: validate ${CHANGES} raw events            ${core.validateMs.toFixed(1)} ms  (1.0x)`);
console.log(
  `  incremental sync finding nothing changed          ${core.nothingMs.toFixed(2)} ms  (${(core.nothingMs / core.validateMs).toFixed(2)}x)`,
);
console.log(
  `  incremental sync of ${CHANGES} changes              ${core.syncMs.toFixed(1)} ms  (${(core.syncMs / core.validateMs).toFixed(1)}x)`,
);
console.log(`Properties service calls in one trigger run (${OURS} records, 10 changed events):`);
console.log(`  without the per-run snapshot  ${uncachedCalls}`);
console.log(`  with it                       ${cachedCalls}  (${(cachedCalls / uncachedCalls).toFixed(3)}x)`);
if (existsSync(bundlePath)) {
  const code = readFileSync(bundlePath);
  const gz = gzipSync(code).length;
  console.log(
    `dist/Code.js: ${code.length} bytes, ${gz} gzipped (${(gz / code.length).toFixed(2)}x), ${code.toString().split('\n').length} lines`,
  );
} else {
  console.log('dist/Code.js: not built (run npm run build first)');
}
