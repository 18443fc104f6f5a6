// A tiny static file server (node:http) that serves the built page under a sub-path, e.g. /hg/, and
// sets NO special headers (no COOP/COEP, no caching headers): what a plain static host does. The
// offline test uses it to check that the service worker alone makes the page isolated and offline-capable.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gz': 'application/gzip',
};

export interface StaticServer {
  /** The site's address with the sub-path and a trailing slash, e.g. http://127.0.0.1:PORT/hg/ */
  url: string;
  /** Paths (relative to the site) requested so far, in order, with their query. */
  requests: string[];
  /** Replace a file's bytes as served (path relative to the site, e.g. 'sw.js'); null restores it. */
  override(path: string, body: ((original: Buffer) => Buffer) | null): void;
  close(): Promise<void>;
}

/** Serves `dir` (default $E2E_DIST or dist) under `prefix` ('/hg/') on a free loopback port. */
export async function startStaticServer(prefix = '/hg/', dir = process.env.E2E_DIST || 'dist'): Promise<StaticServer> {
  const root = resolve(dir);
  const overrides = new Map<string, (original: Buffer) => Buffer>();
  const requests: string[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length));
    requests.push(rel + url.search);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    let body: Buffer = readFileSync(file);
    const change = overrides.get(rel);
    if (change) body = change(body);
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const server = createServer(handle);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    override: (path, body) => (body ? overrides.set(path, body) : overrides.delete(path)),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
