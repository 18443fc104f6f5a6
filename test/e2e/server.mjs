// Serves the built page (dist/) with Vite's own preview server on a free loopback port.
import { preview } from 'vite';

export async function startPreview() {
  const server = await preview({ preview: { host: '127.0.0.1', port: 0, strictPort: false }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local?.[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url: url.replace(/\/$/, ''), close: () => server.close() };
}
