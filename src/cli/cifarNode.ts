// CIFAR-10 in Node, for `npm run train -- --dataset cifar10`, the benchmarks and the tests: from the
// shards `npm run data -- --cifar10 PATH` writes (public/data/cifar10/, the same files the page
// loads) or straight from the official cifar-10-binary.tar.gz. Images come out channels last (HWC).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeCifarArchive, type CifarDecodeProgress } from '../data/cifar';
import { datasetInfo } from '../data/datasets';
import { DataFormatError } from '../data/errors';
import { loadDataset } from '../data/loader';
import type { DatasetBuffers } from '../engine/types';

/** Where `npm run data -- --cifar10 PATH` writes the shards by default: <repo>/public/data/cifar10. */
export const CIFAR10_SHARDS_DIR = resolve(fileURLToPath(import.meta.url), '../../../public/data/cifar10');

/** A fetch that serves the files of `dir` under `base` (404 for anything else), for loadDataset. */
export function dirFetch(dir: string, base: string): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const rel = url.startsWith(base + '/') ? url.slice(base.length + 1) : null;
    const p = rel === null || rel.includes('..') ? null : join(dir, rel);
    if (!p || !existsSync(p)) return new Response('not found', { status: 404, statusText: 'Not Found' });
    return new Response(readFileSync(p));
  }) as typeof fetch;
}

/** CIFAR-10 from shards + manifest.json in `dir` (checked like the page checks them: sha256, shapes, labels). */
export async function loadCifar10FromShards(dir: string = CIFAR10_SHARDS_DIR): Promise<DatasetBuffers> {
  // The folder itself is the "URL" base, so messages name the real files.
  const base = dir.replace(/\/+$/, '');
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new DataFormatError(join(dir, 'manifest.json'), `missing: CIFAR-10 has not been prepared here. To get it: ${datasetInfo('cifar10').howToGet}`);
  }
  const data = await loadDataset(base, undefined, dirFetch(dir, base));
  if (data.name !== 'cifar10') throw new DataFormatError(join(dir, 'manifest.json'), `holds dataset "${data.name}", expected "cifar10"`);
  return data;
}

/** CIFAR-10 straight from the official cifar-10-binary.tar.gz (about 2 s for the full file). */
export async function loadCifar10FromTarGz(path: string, onProgress?: CifarDecodeProgress): Promise<DatasetBuffers> {
  if (!existsSync(path)) throw new DataFormatError(path, 'no such file');
  if (statSync(path).isDirectory()) throw new DataFormatError(path, 'is a folder, not cifar-10-binary.tar.gz');
  return decodeCifarArchive(new Uint8Array(readFileSync(path)), path, onProgress);
}

/**
 * CIFAR-10 from `source`: a folder with manifest.json (shards), or a .tar.gz / .tgz / .tar file.
 * Without a source: $CIFAR10_PATH when set, else the shards in public/data/cifar10.
 * Throws DataFormatError (with how to get the data) when there is nothing there.
 */
export async function loadCifar10(source: string | undefined = process.env.CIFAR10_PATH || undefined): Promise<DatasetBuffers> {
  const p = source ?? CIFAR10_SHARDS_DIR;
  if (existsSync(p) && statSync(p).isDirectory()) return loadCifar10FromShards(p);
  if (existsSync(p)) return loadCifar10FromTarGz(p);
  throw new DataFormatError(p, `missing: no CIFAR-10 here. To get it: ${datasetInfo('cifar10').howToGet}`);
}
