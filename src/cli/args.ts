// The command line of every npm script (train, sweep, trace, bench, data, prepare-data, bench:page):
// one description of a command's flags gives both the parser (node:util parseArgs) and the --help text,
// so the two cannot disagree. Only node:util is imported: a command parses its arguments and answers
// --help before it imports anything heavy (tfjs, vite, playwright).
//
// Manners, the same for every command:
//   --help / -h anywhere → the usage on stdout, exit 0, nothing else done;
//   an unknown flag, a flag without its value, a value given to a switch or a stray argument →
//   ONE line on stderr naming it and pointing to --help, exit code 2.
import { parseArgs } from 'node:util';

export interface Flag {
  type: 'string' | 'boolean';
  /** Returned when the flag is absent, and shown in the usage. */
  default?: string;
  /** What the usage says the default is when there is no plain `default` (e.g. "the number of cores"). */
  defaultText?: string;
  /** The value's placeholder in the usage: N, DIR, FILE… (string flags; default "VALUE"). */
  arg?: string;
  help: string;
}

export interface Command {
  /** The npm script: `npm run NAME -- …`; also the prefix of every message. */
  name: string;
  /** What it does, a sentence or two (the usage wraps nothing: keep lines short). */
  summary: string;
  /** The synopsis after `npm run NAME --`, e.g. "PRESET --out DIR [options]". */
  synopsis: string;
  /** Positional arguments the command takes (their count is checked by the command); none when absent. */
  positionals?: { name: string; help: string }[];
  flags: Record<string, Flag>;
  examples: string[];
  /** Extra paragraphs after the flags (exit codes, environment variables, lists). */
  notes?: string[];
}

/** A bad command line: exit code 2, one line on stderr (see usageErrorLine). */
export class UsageError extends Error {}

export interface Parsed {
  /** Every flag by name: string flags a string or undefined, switches true or false. */
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** A value that starts with "-" but is a number (`--lr-min -1`), not a forgotten value before the next flag. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * Parses `argv` against the command's flags. Returns 'help' when --help or -h appears anywhere (even next to
 * mistakes); throws UsageError for an unknown flag, a string flag without a value, a switch with a value,
 * or a positional argument where the command takes none.
 */
export function parseCommandLine(cmd: Command, argv: readonly string[]): Parsed | 'help' {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, f] of Object.entries(cmd.flags)) options[name] = { type: f.type };
  // strict: false and the tokens: the messages below are ours (one line, naming the flag), not parseArgs'.
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  let problem: string | null = null;
  let help = false;
  const values: Parsed['values'] = {};
  for (const [name, f] of Object.entries(cmd.flags)) values[name] = f.type === 'boolean' ? f.default === 'true' : f.default;
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      if (!cmd.positionals?.length) problem ??= `unexpected argument "${t.value}"`;
      positionals.push(t.value);
      continue;
    }
    if (t.name === 'help') {
      help = true;
      continue;
    }
    const f = cmd.flags[t.name];
    if (!f || t.rawName.length === 2) {
      // Short flags other than -h are not defined: "-o" is unknown even where --o… exists.
      problem ??= `unknown option ${t.rawName}`;
    } else if (f.type === 'boolean') {
      if (t.value !== undefined) problem ??= `${t.rawName} takes no value (got "${t.value}")`;
      else values[t.name] = true;
    } else if (t.value === undefined) {
      problem ??= `${t.rawName} needs a value${f.arg ? ` ${f.arg}` : ''}`;
    } else if (!t.inlineValue && t.value.startsWith('-') && !NEGATIVE_NUMBER.test(t.value)) {
      problem ??= `${t.rawName} needs a value${f.arg ? ` ${f.arg}` : ''} but is followed by ${t.value} (write ${t.rawName}=${t.value} if that is the value)`;
    } else {
      values[t.name] = t.value;
    }
  }
  if (help) return 'help';
  if (problem) throw new UsageError(problem);
  return { values, positionals };
}

/** The one stderr line for a usage error. */
export function usageErrorLine(cmd: Pick<Command, 'name'>, message: string): string {
  return `${cmd.name}: ${message}; see npm run ${cmd.name} -- --help`;
}

/** The --help text: what it does, the synopsis, every flag with its default, the examples. */
export function usageText(cmd: Command): string {
  const rows: [string, string][] = [];
  for (const p of cmd.positionals ?? []) rows.push([p.name, p.help]);
  for (const [name, f] of Object.entries(cmd.flags)) {
    const left = f.type === 'boolean' ? `--${name}` : `--${name} ${f.arg ?? 'VALUE'}`;
    const def = f.defaultText ?? (f.type === 'boolean' ? (f.default === 'true' ? 'on' : 'off') : f.default);
    rows.push([left, def !== undefined ? `${f.help} (default: ${def})` : f.help]);
  }
  rows.push(['-h, --help', 'print this help and exit']);
  const width = Math.min(28, Math.max(...rows.map(([l]) => l.length)) + 2);
  const table = rows.map(([l, r]) => (l.length + 2 > width ? `  ${l}\n  ${' '.repeat(width)}${r}` : `  ${l.padEnd(width)}${r}`));
  return [
    `usage: npm run ${cmd.name} -- ${cmd.synopsis}`,
    '',
    cmd.summary,
    '',
    cmd.positionals?.length ? 'arguments and options:' : 'options:',
    ...table,
    ...(cmd.notes ?? []).flatMap((n) => ['', n]),
    '',
    cmd.examples.length > 1 ? 'examples:' : 'example:',
    ...cmd.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

/**
 * The start of every command: parses, prints the usage for --help (returns null: exit 0) or the one-line
 * error (returns null with exitCode 2 set), else returns the parsed line for the command to check further.
 */
export function startCommand(cmd: Command, argv: readonly string[]): Parsed | null {
  let parsed: Parsed | 'help';
  try {
    parsed = parseCommandLine(cmd, argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${usageErrorLine(cmd, e.message)}\n`);
    process.exitCode = 2;
    return null;
  }
  if (parsed === 'help') {
    process.stdout.write(usageText(cmd));
    process.exitCode = 0;
    return null;
  }
  return parsed;
}

/** `items` joined by ", " and broken into lines of at most `width` characters, each after `indent`. */
export function wrapList(items: readonly string[], indent = '  ', width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (line && indent.length + next.length > width) {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

/** Value of a string flag (undefined when absent and without a default). */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}
