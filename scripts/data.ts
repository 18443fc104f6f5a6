// Datasets that no package ships, turned into the page's hosted shards:
//   npm run data -- --cifar10 PATH/cifar-10-binary.tar.gz [--out DIR]
// reads the official CIFAR-10 binary archive, checks it (gzip, tar, the six batch files, 3,073-byte
// records, labels), reorders the images channels last, and writes gzipped IDX shards + manifest.json
// to public/data/cifar10/ (gitignored; DIR with --out). The page and `npm run train -- --dataset
// cifar10` then load it like MNIST. Progress on stderr, the summary on stdout; a bad file gets one
// line on stderr and exit code 1, a bad command line one line and exit code 2; --help prints the usage.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCommand, str, usageErrorLine, UsageError, type Command, type Parsed } from '../src/cli/args';
import { decodeCifarArchive } from '../src/data/cifar';
import { cifar10Spec, shardSummary, upToDateManifest, writeShards } from './shards';

export const DATA: Command = {
  name: 'data',
  summary:
    'Turns a dataset that no package ships into the shards the page and `npm run train` load: reads the official\n' +
    'CIFAR-10 binary archive, checks it (gzip, tar, the six batch files, 3,073-byte records, labels), reorders the\n' +
    'images channels last and writes gzipped IDX shards + manifest.json. Shards already made from the same archive\n' +
    'are kept. Exit codes: 0 written or up to date, 1 a bad or missing file, 2 bad arguments.',
  synopsis: '--cifar10 PATH/cifar-10-binary.tar.gz [options]',
  flags: {
    cifar10: { type: 'string', arg: 'PATH', defaultText: 'none, required', help: 'cifar-10-binary.tar.gz (or the .tar)' },
    out: { type: 'string', arg: 'DIR', defaultText: 'public/data/cifar10', help: 'folder for the shards and manifest.json' },
    force: { type: 'boolean', help: 'rewrite the shards even when they are up to date' },
  },
  examples: ['npm run data -- --cifar10 ~/Downloads/cifar-10-binary.tar.gz'],
};

interface Args {
  cifar10: string;
  out: string;
  force: boolean;
}

function parseDataArgs(p: Parsed, root: string): Args {
  const cifar10 = str(p, 'cifar10');
  if (cifar10 === undefined) throw new UsageError('say which dataset: --cifar10 PATH');
  const out = str(p, 'out');
  return { cifar10: resolve(cifar10), out: resolve(out ?? join(root, 'public/data/cifar10')), force: p.values.force === true };
}

/** "12.3 MB" */
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

async function main(): Promise<number> {
  const root = resolve(fileURLToPath(import.meta.url), '../..');
  const parsed = startCommand(DATA, process.argv.slice(2));
  if (parsed === null) return Number(process.exitCode ?? 0);
  let args: Args;
  try {
    args = parseDataArgs(parsed, root);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(usageErrorLine(DATA, e.message));
    return 2;
  }
  const path = args.cifar10;
  if (!existsSync(path)) throw new Error(`${path}: no such file`);
  if (statSync(path).isDirectory()) throw new Error(`${path}: is a folder; give the file cifar-10-binary.tar.gz itself`);
  const shown = relative(process.cwd(), args.out) || '.';

  const t0 = performance.now();
  const bytes = new Uint8Array(readFileSync(path));
  const sha = createHash('sha256').update(bytes).digest('hex');
  const source = `${basename(path)} (${bytes.length} bytes, sha256 ${sha.slice(0, 16)})`;
  if (!args.force && upToDateManifest(args.out, source)) {
    console.log(`CIFAR-10 shards up to date (${shown}, from ${source}); --force rewrites them`);
    return 0;
  }

  const tty = process.stderr.isTTY;
  let lastPct = -1;
  const data = await decodeCifarArchive(bytes, path, (phase, done, total) => {
    const pct = Math.floor((phase === 'gunzip' ? (90 * done) / total : 90 + (10 * done) / total));
    if (pct === lastPct || (!tty && pct % 10 !== 0)) return;
    lastPct = pct;
    const line = `CIFAR-10: decoding ${basename(path)} ${String(pct).padStart(3)}% (${phase === 'gunzip' ? `${mb(done)} of ${mb(total)} read` : `batch ${done} of ${total}`})`;
    if (tty) process.stderr.write(`\r${line}`);
    else console.error(line);
  });
  if (tty) process.stderr.write('\n');
  const decoded = (performance.now() - t0) / 1000;
  console.error(`CIFAR-10: decoded ${data.trainLabels.length} training and ${data.testLabels.length} test images in ${decoded.toFixed(1)}s; writing shards…`);

  const m = await writeShards(args.out, cifar10Spec(source, data));
  for (const line of shardSummary('CIFAR-10', shown, m, (performance.now() - t0) / 1000)) console.log(line);
  if (m.nTrain !== 50_000 || m.nTest !== 10_000) {
    console.log(`  note: the official archive has 50000 / 10000 images; this one has ${m.nTrain} / ${m.nTest}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`data: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
