// Flag values shared by the command lines (train, controller): numbers with a range check and width
// multipliers, each refused with a UsageError naming the flag (exit code 2). No tfjs.
import { WIDTHS } from '../models/catalog';
import { UsageError } from './args';

/** The number a flag holds; `check` returns why it is out of range, or null. */
export function num(flag: string, text: string, check?: (v: number) => string | null): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${flag}: "${text}" is not a number`);
  const problem = check?.(v);
  if (problem) throw new UsageError(`--${flag}: ${problem} (got ${text})`);
  return v;
}
export const positiveInt = (v: number): string | null => (Number.isInteger(v) && v >= 1 ? null : 'must be a whole number ≥ 1');
export const nonNegativeInt = (v: number): string | null => (Number.isInteger(v) && v >= 0 ? null : 'must be a whole number ≥ 0');

/** A width multiplier as a number (0.125) or a fraction (1/8), one of WIDTHS. */
export function parseWidth(text: string): number {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const v = m ? Number(m[1]) / Number(m[2]) : Number(text);
  if (!WIDTHS.includes(v)) throw new UsageError(`--width: "${text}" is not one of ${WIDTHS.join(', ')}`);
  return v;
}
