// Datasets that no package ships, turned into the page's hosted shards:
//   npm run data -- --cifar10 PATH/cifar-10-binary.tar.gz [--out DIR]
// reads the official CIFAR-10 binary archive, checks it (gzip, tar, the six batch files, 3,073-byte
// records, labels), reorders the images channels last, and writes gzipped IDX shards + manifest.json
// to public/data/cifar10/ (gitignored; DIR with --out). The page and `npm run train -- --dataset
// cifar10` then load it like MNIST. Progress on stderr, the summary on stdout; a bad file gets one
// line on stderr and exit code 1, a bad command line exit code 2.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeCifarArchive } from '../src/data/cifar';
import { cifar10Spec, shardSummary, upToDateManifest, writeShards } from './shards';

const USAGE = 'usage: npm run data -- --cifar10 PATH/cifar-10-binary.tar.gz [--out DIR] [--force]';

class UsageError extends Error {}

interface Args {
  cifar10: string;
  out: string;
  force: boolean;
}

function parseDataArgs(argv: readonly string[], root: string): Args {
  let cifar10: string | null = null;
  let out: string | null = null;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--cifar10') cifar10 = value();
    else if (a === '--out') out = value();
    else if (a === '--force') force = true;
    else if (a === '--help' || a === '-h') throw new UsageError('');
    else throw new UsageError(`unknown argument "${a}"`);
  }
  if (cifar10 === null) throw new UsageError('say which dataset: --cifar10 PATH');
  return { cifar10: resolve(cifar10), out: resolve(out ?? join(root, 'public/data/cifar10')), force };
}

/** "12.3 MB" */
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

async function main(): Promise<number> {
  const root = resolve(fileURLToPath(import.meta.url), '../..');
  let args: Args;
  try {
    args = parseDataArgs(process.argv.slice(2), root);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) console.error(`data: ${e.message}`);
    console.error(USAGE);
    return e.message ? 2 : 0;
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
