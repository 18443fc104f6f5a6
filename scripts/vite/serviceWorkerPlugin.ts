// Vite plugin: writes the service worker (src/sw/sw.ts, bundled to one classic script) as sw.js at the
// root of the BUILT site, with the build's precache list and version baked in. The dev server gets no
// worker (apply: 'build'; src/sw/register.ts does nothing in dev).
//
// Precache list: every file of the bundle (index.html, the hashed JS/CSS/wasm under assets/, the worker
// chunks) except source maps, plus the files of public/ except the datasets (public/data/: tens of MB,
// cached when first used instead). Version: sha256 over the sorted list and the contents of the files
// whose names carry no hash (index.html, public/ files), first 16 hex digits. Any change to the site
// changes sw.js's bytes, which is what makes a browser install the new worker.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { build, type Plugin, type ResolvedConfig } from 'vite';

export const SW_FILE = 'sw.js';
const SW_ENTRY = resolve(import.meta.dirname, '../../src/sw/sw.ts');

/** Files under `dir`, as '/'-separated paths relative to it, skipping the top-level folders in `skip`. */
function listFiles(dir: string, skip: readonly string[]): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const rel = relative(dir, p).split(sep).join('/');
      if (e.isDirectory()) {
        if (!skip.includes(rel)) walk(p);
      } else if (e.isFile() && !e.name.startsWith('.')) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/** Bundles src/sw/sw.ts into one classic script with the version and precache list defined. */
async function bundleWorker(version: string, precache: readonly string[]): Promise<string> {
  const result = await build({
    configFile: false,
    publicDir: false,
    logLevel: 'silent',
    define: { __HG_SW_VERSION__: JSON.stringify(version), __HG_SW_PRECACHE__: JSON.stringify(precache) },
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      lib: { entry: SW_ENTRY, formats: ['iife'], name: 'hgServiceWorker', fileName: () => SW_FILE },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as { output?: { type: string; code?: string }[] }[];
  const chunk = outputs.flatMap((o) => o.output ?? []).find((o) => o.type === 'chunk');
  if (!chunk?.code) throw new Error('service worker: the bundle of src/sw/sw.ts has no code');
  return chunk.code;
}

export function serviceWorker(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'hg-service-worker',
    apply: 'build',
    enforce: 'post',
    configResolved(c) {
      config = c;
    },
    async generateBundle(_options, bundle) {
      const fromBundle = Object.keys(bundle).filter((f) => !f.endsWith('.map') && f !== SW_FILE);
      if (!fromBundle.includes('index.html')) fromBundle.push('index.html');
      const publicDir = config.publicDir ? resolve(config.publicDir) : '';
      const fromPublic = publicDir ? listFiles(publicDir, ['data']) : [];
      const precache = [...new Set([...fromBundle, ...fromPublic])].sort();
      const hash = createHash('sha256');
      hash.update(precache.join('\n'));
      // Names without a content hash: their bytes go into the version.
      const html = bundle['index.html'];
      if (html && html.type === 'asset') hash.update(typeof html.source === 'string' ? html.source : Buffer.from(html.source));
      for (const f of fromPublic) hash.update(`\n${f}\n`).update(readFileSync(join(publicDir, f)));
      const version = hash.digest('hex').slice(0, 16);
      const code = await bundleWorker(version, precache);
      this.emitFile({ type: 'asset', fileName: SW_FILE, source: `// Hypergradient Playground service worker, build ${version}\n${code}` });
    },
  };
}
