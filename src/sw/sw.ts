// The service worker of the built page (scripts/vite/serviceWorkerPlugin.ts bundles it to sw.js with
// the build's version and precache list). It makes the page work offline and cross-origin isolated on a
// static host that sets no headers: every response it serves carries COOP/COEP. The policy (which
// cache, which strategy) is src/sw/policy.ts.
import { cachesToDelete, precacheUrls, routeRequest, shellCacheName, staleShardKeys, withIsolationHeaders, type Route } from './policy';

declare const __HG_SW_VERSION__: string;
declare const __HG_SW_PRECACHE__: readonly string[];

const sw = self as unknown as ServiceWorkerGlobalScope;
const VERSION = __HG_SW_VERSION__;
const SHELL = shellCacheName(VERSION);

sw.addEventListener('install', (event) => {
  // The whole shell or nothing: a failed download fails the install, and the old worker stays.
  // cache: 'reload' skips the HTTP cache, so a shell is never assembled from an older build's files.
  event.waitUntil(
    caches.open(SHELL).then((cache) =>
      Promise.all(
        precacheUrls(__HG_SW_PRECACHE__, sw.registration.scope).map(async (url) => {
          const res = await fetch(new Request(url, { cache: 'reload' }));
          if (!res.ok) throw new Error(`precache ${url}: HTTP ${res.status}`);
          await cache.put(url, res);
        }),
      ),
    ),
  );
  // No skipWaiting here: a worker that replaces another waits until the page says so (the update
  // notice's Reload), so one page never mixes two builds. The first worker activates at once anyway.
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(cachesToDelete(names, VERSION).map((n) => caches.delete(n)));
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown } | null;
  if (data?.type === 'SKIP_WAITING') void sw.skipWaiting();
  else if (data?.type === 'VERSION') event.ports[0]?.postMessage(VERSION);
});

/** The response with the isolation headers (a new Response over the same body). */
function isolated(res: Response): Response {
  // Opaque and error responses cannot be rebuilt; they are passed on as they are.
  if (res.type === 'opaque' || res.type === 'opaqueredirect' || res.status === 0) return res;
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: withIsolationHeaders(res.headers) });
}

/** Store only complete, successful, same-origin answers (not a 206 part, not an error page). */
const storable = (res: Response): boolean => res.status === 200 && res.type === 'basic';

/** Stores `res` under the route's key in the background (the page gets the body as it streams). */
function store(event: FetchEvent, route: Route, res: Response): void {
  if (!storable(res)) return;
  const copy = res.clone();
  event.waitUntil(
    (async () => {
      const cache = await caches.open(route.cache);
      if (route.prune) {
        // A fresh dataset manifest: shards it no longer lists leave the cache.
        const json: unknown = await copy.clone().json().catch(() => null);
        const keys = (await cache.keys()).map((r) => r.url);
        await Promise.all(staleShardKeys(route.key, json, keys).map((k) => cache.delete(k)));
      }
      await cache.put(route.key, copy);
    })().catch(() => undefined),
  );
}

async function cacheFirst(event: FetchEvent, route: Route): Promise<Response> {
  const hit = await caches.match(route.key, { cacheName: route.cache });
  if (hit) return hit;
  const res = await fetch(event.request);
  store(event, route, res);
  return res;
}

async function networkFirst(event: FetchEvent, route: Route): Promise<Response> {
  try {
    const res = await fetch(event.request);
    store(event, route, res);
    return res;
  } catch (e) {
    const hit = await caches.match(route.key, { cacheName: route.cache });
    if (hit) return hit;
    throw e;
  }
}

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  const route = routeRequest(request, sw.registration.scope, VERSION);
  if (!route) return;
  event.respondWith((route.strategy === 'cache-first' ? cacheFirst(event, route) : networkFirst(event, route)).then(isolated));
});
