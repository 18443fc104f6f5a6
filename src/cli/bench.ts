// Benchmark: the engine's time per step against a minimal hand-written tfjs loop for the same model,
// backend and data, in the same process (src/cli/benchLoops.ts). Prints numbers and ratios; asserts nothing.
//   npm run bench -- [--backend wasm|cpu|webgpu] [--models logreg,ffnn100,mlp] [--rounds 3]
// The command line is checked before tfjs is imported: --help and a bad flag answer at once.
import { startCommand, str, usageErrorLine, type Command } from './args';
import { NODE_BACKENDS, isNodeBackendName } from '../engine/nodeBackendNames';

/** The models bench times (kept here, not imported from benchLoops, so --help needs no tfjs). */
const MODELS = ['logreg', 'ffnn100', 'mlp'] as const;

export const BENCH: Command = {
  name: 'bench',
  summary:
    "Times the engine's training step (SGD, SGD-HD, Adam, Adam-HD) against a minimal hand-written tfjs loop for the\n" +
    'same model, backend and real MNIST data, in interleaved rounds, and prints ms per step and the ratios.\n' +
    'Asserts nothing; takes about a minute per model on wasm.',
  synopsis: '[options]',
  flags: {
    backend: { type: 'string', arg: 'NAME', default: 'wasm', help: `tfjs backend: ${NODE_BACKENDS.join(' | ')}` },
    models: { type: 'string', arg: 'LIST', default: MODELS.join(','), help: `comma-separated, of ${MODELS.join(', ')} (the MNIST MLPs)` },
    rounds: { type: 'string', arg: 'N', default: '3', help: 'interleaved rounds; the median of each is printed' },
  },
  examples: ['npm run bench -- --backend wasm --models logreg,ffnn100 --rounds 3'],
};

async function main(argv: string[]): Promise<number> {
  const p = startCommand(BENCH, argv);
  if (p === null) return Number(process.exitCode ?? 0);
  const bad = (msg: string) => {
    process.stderr.write(`${usageErrorLine(BENCH, msg)}\n`);
    return 2;
  };
  const backend = str(p, 'backend');
  if (!isNodeBackendName(backend)) return bad(`--backend: "${backend}" is not ${NODE_BACKENDS.join(', ')}`);
  const models = str(p, 'models')!.split(',').map((m) => m.trim()).filter((m) => m !== '');
  const unknown = models.filter((m) => !(MODELS as readonly string[]).includes(m));
  if (models.length === 0 || unknown.length) return bad(`--models: ${unknown.length ? `unknown ${unknown.join(', ')}` : 'none given'} (takes ${MODELS.join(', ')})`);
  const rounds = Number(str(p, 'rounds'));
  if (!Number.isInteger(rounds) || rounds < 1) return bad(`--rounds: "${str(p, 'rounds')}" is not a whole number ≥ 1`);
  const { runBench } = await import('./benchLoops');
  await runBench({ backend, models: models as (typeof MODELS)[number][], rounds });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
