// The device facts of the export sidecar: logical cores, WebGL renderer, WebGPU adapter. Gathered once
// (a WebGL context and a WebGPU adapter request are not free) and then reused. No tfjs here.
import type { DeviceInfo } from '../export/sidecar';

function webgl(): { vendor: string | null; renderer: string | null } {
  try {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (!gl) return { vendor: null, renderer: null };
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const vendor = String(gl.getParameter(info ? info.UNMASKED_VENDOR_WEBGL : gl.VENDOR));
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { vendor, renderer };
  } catch {
    return { vendor: null, renderer: null };
  }
}

interface AdapterInfoLike {
  vendor?: unknown;
  architecture?: unknown;
  device?: unknown;
  description?: unknown;
}

async function gpuAdapter(): Promise<Record<string, string> | null> {
  // Typed loosely: older browsers have no navigator.gpu, and `adapter.info` is recent.
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: AdapterInfoLike } | null> } }).gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    const info = adapter?.info;
    if (!info) return null;
    const out: Record<string, string> = {};
    for (const k of ['vendor', 'architecture', 'device', 'description'] as const) {
      const v = info[k];
      if (typeof v === 'string' && v !== '') out[k] = v;
    }
    return out;
  } catch {
    return null;
  }
}

let cached: Promise<DeviceInfo> | null = null;

/** The device facts (computed on the first call, then the same answer). */
export function deviceInfo(): Promise<DeviceInfo> {
  cached ??= (async () => {
    const { vendor, renderer } = webgl();
    const cores = typeof navigator.hardwareConcurrency === 'number' ? navigator.hardwareConcurrency : null;
    // A browser may never answer the adapter request: do not hold the export for it.
    const adapter = await Promise.race([gpuAdapter(), new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
    return { hardwareConcurrency: cores, webglVendor: vendor, webglRenderer: renderer, gpuAdapter: adapter };
  })();
  return cached;
}
