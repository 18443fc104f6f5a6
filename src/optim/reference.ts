// Maps a reference class and its constructor arguments (golden files: `class`, `config_with_defaults`)
// onto this project's registry optimizers and hyperparameters. Used by the golden tests and the trace tool.
import { HYPER_DEFAULTS, type Hyper } from './hyper';
import { buildOptimizer } from './registry';
import type { Optimizer } from './types';

export type ReferenceConfig = Record<string, number | boolean | number[] | string | null>;

const num = (c: ReferenceConfig, k: string): number => {
  const v = c[k];
  if (typeof v !== 'number') throw new Error(`config field "${k}" missing or not a number`);
  return v;
};
const bool = (c: ReferenceConfig, k: string): boolean => c[k] === true;
const pair = (c: ReferenceConfig, k: string): [number, number] => {
  const v = c[k];
  if (!Array.isArray(v) || v.length !== 2) throw new Error(`config field "${k}" must be a pair`);
  return [v[0], v[1]];
};

const sgdArgs = (c: ReferenceConfig): Partial<Hyper> => ({ momentum: num(c, 'momentum'), dampening: num(c, 'dampening'), nesterov: bool(c, 'nesterov') });
const adamArgs = (c: ReferenceConfig): Partial<Hyper> => {
  const [beta1, beta2] = pair(c, 'betas');
  return { beta1, beta2, eps: num(c, 'eps') };
};
const lrMomentumArgs = (c: ReferenceConfig): Partial<Hyper> => ({
  lrMomentum: num(c, 'momentum_h'), lrDampening: num(c, 'dampening_h'), lrNesterov: bool(c, 'nesterov_h') });
const lrAdamArgs = (c: ReferenceConfig): Partial<Hyper> => {
  const [lrBeta1, lrBeta2] = pair(c, 'lr_betas');
  return { lrBeta1, lrBeta2, lrEps: num(c, 'lr_eps') };
};

/** Registry name and hyperparameter choices per reference class; null for an unknown class. */
function resolve(cls: string, c: ReferenceConfig): { name: string; hp: Partial<Hyper> } | null {
  const hd = () => ({ beta: num(c, 'hypergrad_lr') });
  // The SGD-family classes take any momentum/nesterov; the registry name only fixes defaults, and the
  // reference's arguments are set explicitly below, so SGD-HD with momentum is exactly SGDHD(momentum).
  switch (cls) {
    case 'torch.optim.SGD':
      return { name: 'SGD', hp: sgdArgs(c) };
    case 'torch.optim.Adam':
      return bool(c, 'amsgrad') ? null : { name: 'Adam', hp: adamArgs(c) };
    case 'torch.optim.Adagrad':
      return { name: 'Adagrad', hp: { eps: num(c, 'eps'), lrDecay: num(c, 'lr_decay'), initialAccumulator: num(c, 'initial_accumulator_value') } };
    case 'torch.optim.Adadelta':
      return { name: 'Adadelta', hp: { rho: num(c, 'rho'), eps: num(c, 'eps') } };
    case 'torch.optim.Adamax':
      return { name: 'Adamax', hp: adamArgs(c) };
    case 'torch.optim.RMSprop':
      return { name: 'RMSProp', hp: { rmsAlpha: num(c, 'alpha'), eps: num(c, 'eps'), momentum: num(c, 'momentum'), centered: bool(c, 'centered') } };
    case 'SGDHD':
    case 'SGD_HD':
      return { name: 'SGD-HD', hp: { ...sgdArgs(c), ...hd() } };
    case 'AdamHD':
    case 'Adam_HD':
      return { name: 'Adam-HD', hp: { ...adamArgs(c), ...hd() } };
    case 'op_Sgd_lop_Sgdn':
      return { name: 'SGDop-SGDNlop', hp: { ...sgdArgs(c), ...lrMomentumArgs(c), ...hd() } };
    case 'op_Sgd_lop_Adam':
      return { name: 'SGDop-Adamlop', hp: { ...sgdArgs(c), ...lrAdamArgs(c), ...hd() } };
    case 'op_Adam_lop_Sgdn':
      return { name: 'Adamop-SGDNlop', hp: { ...adamArgs(c), ...lrMomentumArgs(c), ...hd() } };
    case 'op_Adam_lop_Adam':
      return { name: 'Adamop-Adamlop', hp: { ...adamArgs(c), ...lrAdamArgs(c), ...hd() } };
    case 'esgd.ESGD': {
      const [beta1, beta2] = pair(c, 'betas');
      return { name: 'ESGD-M', hp: { beta1, beta2, eps: num(c, 'eps'), lrWarmup: num(c, 'lr_warmup'), updateDEvery: num(c, 'update_d_every'), dWarmup: num(c, 'd_warmup') } };
    }
    case 'torch.optim.LBFGS': {
      const ls = c.line_search_fn ?? null;
      if (ls !== null && ls !== 'strong_wolfe') throw new Error(`config field "line_search_fn" must be null or "strong_wolfe", got ${JSON.stringify(ls)}`);
      const maxEval = c.max_eval ?? null;
      return { name: 'L-BFGS', hp: { maxIter: num(c, 'max_iter'), maxEval: maxEval === null ? null : num(c, 'max_eval'), toleranceGrad: num(c, 'tolerance_grad'),
        toleranceChange: num(c, 'tolerance_change'), historySize: num(c, 'history_size'), strongWolfe: ls === 'strong_wolfe' } };
    }
    default:
      return null;
  }
}

/** The optimizer and hyperparameters a reference run maps to, or null for an unknown class. */
export function fromReference(cls: string, c: ReferenceConfig): { optimizer: Optimizer; hp: Hyper } | null {
  const r = resolve(cls, c);
  if (!r) return null;
  // Reference runs set every argument explicitly: start from the library defaults, not the page's.
  // torch.optim.LBFGS has no weight decay argument.
  const weightDecay = cls === 'torch.optim.LBFGS' ? 0 : num(c, 'weight_decay');
  const hp: Hyper = { ...HYPER_DEFAULTS, legacyAdamEps: true, ...r.hp, alpha0: num(c, 'lr'), weightDecay };
  return { optimizer: buildOptimizer(r.name), hp };
}
