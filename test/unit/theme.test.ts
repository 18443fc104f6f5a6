import { describe, expect, it } from 'vitest';
import { isThemeChoice, resolveTheme } from '../../src/ui/chart/theme';
import { chartFileName } from '../../src/ui/chart/exportImage';

describe('theme choice', () => {
  it('System follows the operating system; Light and Dark do not', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
  it('only the three choices are accepted from storage', () => {
    expect(['system', 'light', 'dark'].every(isThemeChoice)).toBe(true);
    expect(isThemeChoice('Dark')).toBe(false);
    expect(isThemeChoice(null)).toBe(false);
  });
});

describe('chart image file names say what the chart shows', () => {
  it('chart, x axis, smoothing and zoom', () => {
    expect(chartFileName('Loss', 'epoch', { smoothing: 0.6, zoomed: false, ext: 'png' })).toBe('loss-vs-epoch-smoothing-0.6.png');
    expect(chartFileName('Learning rate', 'iteration', { smoothing: 0, zoomed: true, ext: 'svg' })).toBe('learning-rate-vs-iteration-zoomed.svg');
    expect(chartFileName('Loss', 'gradEvals', { smoothing: 0, zoomed: false, ext: 'png' })).toBe('loss-vs-grad-evals.png');
  });
});
