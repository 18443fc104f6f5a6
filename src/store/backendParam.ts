// The page's backend request from the URL: ?backend=webgpu|webgl|wasm|cpu, else 'auto'.
import type { BackendName } from '../engine/types';
import { BACKEND_ORDER } from '../engine/types';


export interface BackendChoice {
  backend: BackendName | 'auto';
  /** Set when the URL asked for something unknown. */
  warning?: string;
}

export function parseBackendParam(search: string): BackendChoice {
  const raw = new URLSearchParams(search).get('backend');
  if (raw === null || raw === '' || raw === 'auto') return { backend: 'auto' };
  const v = raw.trim().toLowerCase();
  if ((BACKEND_ORDER as readonly string[]).includes(v)) return { backend: v as BackendName };
  return {
    backend: 'auto',
    warning: `Unknown backend "${raw}" in the URL (use one of ${BACKEND_ORDER.join(', ')}); choosing automatically.`,
  };
}

let backendChoice: BackendChoice | null = null;

/** The page's backend request (read once from the URL; pure, safe to call while rendering). */
export function requestedBackend(): BackendChoice {
  if (!backendChoice) {
    backendChoice = parseBackendParam(typeof location !== 'undefined' ? location.search : '');
  }
  return backendChoice;
}
