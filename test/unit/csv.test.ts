import { describe, expect, it } from 'vitest';
import { csvLine, escapeField, formatNumber, formatPythonFloat, joinLines, neutraliseFormula, restoreFormula, safeFilePart } from '../../src/export/csv';

describe('escapeField (RFC 4180)', () => {
  it('leaves plain fields alone', () => {
    expect(escapeField('SGD-HD')).toBe('SGD-HD');
    expect(escapeField('')).toBe('');
    expect(escapeField('a b;c')).toBe('a b;c');
  });
  it('quotes fields with comma, quote, CR or LF and doubles inner quotes', () => {
    expect(escapeField('a,b')).toBe('"a,b"');
    expect(escapeField('say "hi"')).toBe('"say ""hi"""');
    expect(escapeField('line1\nline2')).toBe('"line1\nline2"');
    expect(escapeField('cr\r')).toBe('"cr\r"');
  });
});

describe('escapeField: CSV (formula) injection, OWASP', () => {
  it("prefixes ' to text that starts with =, +, -, @, tab or CR", () => {
    expect(escapeField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(escapeField('+1+1')).toBe("'+1+1");
    expect(escapeField('-cmd')).toBe("'-cmd");
    expect(escapeField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(escapeField('\t=1')).toBe("'\t=1");
    expect(escapeField('\r=1')).toBe('"\'\r=1"');
    expect(escapeField('-1+2')).toBe("'-1+2");
  });
  it('leaves numbers and other text alone', () => {
    for (const n of ['-0.5', '-1e-3', '+1', '-inf', 'inf', 'nan', '-12', '1e+21', '-.5', 'SGD-HD', 'a=b', '', "it's"]) expect(escapeField(n)).toBe(n);
  });
  it("escapes a leading ' before such a character too, so that the import can undo it exactly", () => {
    expect(neutraliseFormula("'=x")).toBe("''=x");
    expect(neutraliseFormula("''")).toBe("'''");
    expect(neutraliseFormula("'a")).toBe("'a");
    for (const s of ['=x', "'=x", "''=x", "''", "'", "'a", '-cmd', '-0.5', '\t', '\r\n', "'-1", 'plain']) {
      expect(restoreFormula(neutraliseFormula(s))).toBe(s);
    }
  });
  it('writes the hand-expected line for a sweep row', () => {
    expect(csvLine(['=cmd|"/C calc"!A0', '-0.5', '-1e-3', 'done'])).toBe('"\'=cmd|""/C calc""!A0",-0.5,-1e-3,done');
  });
});

describe('formatNumber', () => {
  it('writes the shortest round-trip string for finite numbers', () => {
    expect(formatNumber(0.001)).toBe('0.001');
    expect(formatNumber(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatNumber(128)).toBe('128');
    expect(formatNumber(1e-7)).toBe('1e-7');
    for (const x of [Math.PI, 1 / 3, 2.302585092994046, 5e-324, 1.7976931348623157e308]) {
      expect(Number(formatNumber(x))).toBe(x);
    }
  });
  it('writes non-finite numbers as Python/pandas do', () => {
    expect(formatNumber(NaN)).toBe('nan');
    expect(formatNumber(Infinity)).toBe('inf');
    expect(formatNumber(-Infinity)).toBe('-inf');
  });
});

describe('formatPythonFloat', () => {
  // Expected strings are Python 3's repr() of the same float64 (checked with python3 -c 'print(repr(x))').
  const cases: [number, string][] = [
    [0.001, '0.001'], [1e-6, '1e-06'], [1e-5, '1e-05'], [0.0001, '0.0001'], [2, '2.0'], [0, '0.0'],
    [-0, '-0.0'], [1e16, '1e+16'], [1e15, '1000000000000000.0'], [9999999999999998, '9999999999999998.0'],
    [123.456, '123.456'], [1.5e-7, '1.5e-07'], [-1e-7, '-1e-07'], [0.1 + 0.2, '0.30000000000000004'],
    [1e22, '1e+22'], [1e100, '1e+100'], [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'], [12345678.9, '12345678.9'], [2.302585092994046, '2.302585092994046'],
    [1 / 3, '0.3333333333333333'], [-0.0625, '-0.0625'],
    [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
  ];
  it.each(cases)('%s -> %s', (x, s) => {
    expect(formatPythonFloat(x)).toBe(s);
  });
  it('round-trips', () => {
    for (let i = 0; i < 2000; i++) {
      const x = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 40 - 20);
      expect(Number(formatPythonFloat(x))).toBe(x);
    }
  });
});

describe('lines', () => {
  it('escapes each field and joins rows with \\n plus a trailing newline', () => {
    expect(csvLine(['a', 'b,c', '1'])).toBe('a,"b,c",1');
    expect(joinLines(['h1,h2', '1,2'])).toBe('h1,h2\n1,2\n');
    expect(joinLines([])).toBe('');
  });
  it('safeFilePart replaces characters that are unsafe in file names', () => {
    expect(safeFilePart('SGDop-SGDNlop')).toBe('SGDop-SGDNlop');
    expect(safeFilePart('a/b\\c:d e')).toBe('a_b_c_d_e');
    expect(safeFilePart('..')).toBe('_'); // no '..' or hidden files
    expect(safeFilePart('.x')).toBe('_x');
    expect(safeFilePart('')).toBe('_');
  });
});
