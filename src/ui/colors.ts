// A run's colour comes from its optimizer's family, so each hypergradient variant is read against
// its baseline: the plain optimizer is drawn solid in the family's hue, its HD optimizer and the
// variants on the same model optimizer in darker shades of the same hue, each with its own dash.
// On the dark theme the shades run the other way (lighter for the HD ones), so every line keeps a
// contrast of at least 3:1 against its background.
import { OPTIMIZERS, optimizerInfo, type Family, type OptimizerInfo } from '../optim/catalog';

export interface LineStyle {
  color: string;
  /** SVG stroke-dasharray, undefined for solid. */
  dash?: string;
}

/** Per family: [plain, hypergradient variants...] shades (lightness decreasing). */
const FAMILY_SHADES: Record<Family, readonly string[]> = {
  sgd: ['#4a90d9', '#1a4f8f', '#0d3566', '#2c6db3'], // blue
  sgdn: ['#c8741a', '#9a4f07', '#6e3700', '#c06a12'], // orange
  adam: ['#3fa55b', '#1c6b33', '#0d4a20', '#2d8a47'], // green
  sgdm: ['#17a2b8', '#0b6574', '#06434d'], // teal
  adagrad: ['#c2477a'], // the classic-only families: one hue each
  adadelta: ['#8e6cc7'],
  adamax: ['#b8860b'],
  rmsprop: ['#7a7a7a'],
  esgd: ['#d33a2f'], // the second-order families: one hue each, away from the others (red, olive)
  lbfgs: ['#6b8e23'],
  lrfree: ['#a0522d', '#6e3512', '#c06a32', '#8a4a1c', '#5a2a0e', '#b0602a', '#7c4420'], // brown: one shade per optimizer
  stack: ['#5e35b1'], // indigo
};

/** The same hues for the dark theme's background (#161a22): plain mid-light, HD lighter still. */
const FAMILY_SHADES_DARK: Record<Family, readonly string[]> = {
  sgd: ['#4f93e0', '#8fc1f7', '#c4defb', '#6aaaf0'],
  sgdn: ['#e58a2e', '#f6b872', '#fbd9ad', '#f0a050'],
  adam: ['#43ae60', '#86d79b', '#bfeccb', '#64c27d'],
  sgdm: ['#1fb2c9', '#7fd8e6', '#b9ecf4'],
  adagrad: ['#e06b9c'],
  adadelta: ['#a98ae0'],
  adamax: ['#d9a520'],
  rmsprop: ['#a6a6a6'],
  esgd: ['#f0645a'],
  lbfgs: ['#9cc43f'],
  lrfree: ['#d9935f', '#f2c39c', '#e8aa78', '#f8d8bd', '#cf8450', '#edb98c', '#fbe2cc'],
  stack: ['#a08ae8'],
};

const FALLBACK = ['#8e6cc7', '#5b3a94', '#c2477a', '#7a7a7a'];
const FALLBACK_DARK = ['#a98ae0', '#c9b5f0', '#e06b9c', '#a6a6a6'];

/** Dash patterns for HD variants of one family (the first is the HD optimizer itself). */
const DASHES = ['7 4', '2 3', '10 3 2 3'];
const LR_FREE_DASHES = ['7 4', '2 3', '10 3 2 3', '4 2', '12 4', '1 2'];

function infoOrNull(name: string): OptimizerInfo | null {
  try {
    return optimizerInfo(name);
  } catch {
    return null;
  }
}

/** Position among the family's hypergradient optimizers in catalog order (0 = the HD optimizer). */
function variantIndexOf(info: OptimizerInfo): number {
  return OPTIMIZERS.filter((o) => o.family === info.family && (o.group === 'hypergradient' || o.group === 'variant')).indexOf(info);
}

/** Style for an optimizer: fixed per name (and theme), so the same optimizer looks the same everywhere. */
export function optimizerStyle(name: string, theme: 'light' | 'dark' = 'light'): LineStyle {
  const info = infoOrNull(name);
  if (!info) {
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    const fallback = theme === 'dark' ? FALLBACK_DARK : FALLBACK;
    return { color: fallback[h % fallback.length] };
  }
  const shades = (theme === 'dark' ? FAMILY_SHADES_DARK : FAMILY_SHADES)[info.family];
  // Classic and second-order optimizers are their family's plain line (solid); only HD ones are dashed.
  if (info.group === 'classic' || info.group === 'second-order' || info.group === 'stacked') return { color: shades[0] };
  // Learning-rate-free optimizers share one hue: a shade and a dash each, in catalog order.
  if (info.group === 'lr-free') {
    const k = OPTIMIZERS.filter((o) => o.group === 'lr-free').indexOf(info);
    return { color: shades[k % shades.length], ...(k === 0 ? {} : { dash: LR_FREE_DASHES[(k - 1) % LR_FREE_DASHES.length] }) };
  }
  const v = Math.max(0, variantIndexOf(info));
  return { color: shades[1 + (v % Math.max(1, shades.length - 1))] ?? shades[0], dash: DASHES[v % DASHES.length] };
}
