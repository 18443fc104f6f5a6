// The project's own wasm kernels (src/kernels/wasm/hgkernels.c), registered on tfjs's wasm backend.
//
// Why: on tfjs-backend-wasm 4.22 every op is a separate kernel with ~10 µs of dispatch around it, so an
// Adam update of one tensor costs 14 kernels and a handful of scalar uploads; and the backend has no
// Conv2DBackpropFilter at all (the conv2d route it forces was a third of a LeNet-5 step). The module
// imports the wasm backend's own memory, so a kernel reads and writes tfjs's tensors in place: no copies.
//
//   Conv2DBackpropFilter  tfjs's own op name, so tf.conv2d's gradient and src/models/conv.ts use it
//   HgAdam                Adam's m, v and direction u in one pass (src/optim/directions.ts)
//   HgReluMaxPool2Grad    the gradient of relu(maxPool 2×2) in one pass (src/models/pool.ts)
//   HgBatchNormTrain      batch norm in training mode, and HgBatchNormGrad its gradient (src/models/batchNorm.ts)
//
// installOwnKernels() runs when the wasm backend is chosen (src/engine/backend.ts); setOwnKernels(false)
// takes them off again (the benchmarks' baseline, the equality tests). The module comes in two builds:
// one imports an ordinary memory (tfjs's single-threaded builds), one a shared memory (its threaded
// build, whose heap is a SharedArrayBuffer). The kernels themselves run on the calling thread. Where
// neither fits, nothing is registered and ownKernelsStatus() says why: every caller then takes the
// plain tfjs path.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { HGKERNELS_SHARED_WASM_BASE64, HGKERNELS_WASM_BASE64 } from './wasm/hgkernelsBinary';

/** The fused Adam op's name (a kernel only the wasm backend has). */
export const HG_ADAM = 'HgAdam';
/** The relu(maxPool 2×2) gradient's op name (wasm only). */
export const HG_RELU_MAX_POOL2_GRAD = 'HgReluMaxPool2Grad';
/** Batch norm in training mode and its gradient (wasm only). */
export const HG_BATCH_NORM_TRAIN = 'HgBatchNormTrain';
export const HG_BATCH_NORM_GRAD = 'HgBatchNormGrad';

interface Exports {
  adam(g: number, m: number, v: number, m2: number, v2: number, u: number, n: number, b1: number, omb1: number, b2: number,
    omb2: number, eps: number, sbc2: number, bc1: number, scale: number, legacy: number): void;
  pad_input(x: number, xp: number, n: number, h: number, w: number, ci: number, hp: number, wp: number, top: number, left: number): void;
  conv2d_filter_grad(xp: number, dy: number, dw: number, n: number, hp: number, wp: number, ci: number, ho: number, wo: number,
    co: number, kh: number, kw: number, sh: number, sw: number): void;
  relu_max_pool2_grad(z: number, p: number, dy: number, dz: number, n: number, h: number, w: number, c: number): void;
  bn_train_forward(x: number, gamma: number, beta: number, y: number, xhat: number, mean: number, variance: number, rstd: number, acc: number,
    m: number, c: number, eps: number): void;
  bn_train_backward(dy: number, xhat: number, gamma: number, rstd: number, dx: number, dgamma: number, dbeta: number, acc: number, m: number, c: number): void;
}

/** The parts of tfjs-backend-wasm's BackendWasm the kernels use. */
interface WasmBackend {
  /** The emscripten module: its exported memory (single-threaded builds) or the memory it created (threaded). */
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory } | null;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): boolean;
}

let status = 'not installed: the wasm backend has not been chosen';
let installedOn: WasmBackend | null = null;
/** The kernels on the installed module (none until one is installed). */
let kernels: KernelConfig[] = [];
let enabled = true;

function decode(b64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function offset(backend: WasmBackend, t: TensorInfo): number {
  const d = backend.dataIdMap.get(t.dataId);
  if (!d) throw new Error('own wasm kernel: an input tensor is not on the wasm backend');
  return d.memoryOffset;
}

function float32(name: string, ...ts: TensorInfo[]): void {
  for (const t of ts) if (t.dtype !== 'float32') throw new Error(`${name}: float32 tensors only (got ${t.dtype})`);
}

function adamKernel(k: Exports): KernelConfig {
  return {
    kernelName: HG_ADAM,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const b = backend as unknown as WasmBackend;
      const { g, m, v } = inputs as { g: TensorInfo; m: TensorInfo; v: TensorInfo };
      const { beta1, beta2, eps, t, legacy } = attrs as unknown as AdamAttrs;
      float32(HG_ADAM, g, m, v);
      const size = tf.util.sizeFromShape(g.shape);
      if (m.shape.join() !== g.shape.join() || v.shape.join() !== g.shape.join()) {
        throw new Error(`${HG_ADAM}: g, m and v must have the same shape (got [${g.shape}], [${m.shape}], [${v.shape}])`);
      }
      const outs = [0, 1, 2].map(() => b.makeOutput(g.shape.slice(), 'float32'));
      // Offsets after every allocation: makeOutput may grow the heap (offsets stay valid, views do not).
      const c = adamConstants({ beta1, beta2, eps, t, legacy });
      k.adam(offset(b, g), offset(b, m), offset(b, v), offset(b, outs[0]), offset(b, outs[1]), offset(b, outs[2]), size,
        beta1, c.omb1, beta2, c.omb2, eps, c.sbc2, c.bc1, c.scale, legacy ? 1 : 0);
      return outs;
    },
  };
}

function filterGradKernel(k: Exports): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const b = backend as unknown as WasmBackend;
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
        strides: number | [number, number]; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
        dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number];
      };
      float32('Conv2DBackpropFilter', x, dy);
      if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm: NHWC only');
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad,
        dimRoundingMode, false, 'channelsLast');
      const want = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
      if (dy.shape.join() !== want.join()) throw new Error(`Conv2DBackpropFilter: dy has shape [${dy.shape}], expected [${want}]`);
      const out = b.makeOutput(filterShape.slice(), 'float32');
      // The kernel reads every window without bounds checks: from x itself when no window reaches into
      // padding, else from a zero-padded copy (a scratch tensor, freed at once).
      const { inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
      const hp = (ho - 1) * sh + kh, wp = (wo - 1) * sw + kw;
      const direct = info.padInfo.top === 0 && info.padInfo.left === 0 && hp <= h && wp <= w;
      let scratch: TensorInfo | null = null;
      if (!direct) {
        scratch = b.makeOutput([info.batchSize * hp * wp * ci], 'float32');
        k.pad_input(offset(b, x), offset(b, scratch), info.batchSize, h, w, ci, hp, wp, info.padInfo.top, info.padInfo.left);
      }
      k.conv2d_filter_grad(offset(b, scratch ?? x), offset(b, dy), offset(b, out), info.batchSize, direct ? h : hp, direct ? w : wp, ci,
        ho, wo, info.outChannels, kh, kw, sh, sw);
      if (scratch) b.disposeData(scratch.dataId);
      return out;
    },
  };
}

function poolGradKernel(k: Exports): KernelConfig {
  return {
    kernelName: HG_RELU_MAX_POOL2_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const b = backend as unknown as WasmBackend;
      const { z, p, dy } = inputs as { z: TensorInfo; p: TensorInfo; dy: TensorInfo };
      float32(HG_RELU_MAX_POOL2_GRAD, z, p, dy);
      const [n, h, w, c] = z.shape;
      const pooled = [n, h / 2, w / 2, c].join();
      if (z.shape.length !== 4 || h % 2 || w % 2 || p.shape.join() !== pooled || dy.shape.join() !== pooled) {
        throw new Error(`${HG_RELU_MAX_POOL2_GRAD}: z [n, h, w, c] with even h, w and p, dy [n, h/2, w/2, c] (got [${z.shape}], [${p.shape}], [${dy.shape}])`);
      }
      const out = b.makeOutput(z.shape.slice(), 'float32');
      k.relu_max_pool2_grad(offset(b, z), offset(b, p), offset(b, dy), offset(b, out), n, h, w, c);
      return out;
    },
  };
}

/** Scratch for the batch-norm kernels: per sum c floats and c doubles (8-byte aligned), twice, and 3c factors. */
const bnScratchFloats = (c: number) => 9 * c + 4;

function channelsLast(name: string, x: TensorInfo, ...perChannel: TensorInfo[]): { m: number; c: number } {
  const c = x.shape[x.shape.length - 1];
  for (const t of perChannel) if (t.shape.length !== 1 || t.shape[0] !== c) throw new Error(`${name}: per-channel tensors of shape [${c}] (got [${t.shape}])`);
  return { m: tf.util.sizeFromShape(x.shape) / c, c };
}

function batchNormKernels(k: Exports): KernelConfig[] {
  const train: KernelConfig = {
    kernelName: HG_BATCH_NORM_TRAIN,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const b = backend as unknown as WasmBackend;
      const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
      float32(HG_BATCH_NORM_TRAIN, x, gamma, beta);
      const { m, c } = channelsLast(HG_BATCH_NORM_TRAIN, x, gamma, beta);
      const [y, xhat] = [0, 1].map(() => b.makeOutput(x.shape.slice(), 'float32'));
      const [mean, variance, rstd] = [0, 1, 2].map(() => b.makeOutput([c], 'float32'));
      const acc = b.makeOutput([bnScratchFloats(c)], 'float32');
      k.bn_train_forward(offset(b, x), offset(b, gamma), offset(b, beta), offset(b, y), offset(b, xhat), offset(b, mean), offset(b, variance),
        offset(b, rstd), offset(b, acc), m, c, (attrs as unknown as { eps: number }).eps);
      b.disposeData(acc.dataId);
      return [y, xhat, mean, variance, rstd];
    },
  };
  const grad: KernelConfig = {
    kernelName: HG_BATCH_NORM_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const b = backend as unknown as WasmBackend;
      const { dy, xhat, gamma, rstd } = inputs as { dy: TensorInfo; xhat: TensorInfo; gamma: TensorInfo; rstd: TensorInfo };
      float32(HG_BATCH_NORM_GRAD, dy, xhat, gamma, rstd);
      if (dy.shape.join() !== xhat.shape.join()) throw new Error(`${HG_BATCH_NORM_GRAD}: dy [${dy.shape}] and x̂ [${xhat.shape}] differ`);
      const { m, c } = channelsLast(HG_BATCH_NORM_GRAD, dy, gamma, rstd);
      const dx = b.makeOutput(dy.shape.slice(), 'float32');
      const [dgamma, dbeta] = [0, 1].map(() => b.makeOutput([c], 'float32'));
      const acc = b.makeOutput([bnScratchFloats(c)], 'float32');
      k.bn_train_backward(offset(b, dy), offset(b, xhat), offset(b, gamma), offset(b, rstd), offset(b, dx), offset(b, dgamma), offset(b, dbeta),
        offset(b, acc), m, c);
      b.disposeData(acc.dataId);
      return [dx, dgamma, dbeta];
    },
  };
  return [train, grad];
}

export interface AdamAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  /** The step count (1 on the first step), for the bias corrections. */
  t: number;
  /** The HD code's ε placement (quirk 4.6) instead of torch.optim.Adam's. */
  legacy: boolean;
}

/** The scalars Adam's update multiplies by (float64; float32 once they reach a kernel or a tfjs scalar), for the kernel and the composed ops alike. */
export function adamConstants({ beta1, beta2, t }: AdamAttrs): { omb1: number; omb2: number; bc1: number; sbc2: number; scale: number } {
  const bc1 = 1 - beta1 ** t;
  const bc2 = 1 - beta2 ** t;
  return { omb1: 1 - beta1, omb2: 1 - beta2, bc1, sbc2: Math.sqrt(bc2), scale: Math.sqrt(bc2) / bc1 };
}

function configs(k: Exports): KernelConfig[] {
  return [adamKernel(k), filterGradKernel(k), poolGradKernel(k), ...batchNormKernels(k)];
}

function register(): void {
  for (const c of kernels) if (!tf.getKernel(c.kernelName, 'wasm')) tf.registerKernel(c);
}

function unregister(): void {
  // Only ours: a kernel of the same name registered by someone else stays.
  for (const c of kernels) if (tf.getKernel(c.kernelName, 'wasm')?.kernelFunc === c.kernelFunc) tf.unregisterKernel(c.kernelName, 'wasm');
}

/**
 * Instantiates the module on the current wasm backend's memory and registers its kernels (once per
 * backend instance). Never throws: a backend it cannot share memory with leaves the plain tfjs kernels.
 */
export function installOwnKernels(): void {
  if (tf.getBackend() !== 'wasm') return;
  const backend = tf.backend() as unknown as WasmBackend;
  if (installedOn === backend) return;
  installedOn = backend;
  unregister();
  kernels = [];
  const memory = backend.wasm?.asm?.memory ?? backend.wasm?.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) {
    status = 'off: the wasm backend does not expose its memory';
    return;
  }
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    // Synchronous compile: the module is 17 kB, and this runs in Node or a Web Worker (no main-thread limit).
    const bytes = decode(shared ? HGKERNELS_SHARED_WASM_BASE64 : HGKERNELS_WASM_BASE64);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    kernels = configs(instance.exports as unknown as Exports);
  } catch (e) {
    status = `off: ${(e as Error).message}`;
    return;
  }
  status = 'on';
  if (enabled) register();
}

/** Turns the own kernels on or off (both take effect at once; the default is on). */
export function setOwnKernels(on: boolean): void {
  enabled = on;
  if (on) register();
  else unregister();
}

/** 'on', 'disabled', or 'off: why'. */
export function ownKernelsStatus(): string {
  return status === 'on' && !enabled ? 'disabled' : status;
}

/** Whether a kernel is registered for the current backend (the own kernels: wasm, when on). */
const runsHere = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;

/** Whether the fused Adam kernel runs on the current backend. */
export const hasFusedAdam = () => runsHere(HG_ADAM);
/** Whether the relu(maxPool 2×2) gradient kernel runs on the current backend. */
export const hasReluMaxPool2Grad = () => runsHere(HG_RELU_MAX_POOL2_GRAD);
/** Whether the batch-norm kernels run on the current backend. */
export const hasBatchNormKernels = () => runsHere(HG_BATCH_NORM_TRAIN);

/** Training-mode batch norm of x [..., c]: y, x̂, the batch mean, the biased variance and 1/√(var + eps). */
export function batchNormTrainKernel(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): [tf.Tensor, tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D] {
  return tf.engine().runKernel(HG_BATCH_NORM_TRAIN, { x, gamma, beta }, { eps }) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
}

/** Its gradient: dx, dγ, dβ from dy, x̂, γ and rstd. */
export function batchNormGradKernel(dy: tf.Tensor, xhat: tf.Tensor, gamma: tf.Tensor, rstd: tf.Tensor): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  return tf.engine().runKernel(HG_BATCH_NORM_GRAD, { dy, xhat, gamma, rstd }) as unknown as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
}

/** dz of relu(maxPool 2×2, stride 2)(z), from z, the pooled p (before the ReLU) and dy (the caller checked hasReluMaxPool2Grad()). */
export function reluMaxPool2Grad(z: tf.Tensor4D, p: tf.Tensor4D, dy: tf.Tensor): tf.Tensor4D {
  return tf.engine().runKernel(HG_RELU_MAX_POOL2_GRAD, { z, p, dy }) as tf.Tensor4D;
}

/** Adam's m2, v2 and u in one kernel (the caller checked hasFusedAdam()). */
export function fusedAdam(g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(HG_ADAM, { g, m, v }, attrs as unknown as NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
