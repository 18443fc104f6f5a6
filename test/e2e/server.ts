// Serves the built page (dist/, or $E2E_DIST) with Vite's own preview server on a free loopback port.
import { preview } from 'vite';

export interface PreviewServer {
  /** Base address without a trailing slash, e.g. http://127.0.0.1:4173 */
  url: string;
  close: () => Promise<void>;
}

export async function startPreview(): Promise<PreviewServer> {
  const server = await preview({
    build: { outDir: process.env.E2E_DIST || 'dist' },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
    logLevel: 'warn',
  });
  const url = server.resolvedUrls?.local?.[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url: url.replace(/\/$/, ''), close: () => server.close() };
}
