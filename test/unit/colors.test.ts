// Series colours must read on both themes' chart backgrounds: WCAG contrast ≥ 3:1 (the level for
// graphical objects), checked for every optimizer in the catalog.
import { describe, expect, it } from 'vitest';
import { OPTIMIZER_NAMES } from '../../src/optim/catalog';
import { optimizerStyle } from '../../src/ui/colors';

/** WCAG 2 relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('series colours on both themes', () => {
  it('the contrast formula: black on white is 21:1', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 10);
  });
  // Panel backgrounds from styles.css: light --panel #ffffff, dark --panel #161a22.
  for (const [theme, bg] of [['light', '#ffffff'], ['dark', '#161a22']] as const) {
    it(`every optimizer has at least 3:1 on the ${theme} panel`, () => {
      const low = OPTIMIZER_NAMES.map((n) => ({ n, c: optimizerStyle(n, theme).color })).filter(({ c }) => contrast(c, bg) < 3);
      expect(low.map(({ n, c }) => `${n} ${c} ${contrast(c, bg).toFixed(2)}`)).toEqual([]);
    });
  }
  it('the same optimizer keeps its dash on both themes (only the shade changes)', () => {
    for (const n of OPTIMIZER_NAMES) expect(optimizerStyle(n, 'dark').dash).toBe(optimizerStyle(n, 'light').dash);
  });
});
