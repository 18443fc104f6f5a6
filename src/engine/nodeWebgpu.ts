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
  if (!(await gpu.requestAdapter())) {
    throw new Error('No WebGPU adapter: install Debian chromium and libvulkan1 (scripts/setup.sh) or a GPU Vulkan driver');
  }
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', { value: { ...nav, gpu }, configurable: true });
  // The backend registers itself only if navigator.gpu exists when its module is evaluated.
  await import('@tensorflow/tfjs-backend-webgpu');
  await chooseBackend('webgpu');
  return 'webgpu';
}
