// src/worker/wasmThreadsFix.ts: the source text the threaded wasm build's pthread workers evaluate is the
// package's own unminified factory (so a minified bundle cannot break it), and a worker's reported cores.
import { describe, expect, it, vi } from 'vitest';
import raw from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw';
import * as threadedImport from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import { patchThreadedFactorySource, reportCoresForThreads, threadedFactorySource } from '../../src/worker/wasmThreadsFix';

describe('threadedFactorySource', () => {
  it("is the package's IIFE, which declares _scriptDir itself and evaluates to the factory", () => {
    const src = threadedFactorySource(raw);
    expect(src.startsWith('(() => {')).toBe(true);
    expect(src.endsWith('})()')).toBe(true);
    expect(src).toContain('var _scriptDir');
    // What tfjs puts in the pthread workers' Blob, evaluated the way importScripts would.
    const factory = new Function(`var WasmBackendModuleThreadedSimd = ${src};\nreturn WasmBackendModuleThreadedSimd;`)();
    expect(typeof factory).toBe('function');
  });
  it('refuses a file of another layout', () => {
    expect(() => threadedFactorySource('module.exports = 1;')).toThrow(/unexpected layout/);
  });
  it("makes the factory's toString that source", () => {
    patchThreadedFactorySource();
    const m = threadedImport as unknown as { default?: unknown };
    const factory = (m.default || m) as { toString(): string };
    expect(factory.toString()).toBe(threadedFactorySource(raw));
  });
});

describe('reportCoresForThreads', () => {
  it("makes this context's navigator report 2 × threads logical cores", () => {
    const nav = { hardwareConcurrency: 2 };
    vi.stubGlobal('navigator', nav);
    try {
      reportCoresForThreads(3);
      expect(nav.hardwareConcurrency).toBe(6);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
