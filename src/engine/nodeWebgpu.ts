// WebGPU in Node through the npm package `webgpu` (Dawn), for correctness tests without a browser.
// Without a GPU it runs on SwiftShader, the Vulkan driver Debian's chromium ships; on a machine with a
// GPU and its Vulkan driver (set VK_ICD_FILENAMES yourself), the same code runs on the GPU.
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { chooseBackend } from './backend';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export async function useNodeWebgpu(): Promise<'webgpu'> {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    throw new Error('No WebGPU adapter: install Debian chromium and libvulkan1 (scripts/setup.sh) or a GPU Vulkan driver');
  }
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', { value: { ...nav, gpu }, configurable: true });
  // The backend registers itself only if navigator.gpu exists when its module is evaluated.
  await import('@tensorflow/tfjs-backend-webgpu');
  await chooseBackend('webgpu');
  adapterInfo = (adapter as { info?: GPUAdapterInfoLike }).info ?? null;
  return 'webgpu';
}

interface GPUAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
let adapterInfo: GPUAdapterInfoLike | null = null;

/** e.g. "google swiftshader (SwiftShader Device (Subzero))" on the CPU, the GPU's name on a GPU server. */
export function webgpuAdapterDescription(): string {
  if (!adapterInfo) return 'an adapter that does not describe itself';
  const { vendor, architecture, device, description } = adapterInfo;
  const name = [vendor, architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const detail = description || device;
  const onCpu = /swiftshader/i.test(`${name} ${detail}`) ? ' — SwiftShader, a CPU emulation: correct, not fast' : '';
  return `${name}${detail ? ` (${detail})` : ''}${onCpu}`;
}
