// Stack specs of stacked hyperoptimizers as "Gradient Descent: The Ultimate Optimizer" (Chandra et al.,
// NeurIPS 2022) writes them: `Adam / SGD(1e-3) / SGD(1e-4)`, `Adamα / SGD(κ=1e-3)`,
// `SGD(0.01, μ=0.9) / Adam(1e-4)`. Levels from left to right are bottom to top: the first is the model's
// optimizer, each next one tunes the hyperparameters of the one before it. Defaults and which
// hyperparameters each class tunes are those of the reference (kach/gradient-descent-the-ultimate-optimizer
// @d6a3dbbe, src/gradient_descent_the_ultimate_optimizer/gdtuo.py). No tfjs here.

export type StackOptimizer = 'SGD' | 'Adam' | 'RMSProp' | 'AdaGrad';
/** A hyperparameter a level above may tune (ε is never tuned in the reference). */
export type HyperName = 'alpha' | 'mu' | 'beta1' | 'beta2' | 'gamma';
export const HYPER_ORDER: readonly HyperName[] = ['alpha', 'mu', 'beta1', 'beta2', 'gamma'];

export interface StackLevel {
  optimizer: StackOptimizer;
  /** Step size α (the paper's κ above the model level); null = not given (model level: the run's α₀; above: the class default). */
  alpha: number | null;
  /** SGD: momentum μ (reference default 0; μ = 0 means plain SGD and μ is then never tuned). */
  mu?: number;
  /** Adam: β₁, β₂ (tuned through β = (tanh x + 1)/2) and its fixed ε (= 10^log_eps). */
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** RMSProp: γ (tuned through (tanh x + 1)/2). */
  gamma?: number;
  /** Hyperparameters the level above tunes, in HYPER_ORDER. */
  tuned: HyperName[];
}

export interface StackSpec {
  levels: StackLevel[];
}

type Extra = 'mu' | 'beta1' | 'beta2' | 'eps' | 'gamma';

interface ClassInfo {
  alpha: number;
  extras: Partial<Record<Extra, number>>;
  tunable: HyperName[];
  /** Positional arguments after α, in the reference constructor's order. */
  positional: Extra[];
}

/** The reference classes' constructor defaults (SGD, Adam / AdamBaydin, RMSProp / RMSPropAlpha, AdaGrad). */
export const STACK_CLASSES: Record<StackOptimizer, ClassInfo> = {
  SGD: { alpha: 0.01, extras: { mu: 0 }, tunable: ['alpha', 'mu'], positional: ['mu'] },
  Adam: { alpha: 0.001, extras: { beta1: 0.9, beta2: 0.999, eps: 1e-8 }, tunable: ['alpha', 'beta1', 'beta2'], positional: ['beta1', 'beta2'] },
  RMSProp: { alpha: 0.01, extras: { gamma: 0.99 }, tunable: ['alpha', 'gamma'], positional: ['gamma'] },
  AdaGrad: { alpha: 0.01, extras: {}, tunable: ['alpha'], positional: [] },
};

const NAMES: Record<string, StackOptimizer> = { sgd: 'SGD', adam: 'Adam', rmsprop: 'RMSProp', adagrad: 'AdaGrad' };

const SYMBOL: Record<HyperName | 'eps', string> = { alpha: 'α', mu: 'μ', beta1: 'β₁', beta2: 'β₂', gamma: 'γ', eps: 'ε' };

/** Argument names accepted inside the parentheses. */
const KEYS: Record<string, HyperName | 'eps' | 'log_eps'> = {
  'α': 'alpha', alpha: 'alpha', 'κ': 'alpha', kappa: 'alpha', lr: 'alpha',
  'μ': 'mu', mu: 'mu', momentum: 'mu',
  'β₁': 'beta1', 'β1': 'beta1', beta1: 'beta1', 'β₂': 'beta2', 'β2': 'beta2', beta2: 'beta2',
  'γ': 'gamma', gamma: 'gamma',
  'ε': 'eps', eps: 'eps', epsilon: 'eps', log_eps: 'log_eps',
};

/** Names in a tuned suffix (`Adamα`, `Adam_{α,β₁}`, `Adam_alpha`). */
const TUNED_TOKENS: [string, HyperName][] = [
  ['β₁', 'beta1'], ['β₂', 'beta2'], ['β1', 'beta1'], ['β2', 'beta2'], ['α', 'alpha'], ['μ', 'mu'], ['γ', 'gamma'],
];

function parseNumber(s: string, where: string): number {
  const t = s.trim().replace(/−/g, '-');
  let x: number;
  const pow = /^10\^\{?([+-]?\d+)\}?$/.exec(t);
  if (pow) x = 10 ** Number(pow[1]);
  else if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) x = Number(t);
  else throw new Error(`${where}: "${s.trim()}" is not a number`);
  if (!Number.isFinite(x)) throw new Error(`${where}: "${s.trim()}" is not a finite number`);
  return x;
}

function parseTuned(suffix: string, opt: StackOptimizer, where: string): HyperName[] | null {
  let s = suffix.trim();
  if (s === '') return null;
  if (s.startsWith('_')) s = s.slice(1).trim();
  const names: string[] = [];
  if (s.startsWith('{')) {
    if (!s.endsWith('}')) throw new Error(`${where}: unclosed "{" in the tuned hyperparameters "${suffix}"`);
    const inner = s.slice(1, -1).split(',').map((x) => x.trim());
    if (inner.some((x) => x === '')) throw new Error(`${where}: empty name in the tuned hyperparameters "${suffix}"`);
    names.push(...inner);
  } else if (/^[A-Za-z]/.test(s)) {
    names.push(s);
  } else {
    let rest = s;
    while (rest.length > 0) {
      const tok = TUNED_TOKENS.find(([sym]) => rest.startsWith(sym));
      if (!tok) throw new Error(`${where}: cannot read the tuned hyperparameters "${suffix}" (write e.g. ${opt}α or ${opt}_{α,β₁})`);
      names.push(tok[0]);
      rest = rest.slice(tok[0].length);
    }
  }
  const tunable = STACK_CLASSES[opt].tunable;
  const out = new Set<HyperName>();
  for (const n of names) {
    const key = KEYS[n] ?? KEYS[n.toLowerCase()];
    if (key === undefined || key === 'eps' || key === 'log_eps' || !tunable.includes(key)) {
      throw new Error(`${where}: ${opt} has no tunable hyperparameter "${n}" (it tunes ${tunable.map((h) => SYMBOL[h]).join(', ')})`);
    }
    out.add(key);
  }
  return HYPER_ORDER.filter((h) => out.has(h));
}

function parseLevel(text: string, index: number): StackLevel {
  const where0 = `level ${index + 1}`;
  const s = text.trim();
  if (s === '') throw new Error(`${where0} is empty (levels are separated by "/", e.g. "Adam / SGD(1e-3)")`);
  const head = /^([A-Za-z]+)([^(]*)(\((.*)\))?\s*$/s.exec(s);
  if (!head) {
    if (s.includes('(') && !s.endsWith(')')) throw new Error(`${where0} "${s}": missing ")"`);
    throw new Error(`${where0} "${s}": expected an optimizer name, e.g. SGD(1e-3)`);
  }
  const optimizer = NAMES[head[1].toLowerCase()];
  if (!optimizer) throw new Error(`${where0}: unknown optimizer "${head[1]}" (known: SGD, Adam, RMSProp, AdaGrad)`);
  const where = `${where0} (${optimizer})`;
  const info = STACK_CLASSES[optimizer];
  const explicitTuned = parseTuned(head[2], optimizer, where);
  const level: StackLevel = { optimizer, alpha: null, ...info.extras, tuned: explicitTuned ?? info.tunable.slice() };
  const seen = new Set<string>();
  if (head[3] !== undefined && head[4].trim() !== '') {
    const args = head[4].split(',');
    const positional: string[] = ['alpha', ...info.positional];
    let named = false;
    args.forEach((raw, k) => {
      const a = raw.trim();
      if (a === '') throw new Error(`${where}: empty argument ${k + 1}`);
      let key: HyperName | 'eps' | 'log_eps';
      let value: string;
      const eq = a.indexOf('=');
      if (eq >= 0) {
        named = true;
        const name = a.slice(0, eq).trim();
        const found = KEYS[name] ?? KEYS[name.toLowerCase()];
        const allowed = found === 'alpha' || (found === 'log_eps' ? 'eps' in info.extras : found !== undefined && found in info.extras);
        if (!allowed) {
          const known = ['α', ...Object.keys(info.extras).map((e) => SYMBOL[e as Extra])].join(', ');
          throw new Error(`${where}: unknown argument "${name}" (${optimizer} takes ${known})`);
        }
        key = found!;
        value = a.slice(eq + 1);
      } else {
        if (named) throw new Error(`${where}: positional argument "${a}" after a named one`);
        if (k >= positional.length) throw new Error(`${where}: too many arguments (${optimizer} takes ${positional.length} positional: ${positional.map((p) => SYMBOL[p as Extra | 'alpha']).join(', ')})`);
        key = positional[k] as HyperName;
        value = a;
      }
      let x = parseNumber(value, where);
      if (key === 'log_eps') {
        key = 'eps';
        x = 10 ** x;
      }
      if (seen.has(key)) throw new Error(`${where}: ${SYMBOL[key]} given twice`);
      seen.add(key);
      checkRange(key, x, where);
      (level as unknown as Record<string, number>)[key] = x;
    });
  }
  if (optimizer === 'SGD' && explicitTuned?.includes('mu') && level.mu === 0) {
    throw new Error(`${where}: μ can be tuned only with momentum (give μ=… > 0); with μ = 0 the reference never uses it`);
  }
  return level;
}

function checkRange(key: HyperName | 'eps', x: number, where: string): void {
  const sym = SYMBOL[key];
  if ((key === 'alpha' || key === 'mu') && x < 0) throw new Error(`${where}: ${sym} must be ≥ 0, got ${x}`);
  if ((key === 'beta1' || key === 'beta2' || key === 'gamma') && !(x > 0 && x < 1)) throw new Error(`${where}: ${sym} must be in (0, 1), got ${x}`);
  if (key === 'eps' && !(x > 0)) throw new Error(`${where}: ε must be > 0, got ${x}`);
}

/** The stack a spec text describes; throws an Error that says what is wrong and where. */
export function parseStack(text: string): StackSpec {
  if (text.trim() === '') throw new Error('Empty stack spec (write e.g. "Adam / SGD(1e-3)")');
  if ((text.match(/\(/g) ?? []).length !== (text.match(/\)/g) ?? []).length) throw new Error(`Unbalanced parentheses in "${text.trim()}"`);
  return { levels: text.split('/').map(parseLevel) };
}

/** Plain down to 0.001, exponential below (1e-5 rather than 0.00001) and from a million; exact both ways. */
function formatNumber(x: number): string {
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential().replace('e+', 'e') : String(x);
}

function formatLevel(l: StackLevel): string {
  const info = STACK_CLASSES[l.optimizer];
  const isDefault = l.tuned.length === info.tunable.length && l.tuned.every((h, i) => h === info.tunable[i]);
  const suffix = isDefault ? '' : l.tuned.map((h) => SYMBOL[h]).join('');
  const args: string[] = [];
  if (l.alpha !== null) args.push(formatNumber(l.alpha));
  for (const [k, d] of Object.entries(info.extras) as [Extra, number][]) {
    const v = l[k];
    if (v !== undefined && v !== d) args.push(`${SYMBOL[k]}=${formatNumber(v)}`);
  }
  return `${l.optimizer}${suffix}${args.length > 0 ? `(${args.join(', ')})` : ''}`;
}

/** The paper's notation of a stack; parseStack(formatStack(s)) equals s. */
export function formatStack(spec: StackSpec): string {
  return spec.levels.map(formatLevel).join(' / ');
}
