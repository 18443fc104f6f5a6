// The page's CSV downloads read back for assertions (no quoted fields in these tests' files).
export type CsvRow = Record<string, string>;

export function parseCsv(text: string): { header: string[]; rows: CsvRow[] } {
  const lines = text.trim().split('\n');
  const header = lines[0].split(',');
  return { header, rows: lines.slice(1).map((l): CsvRow => Object.fromEntries(l.split(',').map((v, i) => [header[i], v]))) };
}
