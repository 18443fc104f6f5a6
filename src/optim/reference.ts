// Maps a reference class and its constructor arguments (golden files: `class`, `config_with_defaults`)
// onto this project's compositions. Used by the golden tests and the trace tool.
import { adamDirection, sgdDirection } from './directions';
import { fixedLr, hypergradient } from './compose';
import { adamLr, momentumLr, sgdLr } from './lrRules';
import type { Optimizer } from './types';

export type ReferenceConfig = Record<string, number | boolean | number[]>;

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

function sgdDir(c: ReferenceConfig) {
  return sgdDirection({ momentum: num(c, 'momentum'), dampening: num(c, 'dampening'), nesterov: bool(c, 'nesterov') });
}
function adamDir(c: ReferenceConfig, epsPlacement: 'torch' | 'legacy') {
  const [beta1, beta2] = pair(c, 'betas');
  return adamDirection({ beta1, beta2, eps: num(c, 'eps'), epsPlacement });
}
function momentumRule(c: ReferenceConfig) {
  return momentumLr({ beta: num(c, 'hypergrad_lr'), momentum: num(c, 'momentum_h'), dampening: num(c, 'dampening_h'), nesterov: bool(c, 'nesterov_h') });
}
function adamRule(c: ReferenceConfig) {
  const [beta1, beta2] = pair(c, 'lr_betas');
  return adamLr({ beta: num(c, 'hypergrad_lr'), beta1, beta2, eps: num(c, 'lr_eps'), referenceBiasCorrection: true });
}

/** Returns null for a class this project does not implement (the caller reports it by id). */
export function fromReference(cls: string, c: ReferenceConfig): Optimizer | null {
  const base = { alpha0: num(c, 'lr'), weightDecay: num(c, 'weight_decay') };
  const fixed = { lr: base.alpha0, weightDecay: base.weightDecay };
  switch (cls) {
    case 'torch.optim.SGD':
      return fixedLr('SGD', sgdDir(c), fixed);
    case 'torch.optim.Adam':
      if (bool(c, 'amsgrad')) return null;
      return fixedLr('Adam', adamDir(c, 'torch'), fixed);
    case 'SGDHD':
    case 'SGD_HD':
      return hypergradient(cls, sgdDir(c), sgdLr(num(c, 'hypergrad_lr')), { ...base, mode: 'global' });
    case 'AdamHD':
    case 'Adam_HD':
      return hypergradient(cls, adamDir(c, 'legacy'), sgdLr(num(c, 'hypergrad_lr')), { ...base, mode: 'per-tensor' });
    case 'op_Sgd_lop_Sgdn':
      return hypergradient(cls, sgdDir(c), momentumRule(c), { ...base, mode: 'global' });
    case 'op_Sgd_lop_Adam':
      return hypergradient(cls, sgdDir(c), adamRule(c), { ...base, mode: 'global' });
    case 'op_Adam_lop_Sgdn':
      return hypergradient(cls, adamDir(c, 'legacy'), momentumRule(c), { ...base, mode: 'per-tensor' });
    case 'op_Adam_lop_Adam':
      return hypergradient(cls, adamDir(c, 'legacy'), adamRule(c), { ...base, mode: 'per-tensor' });
    default:
      return null;
  }
}
