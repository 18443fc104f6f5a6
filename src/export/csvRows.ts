// The RFC 4180 row reader behind Import CSV (importCsv.ts), and the one error type the import throws.
// Pure: no DOM, no tfjs.
import { restoreFormula } from './csv';

/**
 * A value of the file inside a message: JSON-quoted (line breaks, quotes and control characters
 * escaped, so the message stays one line) and cut to 60 characters (a cell can be megabytes).
 */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

/** Longest `problem` kept in a message (a library's message may quote a whole cell). */
const MAX_PROBLEM = 500;

export class CsvImportError extends Error {
  /** 1-based line of the file (where the row starts). */
  readonly line: number;
  /** Header name of the column at fault, when one is. */
  readonly column: string | null;
  /** The message without its "line N, column …:" prefix. */
  readonly problem: string;

  constructor(line: number, column: string | null, problem: string) {
    if (problem.length > MAX_PROBLEM) problem = `${problem.slice(0, MAX_PROBLEM - 3)}...`;
    super(`line ${line}${column === null ? '' : `, column ${quote(column)}`}: ${problem}`);
    this.name = 'CsvImportError';
    this.line = line;
    this.column = column;
    this.problem = problem;
  }
}

/**
 * Calls onRow(fields, line) for every non-blank row; `line` is the 1-based line it starts on.
 * Quoted fields may hold commas, doubled quotes and line breaks; rows end with LF, CRLF or CR. A field
 * that csv.ts neutralised against formula injection ("'" before =, +, -, @, tab, CR or "'") is read
 * back without that "'".
 */
export function forEachRow(text: string, onRow: (fields: string[], line: number) => void, columnName: (i: number) => string | null): void {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM (spreadsheets add one)
  let line = 1;
  while (i < n) {
    const rowLine = line;
    // Fast path (every row the writer emits without quoting): a line without '"' or a lone CR.
    if (text.charCodeAt(i) !== 34) {
      let end = text.indexOf('\n', i);
      if (end < 0) end = n;
      const stop = end > i && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      const row = text.slice(i, stop);
      if (row.indexOf('"') < 0 && row.indexOf('\r') < 0) {
        if (row !== '') {
          const fields = row.split(',');
          // Fields the writer neutralised against formula injection (csv.ts) get their text back.
          if (row.indexOf("'") >= 0) for (let k = 0; k < fields.length; k++) fields[k] = restoreFormula(fields[k]);
          onRow(fields, rowLine);
        }
        i = end + 1;
        line++;
        continue;
      }
    }
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === 34 /* " */) {
        const openLine = line;
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) throw new CsvImportError(openLine, columnName(fields.length), 'a quoted field is never closed');
          value += text.slice(j, q);
          if (text.charCodeAt(q + 1) === 34) {
            value += '"';
            j = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        for (let k = 0; k < value.length; k++) {
          const c = value.charCodeAt(k);
          if (c === 10 || (c === 13 && value.charCodeAt(k + 1) !== 10)) line++;
        }
        fields.push(restoreFormula(value));
        const c = text.charCodeAt(i);
        if (i < n && c !== 44 && c !== 10 && c !== 13) {
          throw new CsvImportError(line, columnName(fields.length - 1), 'unexpected text after a closing quote');
        }
      } else {
        let j = i;
        for (; j < n; j++) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
          if (c === 34) throw new CsvImportError(line, columnName(fields.length), 'a quote inside an unquoted field');
        }
        fields.push(restoreFormula(text.slice(i, j)));
        i = j;
      }
      if (i >= n) break;
      const c = text.charCodeAt(i);
      i++;
      if (c === 44) continue; // ',' → next field
      if (c === 13 && text.charCodeAt(i) === 10) i++; // CRLF
      line++;
      break;
    }
    if (fields.length > 1 || fields[0] !== '') onRow(fields, rowLine); // blank lines are skipped
  }
}
