// `npm run data -- --cifar10 PATH` end to end on small archives in the official layout, and the Node
// loaders of src/cli/cifarNode.ts that read what it writes (or the archive itself).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCifar10, loadCifar10FromShards, loadCifar10FromTarGz } from '../../src/cli/cifarNode';
import { cifarChwToHwc } from '../../src/data/cifar';
import { DataFormatError } from '../../src/data/errors';
import type { DatasetManifest } from '../../src/data/manifest';
import { tinyCifarTarGz } from './cifarFixture';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'hg-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function data(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'scripts/data.ts', ...args], { cwd: ROOT, maxBuffer: 1 << 24 });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const archive = tinyCifarTarGz(3, 4);
const gzPath = path.join(dir, 'cifar-10-binary.tar.gz');
writeFileSync(gzPath, archive.gz);

describe('npm run data -- --cifar10', () => {
  it('writes version-2 shards + manifest that the loaders read back exactly (channels last), then reports up to date', async () => {
    const out = path.join(dir, 'shards');
    const r = await data(['--cifar10', gzPath, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^CIFAR-10: wrote 4 shards \([\d.]+ MB gzipped\) \+ manifest\.json to .* in [\d.]+s\n  train 15 images, test 4 images of 32x32x3, mean 0\.4850, 0\.4560, 0\.4060 \/ std 0\.2290, 0\.2240, 0\.2250, from cifar-10-binary\.tar\.gz \(\d+ bytes, sha256 [0-9a-f]{16}\)\n {2}note: the official archive has 50000 \/ 10000 images; this one has 15 \/ 4\n$/);
    expect(r.stderr).toMatch(/CIFAR-10: decoding cifar-10-binary\.tar\.gz 100%/);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'test-images.idx4-ubyte.gz', 'test-labels.idx1-ubyte.gz', 'train-images-00.idx4-ubyte.gz', 'train-labels.idx1-ubyte.gz']);
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as DatasetManifest;
    expect(m).toMatchObject({ dataset: 'cifar10', version: 2, nTrain: 15, nTest: 4, imageShape: [32, 32, 3], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });

    const ds = await loadCifar10FromShards(out);
    expect(ds.shape).toEqual([32, 32, 3]);
    expect(Buffer.from(ds.trainImages).equals(Buffer.from(cifarChwToHwc(archive.trainChw, 15)))).toBe(true);
    expect(Buffer.from(ds.testImages).equals(Buffer.from(cifarChwToHwc(archive.testChw, 4)))).toBe(true);
    expect(ds.trainLabels).toEqual(archive.trainLabels);
    expect(await loadCifar10(out)).toEqual(ds);

    const again = await data(['--cifar10', gzPath, '--out', out]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^CIFAR-10 shards up to date \(.*, from cifar-10-binary\.tar\.gz .*\); --force rewrites them\n$/);
  });

  it('a bad file: one line naming it and the problem, exit code 1, nothing written', async () => {
    const bad = path.join(dir, 'bad.tar.gz');
    const gz = archive.gz.slice(0, archive.gz.length - 100);
    writeFileSync(bad, gz);
    const out = path.join(dir, 'bad-out');
    const r = await data(['--cifar10', bad, '--out', out]);
    expect(r.code).toBe(1);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(new RegExp(`^data: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: corrupt gzip data`));
    expect(() => readdirSync(out)).toThrow();
    const missing = await data(['--cifar10', path.join(dir, 'nope.tar.gz')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`data: ${path.join(dir, 'nope.tar.gz')}: no such file`);
  });

  it('a bad command line: one line pointing to --help and exit code 2', async () => {
    const r = await data([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('data: say which dataset: --cifar10 PATH; see npm run data -- --help\n');
    const r2 = await data(['--cifar10']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/^data: --cifar10 needs a value PATH; see npm run data -- --help\n$/);
    const r3 = await data(['--svhn', 'x']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/^data: unknown option --svhn; see npm run data -- --help\n$/);
  });
});

describe('src/cli/cifarNode.ts', () => {
  it('loads the archive itself, channels last with spec §6 normalisation', async () => {
    const ds = await loadCifar10FromTarGz(gzPath);
    expect(ds.name).toBe('cifar10');
    expect(ds.mean).toEqual([0.485, 0.456, 0.406]);
    expect(Buffer.from(ds.trainImages).equals(Buffer.from(cifarChwToHwc(archive.trainChw, 15)))).toBe(true);
    expect((await loadCifar10(gzPath)).testLabels).toEqual(archive.testLabels);
  });

  it('says how to get CIFAR-10 when there is nothing there', async () => {
    const nowhere = path.join(dir, 'no-such-dir');
    await expect(loadCifar10(nowhere)).rejects.toThrow(DataFormatError);
    await expect(loadCifar10(nowhere)).rejects.toThrow(/missing: no CIFAR-10 here\. To get it: .*npm run data -- --cifar10/);
    await expect(loadCifar10FromShards(dir)).rejects.toThrow(/manifest\.json: missing: CIFAR-10 has not been prepared here/);
    await expect(loadCifar10FromTarGz(dir)).rejects.toThrow(/is a folder, not cifar-10-binary\.tar\.gz/);
  });
});
