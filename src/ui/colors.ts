// A run's colour comes from its optimizer's family, so each hypergradient variant is read against
// its baseline: the plain optimizer is drawn solid in the family's hue, its HD variants in a darker
// shade of the same hue, dashed.
import { optimizerInfo, type Family, type OptimizerInfo } from '../optim/catalog';

export interface LineStyle {
  color: string;
  /** SVG stroke-dasharray, undefined for solid. */
  dash?: string;
}

/** Per family: [plain, hypergradient variants...] shades (lightness decreasing). */
const FAMILY_SHADES: Record<Family, readonly string[]> = {
  sgd: ['#4a90d9', '#1a4f8f', '#0d3566', '#2c6db3'], // blue
  sgdn: ['#e0892b', '#9a4f07', '#6e3700', '#c06a12'], // orange
  adam: ['#3fa55b', '#1c6b33', '#0d4a20', '#2d8a47'], // green
};

const FALLBACK = ['#8e6cc7', '#5b3a94', '#c2477a', '#7a7a7a'];

/** Dash patterns for HD variants of one family (the first is the HD optimizer itself). */
const DASHES = ['7 4', '2 3', '10 3 2 3'];

function infoOrNull(name: string): OptimizerInfo | null {
  try {
    return optimizerInfo(name);
  } catch {
    return null;
  }
}

/**
 * Style for an optimizer. `variantIndex` separates several hypergradient variants of the same
 * family (0 = the first, e.g. SGD-HD; later issues add SGDop-SGDNlop and friends).
 */
export function optimizerStyle(name: string, variantIndex = 0): LineStyle {
  const info = infoOrNull(name);
  if (!info) {
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return { color: FALLBACK[h % FALLBACK.length] };
  }
  const shades = FAMILY_SHADES[info.family];
  if (info.group === 'classic') return { color: shades[0] };
  const v = Math.max(0, variantIndex);
  return { color: shades[1 + (v % (shades.length - 1))], dash: DASHES[v % DASHES.length] };
}
