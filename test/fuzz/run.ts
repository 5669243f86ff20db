/**
 * `npm run fuzz [-- --runs=<n>] [--seed=<n>] [--path=<p>]`: the model-based test of issue 9 outside jest, every
 * action kind, 10,000 sequences by default, a fresh seed unless one is given. On failure prints the shrunk
 * counterexample, its seed and path, and the replay command.
 */
import fc from 'fast-check';
import { ALL_KINDS, actionsArbitrary, runSequence } from './model';

function fail(message: string): never {
  process.stderr.write(`fuzz: ${message}\n`);
  process.exit(2);
}

const args = {
  runs: 10000,
  seed: undefined as number | undefined,
  path: undefined as string | undefined,
};
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
  if (!m) fail(`unknown argument '${arg}' (flags: --runs=<n>, --seed=<n>, --path=<p>)`);
  const [, name, value] = m;
  if (name === 'runs' && value !== undefined && /^[1-9]\d*$/.test(value)) args.runs = Number(value);
  else if (name === 'seed' && value !== undefined && /^-?\d+$/.test(value)) args.seed = Number(value);
  else if (name === 'path' && value !== undefined && /^\d+(:\d+)*$/.test(value)) args.path = value;
  else fail(`bad flag '${arg}' (flags: --runs=<n>, --seed=<n>, --path=<p>)`);
}
if (args.path !== undefined && args.seed === undefined) fail('--path needs --seed');

const seed = args.seed ?? Date.now() % 2 ** 31;
const started = Date.now();
const result = fc.check(
  fc.property(actionsArbitrary(ALL_KINDS), (actions) => {
    const problems = runSequence(actions);
    if (problems) throw new Error(problems.join('\n'));
  }),
  {
    numRuns: args.path === undefined ? args.runs : 1,
    seed,
    ...(args.path === undefined ? {} : { path: args.path }),
  },
);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(`${result.numRuns} sequences (seed ${seed}) in ${seconds} s\n`);
if (!result.failed) {
  process.stdout.write('PASS\n');
  process.exit(0);
}
process.stdout.write(`FAIL after ${result.numRuns} sequences, shrunk ${result.numShrinks} times\n`);
process.stdout.write(`counterexample: ${JSON.stringify(result.counterexample?.[0])}\n`);
process.stdout.write(
  `${String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance)}\n`,
);
process.stdout.write(`seed ${result.seed}, path ${result.counterexamplePath}\n`);
process.stdout.write(`replay: npm run fuzz -- --seed=${result.seed} --path=${result.counterexamplePath}\n`);
process.exit(1);
