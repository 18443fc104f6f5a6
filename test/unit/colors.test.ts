// Series colours must read on both themes' chart backgrounds: WCAG contrast ≥ 3:1 (the level for
// graphical objects), checked for every optimizer in the catalog.
import { describe, expect, it } from 'vitest';
import { OPTIMIZERS, OPTIMIZER_NAMES } from '../../src/optim/catalog';
import { optimizerStyle } from '../../src/ui/colors';

/** WCAG 2 relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/** Hue in degrees (0–360) of #rrggbb, and its chroma (max − min channel, 0–1). */
function hue(hex: string): { h: number; chroma: number } {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b), min = Math.min(r, g, b), d = max - min;
  if (d === 0) return { h: 0, chroma: 0 };
  const h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { h: h * 60, chroma: d };
}

function hueDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d);
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
  it('the second-order optimizers are solid, in hues of their own (at least 20° from every other family) on both themes', () => {
    const second = OPTIMIZERS.filter((o) => o.group === 'second-order');
    expect(second.map((o) => o.name)).toEqual(['ESGD-M', 'L-BFGS']);
    for (const theme of ['light', 'dark'] as const) {
      const others = OPTIMIZERS.filter((o) => o.group === 'classic' && !second.some((s) => s.family === o.family));
      for (const o of second) {
        const style = optimizerStyle(o.name, theme);
        expect(style.dash).toBeUndefined();
        const mine = hue(style.color);
        expect(mine.chroma).toBeGreaterThan(0.3);
        for (const other of [...others, ...second.filter((s) => s !== o)]) {
          const theirs = hue(optimizerStyle(other.name, theme).color);
          if (theirs.chroma < 0.1) continue; // grey (RMSProp) has no hue to clash with
          expect(hueDistance(mine.h, theirs.h), `${o.name} vs ${other.name} (${theme})`).toBeGreaterThanOrEqual(20);
        }
      }
    }
  });
  it('classic and HD optimizers keep their styles (SGD solid, SGD-HD dashed)', () => {
    expect(optimizerStyle('SGD').dash).toBeUndefined();
    expect(optimizerStyle('SGD-HD').dash).toBe('7 4');
    expect(optimizerStyle('SGDop-SGDNlop').dash).toBe('2 3');
  });
});
