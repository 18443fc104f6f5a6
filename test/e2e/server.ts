// Serves the built page (dist/, or $E2E_DIST) with Vite's own preview server on a free loopback port.
import { preview } from 'vite';

export interface PreviewServer {
  /** Base address without a trailing slash, e.g. http://127.0.0.1:4173 */
  url: string;
  close: () => Promise<void>;
}

/** The response headers that make the page cross-origin isolated (SharedArrayBuffer, wasm threads). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** `headers`: sent with every response (vite preview's `preview.headers`), e.g. ISOLATION_HEADERS. */
export async function startPreview(headers?: Readonly<Record<string, string>>): Promise<PreviewServer> {
  const server = await preview({
    build: { outDir: process.env.E2E_DIST || 'dist' },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, ...(headers ? { headers: { ...headers } } : {}) },
    logLevel: 'warn',
  });
  const url = server.resolvedUrls?.local?.[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url: url.replace(/\/$/, ''), close: () => server.close() };
}
