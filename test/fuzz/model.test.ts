/**
 * The model-based test of issue 9 in `npm test`: a fixed number of sequences of the SUPPORTED action set with a
 * fixed seed, so a run is reproducible. A failure names the shrunk counterexample and the command that replays it
 * outside jest (`npm run fuzz -- --seed=… --path=…`); `npm run fuzz` runs many more sequences, `--all` every action.
 */
import fc from 'fast-check';
import { actionsArbitrary, runSequence, SUPPORTED_KINDS } from './model';

const RUNS = 1000;
const SEED = 20270301;

describe('model-based test (SUPPORTED actions)', () => {
  it(`keeps the three invariants over ${RUNS} sequences (seed ${SEED})`, () => {
    const result = fc.check(
      fc.property(actionsArbitrary(SUPPORTED_KINDS), (actions) => {
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
