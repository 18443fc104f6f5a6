// The service worker's caching policy (src/sw/policy.ts), the first-visit reload guard
// (src/sw/register.ts) and the content-addressed shard URLs of the loader (src/data/loader.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cachesToDelete,
  DATA_CACHE,
  ISOLATION_HEADERS,
  precacheUrls,
  reloadPrompt,
  routeRequest,
  shellCacheName,
  staleShardKeys,
  withIsolationHeaders,
} from '../../src/sw/policy';
import { firstVisitAction } from '../../src/sw/register';
import { loadDataset, shardQuery } from '../../src/data/loader';
import { writeShards, type ShardSpec } from '../../scripts/shards';

const SCOPE = 'https://example.org/hg/';
const V = '0123456789abcdef';
const SHELL = shellCacheName(V);
const get = (url: string, mode = 'cors') => routeRequest({ url, method: 'GET', mode }, SCOPE, V);

describe('routeRequest', () => {
  it('sends every navigation (any query) network-first to one index.html key in the shell cache', () => {
    for (const url of [SCOPE, `${SCOPE}?backend=wasm`, `${SCOPE}index.html`, `${SCOPE}#charts`, `${SCOPE}?c=abc#x`]) {
      expect(get(url, 'navigate')).toEqual({ strategy: 'network-first', cache: SHELL, key: `${SCOPE}index.html` });
    }
    // The index fetched by script is the same entry.
    expect(get(`${SCOPE}index.html`)).toEqual({ strategy: 'network-first', cache: SHELL, key: `${SCOPE}index.html` });
  });

  it('serves hashed assets cache-first from the shell cache', () => {
    for (const f of ['assets/index-DbHKjI8A.js', 'assets/index-4Rx-swgF.css', 'assets/tfjs-backend-wasm-simd-BrM3BlWr.wasm', 'assets/train.worker-W1sAqcre.js']) {
      expect(get(SCOPE + f)).toEqual({ strategy: 'cache-first', cache: SHELL, key: SCOPE + f });
    }
  });

  it('keeps the unhashed shell files fresh: network-first in the shell cache', () => {
    for (const f of ['favicon.svg', 'manifest.webmanifest', 'icons/icon-192.png']) {
      expect(get(SCOPE + f)).toEqual({ strategy: 'network-first', cache: SHELL, key: SCOPE + f });
    }
  });

  it('dataset manifests network-first, content-addressed shards cache-first, both in the data cache', () => {
    expect(get(`${SCOPE}data/mnist/manifest.json`)).toEqual({ strategy: 'network-first', cache: DATA_CACHE, key: `${SCOPE}data/mnist/manifest.json`, prune: true });
    // A query on the manifest (cache busting) still hits the one entry offline.
    expect(get(`${SCOPE}data/mnist/manifest.json?t=1`)?.key).toBe(`${SCOPE}data/mnist/manifest.json`);
    const shard = `${SCOPE}data/mnist/train-images-00.idx3-ubyte.gz?v=388ed91f3417bed6`;
    expect(get(shard)).toEqual({ strategy: 'cache-first', cache: DATA_CACHE, key: shard });
    // Two versions of a shard are two entries.
    expect(get(shard.replace('388ed91f3417bed6', 'ffffffffffffffff'))?.key).not.toBe(shard);
    // Without a (well-formed) version the cached copy could be stale: fresh when online.
    for (const url of [`${SCOPE}data/mnist/train-images-00.idx3-ubyte.gz`, `${SCOPE}data/mnist/x.gz?v=nothex`, `${SCOPE}data/mnist/x.gz?v=abc`]) {
      expect(get(url)).toEqual({ strategy: 'network-first', cache: DATA_CACHE, key: url });
    }
  });

  it('leaves alone other methods, other origins and paths outside the scope', () => {
    expect(routeRequest({ url: `${SCOPE}index.html`, method: 'POST', mode: 'cors' }, SCOPE, V)).toBeNull();
    expect(routeRequest({ url: `${SCOPE}assets/a.js`, method: 'HEAD', mode: 'cors' }, SCOPE, V)).toBeNull();
    expect(get('https://cdn.example.com/cifar-10-binary.tar.gz')).toBeNull();
    expect(get('https://example.org/other/index.html', 'navigate')).toBeNull();
    expect(get('https://example.org/hgx/assets/a.js')).toBeNull();
    expect(get('not a url')).toBeNull();
  });

  it('works at the site root too', () => {
    const r = routeRequest({ url: 'http://localhost:4173/assets/a-1.js', method: 'GET', mode: 'cors' }, 'http://localhost:4173/', V);
    expect(r?.strategy).toBe('cache-first');
  });
});

describe('caches', () => {
  it('an activating worker deletes the other builds\' shells, keeps its own, the data cache and foreign caches', () => {
    const existing = [shellCacheName('old1'), SHELL, DATA_CACHE, 'hg-data-v0', 'someone-else'];
    expect(cachesToDelete(existing, V)).toEqual([shellCacheName('old1'), 'hg-data-v0']);
    expect(cachesToDelete([], V)).toEqual([]);
  });

  it('a fresh dataset manifest retires the cached shards of its folder that it no longer lists', () => {
    const m = `${SCOPE}data/mnist/manifest.json`;
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    const manifest = { files: [{ path: 'train-00.gz', sha256: a }, { path: 'sub/test.gz', sha256: b }] };
    const cached = [
      m,
      `${SCOPE}data/mnist/train-00.gz?v=${a.slice(0, 16)}`, // listed: kept
      `${SCOPE}data/mnist/train-00.gz?v=${'c'.repeat(16)}`, // an older version: retired
      `${SCOPE}data/mnist/sub/test.gz?v=${b.slice(0, 16)}`, // listed: kept
      `${SCOPE}data/mnist/gone.gz?v=${'d'.repeat(16)}`, // no longer listed: retired
      `${SCOPE}data/mnist/plain.gz`, // not versioned: not this function's business
      `${SCOPE}data/mnist-other/train-00.gz?v=${'c'.repeat(16)}`, // another dataset: kept
    ];
    expect(staleShardKeys(m, manifest, cached)).toEqual([cached[2], cached[4]]);
    // A malformed manifest deletes nothing.
    for (const bad of [null, {}, { files: 'x' }, { files: [{ path: 1 }] }]) expect(staleShardKeys(m, bad, cached)).toEqual([]);
  });

  it('precache paths become absolute URLs under the scope, index once', () => {
    expect(precacheUrls(['index.html', '', 'assets/a.js', 'icons/icon-192.png'], SCOPE)).toEqual([
      `${SCOPE}index.html`,
      `${SCOPE}assets/a.js`,
      `${SCOPE}icons/icon-192.png`,
    ]);
  });
});

describe('isolation headers', () => {
  it('adds COOP same-origin and COEP require-corp, keeping the rest', () => {
    const h = withIsolationHeaders(new Headers({ 'content-type': 'text/html', 'cross-origin-embedder-policy': 'unsafe-none' }));
    expect(h.get('content-type')).toBe('text/html');
    expect(h.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(h.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(Object.keys(ISOLATION_HEADERS)).toHaveLength(2);
  });
});

describe('first visit', () => {
  it('reloads once when not controlled, then renders even if still not controlled (no loop)', () => {
    expect(firstVisitAction({ controlled: true, reloadedOnce: false })).toBe('render');
    expect(firstVisitAction({ controlled: true, reloadedOnce: true })).toBe('render');
    expect(firstVisitAction({ controlled: false, reloadedOnce: false })).toBe('reload');
    expect(firstVisitAction({ controlled: false, reloadedOnce: true })).toBe('render-uncontrolled');
  });
});

describe('the update notice\'s Reload', () => {
  it('reloads at once with no run training; says so and asks first otherwise', () => {
    expect(reloadPrompt(0)).toEqual({ label: 'Reload', question: null });
    expect(reloadPrompt(1).label).toBe('Reload (1 run training)');
    expect(reloadPrompt(1).question).toMatch(/^1 run is training: reloading stops it .*Reload anyway\?$/);
    expect(reloadPrompt(3).label).toBe('Reload (3 runs training)');
    expect(reloadPrompt(3).question).toMatch(/^3 runs are training: reloading stops them/);
  });
});

describe('content-addressed shard URLs', () => {
  const BASE = 'https://example.org/hg/data/mnist';
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sw-shards-'));
    const make = (n: number, salt: number) => ({
      images: Uint8Array.from({ length: n * 784 }, (_, i) => (i + salt) & 255),
      labels: Uint8Array.from({ length: n }, (_, i) => (i + salt) % 10),
    });
    const spec: ShardSpec = { dataset: 'mnist', source: 'test', imageShape: [28, 28, 1], numClasses: 10, mean: [0.1307], std: [0.3081], train: make(20, 0), test: make(5, 1), trainShardSize: 10 };
    await writeShards(dir, spec);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Serves the folder; a shard only at its versioned URL when `versioned`. */
  const server = (requested: string[], versioned: boolean): typeof fetch =>
    (async (input: string | URL | Request) => {
      const url = String(input);
      requested.push(url);
      const m = /^https:\/\/example\.org\/hg\/data\/mnist\/([^?]+)(\?v=([0-9a-f]+))?$/.exec(url);
      if (!m) return new Response('not found', { status: 404, statusText: 'Not Found' });
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] };
      const file = manifest.files.find((f) => f.path === m[1]);
      if (versioned && file && m[3] !== file.sha256.slice(0, 16)) return new Response('wrong version', { status: 404, statusText: 'Not Found' });
      return new Response(readFileSync(join(dir, m[1])));
    }) as typeof fetch;

  it('asks for each shard as file?v=<16 hex of its sha256> when told to, the manifest plainly', async () => {
    const requested: string[] = [];
    const ds = await loadDataset(BASE, undefined, server(requested, true), { contentAddressed: true });
    expect(ds.trainLabels.length).toBe(20);
    expect(requested[0]).toBe(`${BASE}/manifest.json`);
    const shards = requested.slice(1);
    expect(shards.length).toBe(5);
    expect(shards.every((u) => /\.gz\?v=[0-9a-f]{16}$/.test(u))).toBe(true);
    expect(shardQuery({ sha256: 'ab'.repeat(32) })).toBe('v=abababababababab');
  });

  it('falls back to the plain URL where a server answers the versioned one with 404', async () => {
    const requested: string[] = [];
    const plainOnly = server([], false);
    const strict = (async (input: string | URL | Request) => {
      requested.push(String(input));
      return String(input).includes('?') ? new Response('no such file', { status: 404, statusText: 'Not Found' }) : plainOnly(input);
    }) as typeof fetch;
    const ds = await loadDataset(BASE, undefined, strict, { contentAddressed: true });
    expect(ds.testLabels.length).toBe(5);
    expect(requested.filter((u) => u.includes('?v=')).length).toBe(5);
    expect(requested.filter((u) => u.endsWith('.gz')).length).toBe(5);
  });

  it('an injected fetch gets plain paths by default; failures name the plain URL either way', async () => {
    const requested: string[] = [];
    await loadDataset(BASE, undefined, server(requested, false));
    expect(requested.slice(1).every((u) => !u.includes('?'))).toBe(true);
    const failing = (async (input: string | URL | Request) =>
      String(input).endsWith('manifest.json') ? new Response(readFileSync(join(dir, 'manifest.json'))) : new Response('gone', { status: 410, statusText: 'Gone' })) as typeof fetch;
    await expect(loadDataset(BASE, undefined, failing, { contentAddressed: true })).rejects.toThrow(/^https:\/\/example\.org\/hg\/data\/mnist\/train-images-00\.idx3-ubyte\.gz: HTTP 410 Gone$/);
  });
});
