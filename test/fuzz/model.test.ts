/**
 * The model-based test of issue 9 in `npm test`: a fixed number of sequences of every action kind with a fixed
 * seed, so a run is reproducible. A failure names the shrunk counterexample and the command that replays it
 * outside jest (`npm run fuzz -- --seed=… --path=…`); `npm run fuzz` runs 10,000 sequences with a fresh seed.
 */
import fc from 'fast-check';
import { type Action, ALL_KINDS, actionsArbitrary, runSequence } from './model';

const RUNS = 1000;
const SEED = 20270301;

describe('model-based test (every action kind)', () => {
  it(`keeps the three invariants over ${RUNS} sequences (seed ${SEED})`, () => {
    const result = fc.check(
      fc.property(actionsArbitrary(ALL_KINDS), (actions) => {
        const problems = runSequence(actions);
        if (problems) throw new Error(problems.join('\n'));
      }),
      { numRuns: RUNS, seed: SEED },
    );
    if (result.failed) {
      const message = (result.errorInstance as Error | undefined)?.message ?? String(result.errorInstance);
      throw new Error(
        [
          `invariants broken after ${result.numRuns} sequences (shrunk ${result.numShrinks} times):`,
          message,
          `counterexample: ${JSON.stringify(result.counterexample?.[0])}`,
          `replay: npm run fuzz -- --seed=${result.seed} --path=${result.counterexamplePath}`,
        ].join('\n'),
      );
    }
    expect(result.numRuns).toBe(RUNS);
  });
});

/**
 * Counterexamples the model-based test once found, replayed as they were shrunk: each broke an invariant before
 * the fix named in its title.
 */
const FOUND: Array<[string, Action[]]> = [
  [
    'a copy split before its own conference was made: the later part, adopted by a run cut before its call, shows the new conference',
    [
      { t: 'create', user: 'alice@example.com', guests: [], day: 3, hour: 6, recurring: true },
      { t: 'cut' },
      { t: 'duplicate', ev: 0 },
      { t: 'cut' },
      { t: 'split', ev: 21, k: 0 },
      { t: 'contention' },
    ],
  ],
  [
    "a split's leading part drops the conference during a rate limit: the earlier part leads, and its times reach the conference",
    [
      { t: 'create', user: 'alice@example.com', guests: [], day: 3, hour: 6, recurring: true },
      { t: 'split', ev: 0, k: 0 },
      { t: 'removeConference', ev: 15 },
      { t: 'providerFaults', faults: ['rate-limited'] },
      { t: 'wait', minutes: 59 },
      { t: 'replaceConference', ev: 9 },
    ],
  ],
  [
    'a split part moved to another calendar and split again: the part that starts last keeps leading',
    [
      { t: 'create', user: 'alice@example.com', guests: [], day: 3, hour: 6, recurring: true },
      { t: 'split', ev: 0, k: 1 },
      { t: 'moveCalendar', ev: 0 },
      { t: 'split', ev: 0, k: 0 },
    ],
  ],
  [
    'a restore after a deletion that went unanswered: the conference is made again and written onto the event',
    [
      { t: 'create', user: 'alice@example.com', guests: [], day: 3, hour: 6, recurring: false },
      { t: 'providerFaults', faults: ['rate-limited', 'timeout'] },
      { t: 'delete', ev: 0 },
      { t: 'create', user: 'alice@example.com', guests: [], day: 3, hour: 6, recurring: false },
      { t: 'wait', minutes: 59 },
      { t: 'restore', ev: 0 },
    ],
  ],
  [
    'a recreate that went unanswered, then the event moved: no conference is left at the provider without an event',
    [
      { t: 'create', user: 'alice@example.com', guests: [], day: 3, hour: 6, recurring: false },
      { t: 'providerFaults', faults: ['timeout', 'timeout', 'rate-limited'] },
      { t: 'lose', ev: 0 },
      { t: 'moveCalendar', ev: 0 },
      { t: 'title', ev: 0, title: 'A' },
    ],
  ],
  [
    'a split part that goes while a check of the lost conference was cut short: the leading part makes it again',
    [
      { t: 'create', user: 'alice@example.com', guests: [], day: 3, hour: 6, recurring: true },
      { t: 'split', ev: 0, k: 0 },
      { t: 'providerFaults', faults: ['rate-limited'] },
      { t: 'lose', ev: 0 },
      { t: 'removeConference', ev: 0 },
    ],
  ],
  [
    "a series split twice, its last part moved to another calendar, the first part's conference replaced: the moved part keeps leading",
    [
      { t: 'create', user: 'alice@example.com', guests: [], day: 3, hour: 6, recurring: true },
      { t: 'split', ev: 0, k: 0 },
      { t: 'duplicate', ev: 0 },
      { t: 'split', ev: 10, k: 0 },
      { t: 'moveCalendar', ev: 7 },
      { t: 'replaceConference', ev: 0 },
    ],
  ],
];

describe('model-based test: counterexamples found before', () => {
  it.each(FOUND)('%s', (_name, actions) => {
    expect(runSequence(actions)).toBeNull();
  });
});
