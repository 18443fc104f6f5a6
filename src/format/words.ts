// Small text helpers for sentences the page builds from parts.

/** The first letter upper-cased: "more than 12 runs" → "More than 12 runs". */
export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
