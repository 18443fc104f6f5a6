// `Seeds`: how many times each selected optimizer runs, with seeds Seed, Seed + 1, …; the hint says how
// many runs that makes, and warns when more than MAX_CONCURRENT_RUNS would train at once (they queue).
import { useConfigStore } from '../store/configStore';
import { MAX_CONCURRENT_RUNS } from '../store/runSpecs';
import { parseNumber } from '../config/validate';
import { NumberField } from './NumberField';

/** The hint under Seeds for a selection and the fields' texts (pure, so it can be tested). */
export function seedsHint(optimizers: number, seedsText: string, seedText: string): string {
  const n = parseNumber(seedsText);
  const first = parseNumber(seedText);
  if (n === null || !Number.isInteger(n) || n < 1 || optimizers === 0) return 'runs per optimizer, 1 to 10, with seeds Seed, Seed + 1, …';
  const seeds = first !== null && Number.isInteger(first) && n > 1 ? `seeds ${first}…${first + n - 1}` : n === 1 ? 'one seed' : `${n} seeds`;
  const total = optimizers * n;
  const runs = `${optimizers} optimizer${optimizers === 1 ? '' : 's'} × ${seeds} = ${total} run${total === 1 ? '' : 's'}`;
  return total > MAX_CONCURRENT_RUNS
    ? `${runs}. More than ${MAX_CONCURRENT_RUNS}: ${MAX_CONCURRENT_RUNS} train at a time and the others wait their turn (each run holds its own copy of the data)`
    : runs;
}

export function SeedsField() {
  const optimizers = useConfigStore((s) => s.optimizers.length);
  const seedsText = useConfigStore((s) => s.texts.seeds);
  const seedText = useConfigStore((s) => s.texts.seed);
  return <NumberField field="seeds" label="Seeds" inputMode="numeric" hint={seedsHint(optimizers, seedsText, seedText)} />;
}
