// Replays the runs of a problem file in the golden schema (test/golden/README.md) with this
// project's optimizers and prints the trajectories as JSON in the same schema on stdout:
//   npm run trace -- FILE.json [--backend cpu|wasm] [--runs id1,id2]
// {"runs":[{"id":..., "steps":[{"step":1,"loss":...,"lr":...,"params":[...]}, ...]}, {"id":..., "error":...}]}
// Every step 1..(the input run's last step) is replayed; `params` appear exactly at the steps where the
// input run has a `params` array (its content is not read, so a new problem can ask with `"params": []`).
// Progress and errors go to stderr. (`npm run` itself prints its "> script" banner on stdout: use
// `npm run -s trace -- ...` or `npx tsx src/cli/trace.ts ...` when piping the JSON.)
// Exit codes: 0 every selected run replayed; 2 some run could not be (reported by id in the JSON and on
// stderr), or an unknown flag / a flag without its value; 1 a bad argument value or a malformed file (one
// line on stderr, nothing on stdout). --help / -h prints the usage. The file is checked by
// src/cli/traceInput.ts.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { GoldenFile, GoldenRun, GoldenStep, ReplayResult } from '../engine/replay';
import { parseCommandLine, str, usageErrorLine, usageText, UsageError, type Command } from './args';
// tfjs (through ../engine/replay) is imported in main() once the arguments are checked: --help answers at once.

export const TRACE: Command = {
  name: 'trace',
  summary:
    "Replays every run of a problem file in the golden schema (test/golden/README.md) with this project's optimizers\n" +
    'and prints {"runs":[{"id","steps":[{step,loss,lr,effective_lr?,params?}]}]} on stdout (use `npm run -s trace` when piping).\n' +
    'Exit codes: 0 every run replayed; 1 a malformed file or bad value (one line on stderr);\n' +
    '2 some run could not be replayed (reported by id), or an unknown flag / missing value.',
  synopsis: 'FILE.json [options]',
  positionals: [{ name: 'FILE.json', help: 'the problem file' }],
  flags: {
    backend: { type: 'string', arg: 'NAME', default: 'cpu', help: 'tfjs backend: cpu | wasm' },
    runs: { type: 'string', arg: 'ID,...', defaultText: 'every run', help: 'replay only these run ids' },
  },
  examples: ['npm run -s trace -- test/golden/P1.json --backend wasm --runs sgd_hd,adam_hd'],
};

export const USAGE = `usage: npm run trace -- ${TRACE.synopsis}`;

/** Any line that makes the command exit 1 (bad values, malformed file). */
class TraceFail extends Error {}
const fail = (msg: string): never => {
  throw new TraceFail(msg);
};

export interface TraceIo {
  out: (text: string) => void;
  err: (line: string) => void;
}

export interface TraceOutput {
  runs: ({ id: string; steps: GoldenStep[] } | { id: string; error: string })[];
}

interface Args {
  file: string;
  backend: 'cpu' | 'wasm';
  runs: string[] | null;
}

/** Throws UsageError for an unknown flag or a missing value (exit 2), TraceFail for a bad value (exit 1). */
function parse(argv: string[]): Args | 'help' {
  const parsed = parseCommandLine(TRACE, argv);
  if (parsed === 'help') return 'help';
  const { positionals } = parsed;
  const backend = str(parsed, 'backend');
  const runsText = str(parsed, 'runs');
  if (positionals.length !== 1) fail(`expected exactly one problem file, got ${positionals.length} (${USAGE})`);
  if (backend !== 'cpu' && backend !== 'wasm') fail(`--backend must be cpu or wasm, got "${backend}"`);
  const runs = runsText === undefined ? null : runsText.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (runs && runs.length === 0) fail('--runs needs at least one run id');
  return { file: positionals[0], backend: backend as 'cpu' | 'wasm', runs };
}

/** Copies the replayed trajectory, keeping `params` only where the input run has them. */
function shape(result: ReplayResult, run: GoldenRun): TraceOutput['runs'][number] {
  if ('error' in result) return result;
  const want = new Set(run.steps.filter((s) => s.params).map((s) => s.step));
  return {
    id: result.id,
    steps: result.steps.map(({ params, ...rest }) => (want.has(rest.step) && params ? { ...rest, params } : rest)),
  };
}

/** The command line. Returns the exit code; writes JSON through io.out and messages through io.err. */
export async function main(argv: string[], io: TraceIo): Promise<number> {
  let parsed: Args | 'help';
  try {
    parsed = parse(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(usageErrorLine(TRACE, e.message));
      return 2;
    }
    if (e instanceof TraceFail) {
      io.err(`trace: ${e.message}`);
      return 1;
    }
    throw e;
  }
  if (parsed === 'help') {
    io.out(usageText(TRACE));
    return 0;
  }
  const args = parsed;
  const [{ TraceInputError, validateProblemFile }, { replayRun }, { useNodeBackend }] = await Promise.all([
    import('./traceInput'),
    import('../engine/replay'),
    import('../engine/nodeBackends'),
  ]);
  let file: GoldenFile;
  try {
    let text: string;
    try {
      text = readFileSync(args.file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return fail(`cannot read ${args.file}: ${err.code ?? err.message}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return fail(`${args.file} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
    }
    file = validateProblemFile(raw);
    if (args.runs) {
      const ids = new Set(file.runs.map((r) => r.id));
      const missing = args.runs.filter((id) => !ids.has(id));
      if (missing.length) fail(`--runs: no run with id ${missing.map((m) => `"${m}"`).join(', ')} in ${args.file}`);
      const wanted = new Set(args.runs);
      file = { ...file, runs: file.runs.filter((r) => wanted.has(r.id)) };
    }
  } catch (e) {
    if (e instanceof TraceInputError || e instanceof TraceFail) {
      io.err(`trace: ${e.message}`);
      return 1;
    }
    throw e;
  }

  const backend = await useNodeBackend(args.backend);
  const { N, D, C } = file.problem.data;
  io.err(`trace: ${args.file}: layers ${file.problem.model.layer_sizes.join('-')}, N=${N} D=${D} C=${C}, batch_size ${file.problem.batch_size}; ${file.runs.length} run(s) on ${backend}`);

  const out: TraceOutput = { runs: [] };
  let failed = 0;
  for (const run of file.runs) {
    let result: ReplayResult;
    try {
      result = await replayRun(file.problem, run);
    } catch (e) {
      // e.g. a config field the optimizer needs is missing: this run cannot be replayed, the others can.
      result = { id: run.id, error: (e as Error).message.split('\n')[0] };
    }
    out.runs.push(shape(result, run));
    if ('error' in result) {
      failed++;
      io.err(`trace: run "${run.id}" (${run.class}) not replayed: ${result.error}`);
    } else {
      const last = result.steps[result.steps.length - 1];
      const bad = result.steps.find((s) => !Number.isFinite(s.loss) || !Number.isFinite(s.lr));
      const note = bad ? ` (non-finite loss or lr from step ${bad.step}, written as null)` : '';
      io.err(`trace: run "${run.id}" (${run.class}): ${result.steps.length} steps, final loss ${last?.loss}, lr ${last?.lr}${note}`);
    }
  }
  io.out(JSON.stringify(out) + '\n');
  if (failed) io.err(`trace: ${failed} of ${file.runs.length} run(s) could not be replayed`);
  return failed ? 2 : 0;
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) {
  // tfjs and its backends may log with console.log; stdout carries the JSON only.
  console.log = console.error;
  main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (l) => process.stderr.write(l + '\n') }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`trace: internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
