import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { serviceWorker } from './scripts/vite/serviceWorkerPlugin';

/**
 * The built page's Content-Security-Policy, one directive per line (why each: README "Security"). Static
 * hosts cannot set headers, so it ships as a <meta http-equiv> in index.html; a meta policy cannot carry
 * frame-ancestors, report-uri or sandbox, and applies to the document (workers are governed by their own
 * response headers, which a static host does not send, so they run unrestricted by this page's policy).
 */
export const CSP_DIRECTIVES = [
  // Anything not named below: this origin only.
  "default-src 'self'",
  // Scripts only as files from this origin (Vite's build has no inline script); WebAssembly may compile.
  "script-src 'self' 'wasm-unsafe-eval'",
  // The training and import workers are files from this origin (no blob: workers).
  "worker-src 'self'",
  // Stylesheets only from this origin: no <style> elements, no style="" attributes (React's style props
  // go through the CSSOM, which the policy allows; the chart export writes presentation attributes).
  "style-src 'self'",
  // The favicon; data: and blob: images (the PNG export draws the SVG through a blob: image).
  "img-src 'self' data: blob:",
  "font-src 'self'",
  // The page fetches its shards and wasm from this origin; a CIFAR-10 URL typed by the person must be https.
  "connect-src 'self' https:",
  "object-src 'none'",
  // No <base> pointing elsewhere, and no form posts anywhere (the forms are handled in script).
  "base-uri 'self'",
  "form-action 'none'",
] as const;
export const CSP = CSP_DIRECTIVES.join('; ');

/** Puts the policy right after <meta charset> in the BUILT page only (the dev server's HMR needs inline scripts and ws:). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'hg-content-security-policy',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const meta = `<meta http-equiv="Content-Security-Policy" content="${CSP}" />`;
        const charset = /<meta charset="UTF-8" \/>\n/;
        if (!charset.test(html)) throw new Error('index.html: no <meta charset="UTF-8" /> to put the Content-Security-Policy after');
        // Before any <script> or <link>: a meta policy covers only what comes after it.
        return html.replace(charset, (m) => `${m}    ${meta}\n`);
      },
    },
  };
}

// Relative base so the built page works from any static host path.
export default defineConfig({
  base: './',
  // serviceWorker: sw.js (offline shell, cross-origin isolation on hosts that send no headers), built page only.
  plugins: [react(), contentSecurityPolicy(), serviceWorker()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
