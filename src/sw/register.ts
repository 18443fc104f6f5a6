// Registers the service worker (sw.js, built page only) before the app renders, reloads ONCE on the
// first visit so the page is controlled (and so cross-origin isolated: the worker adds COOP/COEP to the
// page's own response), and watches for a newer worker waiting (the update notice, src/ui/UpdateNotice.tsx).
//
// Without a service worker (dev server, a browser without one, a failed install) the page simply runs
// un-isolated and online-only.
import { create } from 'zustand';

/** sessionStorage key: set just before the one automatic reload, cleared by the next load. */
export const RELOAD_FLAG = 'hg-sw-reloaded';
/**
 * localStorage key that switches the worker on in a browser under automation (navigator.webdriver):
 * there it is off unless the test asks, because request interception (Playwright's page.route) does not
 * see what a service worker fetches, and isolation would switch every test to threaded wasm.
 */
export const AUTOMATION_OPT_IN = 'hg-sw';
/** How long the first visit waits for the worker to install before rendering without it. */
const INSTALL_TIMEOUT_MS = 30_000;

export interface UpdateState {
  /** A newer worker installed and waiting for this page to let it take over. */
  waiting: ServiceWorker | null;
  /**
   * A newer worker took over this page from elsewhere (its Reload was pressed in another tab): this page
   * still runs the old build, whose files the new worker no longer keeps, so it should reload too.
   */
  takenOver: boolean;
}

export const useUpdateStore = create<UpdateState>(() => ({ waiting: null, takenOver: false }));

/** Set when this page asked for the update: its controllerchange is the signal to reload. */
let updating = false;

/** What the first-visit logic decides, from the facts it looks at (pure; tested). */
export function firstVisitAction(s: { controlled: boolean; reloadedOnce: boolean }): 'render' | 'reload' | 'render-uncontrolled' {
  if (s.controlled) return 'render';
  return s.reloadedOnce ? 'render-uncontrolled' : 'reload';
}

function storageGet(store: () => Storage, key: string): string | null {
  try {
    return store().getItem(key);
  } catch {
    return null;
  }
}

function storageSet(store: () => Storage, key: string, value: string | null): void {
  try {
    if (value === null) store().removeItem(key);
    else store().setItem(key, value);
  } catch {
    // Storage refused (private mode, quota): the reload guard then errs on the side of not reloading.
  }
}

/** Resolves once `reg` has an active worker, or false after `ms`/on a failed install. */
function activeWithin(reg: ServiceWorkerRegistration, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (reg.active) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    const worker = reg.installing ?? reg.waiting;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'activated' || worker.state === 'activating') {
        clearTimeout(timer);
        resolve(true);
      } else if (worker.state === 'redundant') {
        clearTimeout(timer);
        resolve(false);
      }
    });
    void navigator.serviceWorker.ready.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Reports a worker waiting behind the one that controls this page, now and whenever one installs. */
function watchUpdates(reg: ServiceWorkerRegistration): void {
  const report = () => {
    if (reg.waiting && navigator.serviceWorker.controller) useUpdateStore.setState({ waiting: reg.waiting });
  };
  report();
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updating) {
      location.reload();
      return;
    }
    useUpdateStore.setState({ waiting: null, takenOver: true });
  });
  reg.addEventListener('updatefound', () => {
    const next = reg.installing;
    next?.addEventListener('statechange', () => {
      if (next.state === 'installed') report();
    });
  });
  // Look for a new build now and then while the page stays open (the browser also looks on every load).
  const check = () => void reg.update().catch(() => undefined);
  setInterval(check, 60 * 60 * 1000);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
}

/** Lets the waiting worker take over and reloads the page once it controls it (at once when another tab already let it). */
export function applyUpdate(): void {
  const { waiting, takenOver } = useUpdateStore.getState();
  if (takenOver) {
    location.reload();
    return;
  }
  if (!waiting || updating) return;
  updating = true;
  waiting.postMessage({ type: 'SKIP_WAITING' });
}

/**
 * Register the worker; resolves true when the app should render now, false when the page is about to
 * reload (the first visit, once).
 */
export async function bootServiceWorker(swUrl = './sw.js'): Promise<boolean> {
  if (import.meta.env.DEV || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return true;
  if (navigator.webdriver && storageGet(() => localStorage, AUTOMATION_OPT_IN) !== 'on') return true;
  let reg: ServiceWorkerRegistration;
  try {
    reg = await navigator.serviceWorker.register(swUrl, { scope: './' });
  } catch (e) {
    console.warn('service worker not registered; the page runs online-only and not cross-origin isolated:', e);
    return true;
  }
  const reloadedOnce = storageGet(() => sessionStorage, RELOAD_FLAG) !== null;
  storageSet(() => sessionStorage, RELOAD_FLAG, null);
  const action = firstVisitAction({ controlled: navigator.serviceWorker.controller !== null, reloadedOnce });
  if (action === 'render') {
    watchUpdates(reg);
    return true;
  }
  if (action === 'render-uncontrolled') return true;
  // First visit: wait for the worker to install (it downloads the app shell), then reload once.
  const root = document.getElementById('root');
  if (root) root.textContent = 'Preparing the page for offline use…';
  if (!(await activeWithin(reg, INSTALL_TIMEOUT_MS))) return true;
  storageSet(() => sessionStorage, RELOAD_FLAG, '1');
  if (storageGet(() => sessionStorage, RELOAD_FLAG) === null) return true; // no storage: no guard, no reload
  location.reload();
  return false;
}
