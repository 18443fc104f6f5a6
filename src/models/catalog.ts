// Model metadata without tfjs: names, labels, which image shapes each model accepts, layer sizes,
// parameter counts and forward-pass cost. The page, the CLI and the trainer read it; build.ts builds
// the tensors from the same architecture descriptions (vggPlan, lenetPlan, resnetPlan, mlpLayers).
import type { ModelName } from '../engine/types';

/**
 * Width multipliers of VGG-16-BN (every conv channel count and the two 512 classifier widths are scaled) and
 * ResNet-18 (every channel count, so the Linear's input too).
 */
export const WIDTHS: readonly number[] = [1, 0.5, 0.25, 0.125];

export interface ModelInfo {
  name: ModelName;
  label: string;
  /** Takes the width multiplier (WIDTHS). */
  usesWidth: boolean;
  /** One line for the page. */
  summary: string;
}

export const MODELS: readonly ModelInfo[] = [
  {
    name: 'ffnn100',
    label: 'FFNN, one hidden layer of 100 (fast)',
    usesWidth: false,
    summary: 'flattened image, dense 100, ReLU, dense to the classes',
  },
  {
    name: 'logreg',
    label: 'Logistic regression',
    usesWidth: false,
    summary: 'one linear layer on the flattened image',
  },
  {
    name: 'mlp',
    label: 'MLP, two hidden layers of 1000 (reference)',
    usesWidth: false,
    summary: 'flattened image, dense 1000, ReLU, dense 1000, ReLU, dense to the classes',
  },
  {
    name: 'mlp3',
    label: 'MLP3, hidden 256-128 (learned-schedule reference)',
    usesWidth: false,
    summary: 'flattened image, dense 256, ReLU, dense 128, ReLU, dense to the classes (as adaptive-learning-rate-schedule\'s MLP(784, 256, 128, 10))',
  },
  {
    name: 'mlp128tanh',
    label: 'MLP, one hidden layer of 128, tanh (gdtuo)',
    usesWidth: false,
    summary: 'flattened image, dense 128, tanh, dense to the classes, tanh (as Chandra et al. 2022)',
  },
  {
    name: 'lenet5',
    label: 'LeNet-5 (28×28 or 32×32 images)',
    usesWidth: false,
    summary: 'conv 5×5 ×6, pool, conv 5×5 ×16, pool, 120-84 (ReLU, max-pool)',
  },
  {
    name: 'vgg16bn',
    label: 'VGG-16-BN (CIFAR-10, reference)',
    usesWidth: true,
    summary: '13 conv 3×3 + batch norm (64 to 512 channels), 5 max-pools, dropout 512-512 classifier',
  },
  {
    name: 'resnet18',
    label: 'ResNet-18 (CIFAR form, any image ≥ 8×8)',
    usesWidth: true,
    summary: 'conv 3×3 + batch norm, 4 stages of 2 residual blocks (64 to 512 channels, stride 2 from stage 2), global average pool, linear',
  },
];

const NAMES: ReadonlySet<string> = new Set(MODELS.map((m) => m.name));

export function isModelName(v: unknown): v is ModelName {
  return typeof v === 'string' && NAMES.has(v);
}

export function modelInfo(name: ModelName): ModelInfo {
  const m = MODELS.find((x) => x.name === name);
  if (!m) throw new Error(`Unknown model "${String(name)}" (${MODELS.map((x) => x.name).join(', ')})`);
  return m;
}

type Shape = readonly [number, number, number];

// The fully connected models' hidden sizes (ReLU between layers; mlp128tanh: tanh, also on the output).
const HIDDEN: Partial<Record<ModelName, readonly number[]>> = { logreg: [], ffnn100: [100], mlp: [1000, 1000], mlp3: [256, 128], mlp128tanh: [128] };

function isMlp(name: ModelName): boolean {
  return HIDDEN[name] !== undefined;
}

function shapeText(shape: Shape): string {
  return shape.join('×');
}

function checkShape(shape: Shape): void {
  if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(`image shape must be [height, width, channels] of positive integers, got [${shape.join(', ')}]`);
  }
}

/** null when the model can train on images of this [h, w, c] shape, else a one-sentence reason. */
export function modelFits(name: ModelName, shape: Shape): string | null {
  modelInfo(name);
  checkShape(shape);
  const [h, w, c] = shape;
  if (isMlp(name)) return null;
  if (name === 'lenet5') {
    return h === w && (h === 28 || h === 32)
      ? null
      : `LeNet-5 needs 28×28 or 32×32 images (MNIST, Fashion-MNIST, CIFAR-10); this dataset has ${shapeText(shape)}.`;
  }
  if (name === 'resnet18') {
    return h >= 8 && w >= 8 ? null : `ResNet-18 needs images of at least 8×8; this dataset has ${shapeText(shape)}.`;
  }
  // vgg16bn
  return h === 32 && w === 32 && c === 3 ? null : `VGG-16-BN needs 32×32×3 images (CIFAR-10); this dataset has ${shapeText(shape)}.`;
}

function checkFits(name: ModelName, shape: Shape): void {
  const why = modelFits(name, shape);
  if (why) throw new Error(why);
}

function checkWidth(width: number): void {
  if (!WIDTHS.includes(width)) throw new RangeError(`width multiplier must be one of ${WIDTHS.join(', ')}, got ${width}`);
}

function checkClasses(numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`numClasses must be a positive integer, got ${numClasses}`);
}

/** For the MLP family: [h*w*c, ...hidden, numClasses]; throws for conv models. */
export function mlpLayers(name: ModelName, shape: Shape, numClasses: number): number[] {
  modelInfo(name);
  const hidden = HIDDEN[name];
  if (!hidden) throw new Error(`${name} is a convolutional model, not a fully connected one`);
  checkShape(shape);
  checkClasses(numClasses);
  return [shape[0] * shape[1] * shape[2], ...hidden, numClasses];
}

/** One convolution (stride 1, square kernel, symmetric zero padding `pad`), optionally followed by batch norm. */
export interface ConvSpec {
  kind: 'conv';
  inChannels: number;
  outChannels: number;
  kernel: number;
  pad: number;
  batchNorm: boolean;
}
export interface PoolSpec {
  kind: 'pool';
}
export type FeatureSpec = ConvSpec | PoolSpec;

/** The layers of a conv model: conv/pool features, then dense sizes [flattened features, ..., classes]. */
export interface ConvPlan {
  features: FeatureSpec[];
  /** Spatial size and channels of the last feature map (flattened into dense[0] = h·w·c). */
  featureShape: Shape;
  dense: number[];
}

/** VGG-16 configuration "D" of the spec (§6); 0 marks a 2×2 max-pool. */
const VGG_D = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0];

function scaled(c: number, width: number): number {
  return Math.max(1, Math.round(c * width));
}

function planFeatures(shape: Shape, features: FeatureSpec[], dense: number[], numClasses: number): ConvPlan {
  let [h, w] = shape;
  let c = shape[2];
  for (const f of features) {
    if (f.kind === 'pool') {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    } else {
      h = h + 2 * f.pad - f.kernel + 1;
      w = w + 2 * f.pad - f.kernel + 1;
      c = f.outChannels;
    }
  }
  return { features, featureShape: [h, w, c], dense: [h * w * c, ...dense, numClasses] };
}

/** VGG-16-BN for 32×32×3 inputs at width multiplier `width`. */
export function vggPlan(shape: Shape, numClasses: number, width = 1): ConvPlan {
  checkFits('vgg16bn', shape);
  checkClasses(numClasses);
  checkWidth(width);
  const features: FeatureSpec[] = [];
  let c = shape[2];
  for (const v of VGG_D) {
    if (v === 0) {
      features.push({ kind: 'pool' });
    } else {
      const out = scaled(v, width);
      features.push({ kind: 'conv', inChannels: c, outChannels: out, kernel: 3, pad: 1, batchNorm: true });
      c = out;
    }
  }
  const hidden = scaled(512, width);
  return planFeatures(shape, features, [hidden, hidden], numClasses);
}

/** LeNet-5 (ReLU, max-pool); the first conv pads by 2 on 28×28 inputs so both sizes reach 5×5×16. */
export function lenetPlan(shape: Shape, numClasses: number): ConvPlan {
  checkFits('lenet5', shape);
  checkClasses(numClasses);
  const pad = shape[0] === 28 ? 2 : 0;
  const features: FeatureSpec[] = [
    { kind: 'conv', inChannels: shape[2], outChannels: 6, kernel: 5, pad, batchNorm: false },
    { kind: 'pool' },
    { kind: 'conv', inChannels: 6, outChannels: 16, kernel: 5, pad: 0, batchNorm: false },
    { kind: 'pool' },
  ];
  return planFeatures(shape, features, [120, 84], numClasses);
}

/**
 * One convolution without bias (square kernel, stride, symmetric zero padding) followed by batch norm: the
 * unit every ResNet-18 conv is. Output size per axis: floor((in + 2·pad − kernel)/stride) + 1.
 */
export interface ConvBnSpec {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  pad: number;
  /** Input spatial size [h, w]. */
  inSize: readonly [number, number];
  /** Output spatial size [h, w]. */
  outSize: readonly [number, number];
}

/** A BasicBlock: conv1 (3×3, stride) → BN → ReLU → conv2 (3×3) → BN, + shortcut (identity or 1×1 conv → BN), ReLU. */
export interface ResBlockSpec {
  conv1: ConvBnSpec;
  conv2: ConvBnSpec;
  /** null: identity shortcut. */
  shortcut: ConvBnSpec | null;
}

/** ResNet-18 (CIFAR form): stem conv → BN → ReLU, 8 BasicBlocks, global average pool, Linear. */
export interface ResNetPlan {
  stem: ConvBnSpec;
  blocks: ResBlockSpec[];
  /** Spatial size and channels of the last feature map (averaged to `features` values per example). */
  featureShape: Shape;
  /** [features, classes] of the final Linear. */
  dense: [number, number];
}

/** The ResNet-18 stages: planes and the stride of each stage's first block (two BasicBlocks per stage). */
const RESNET18_STAGES: readonly (readonly [number, number])[] = [[64, 1], [128, 2], [256, 2], [512, 2]];

function convBn(inChannels: number, outChannels: number, kernel: number, stride: number, pad: number, inSize: readonly [number, number]): ConvBnSpec {
  const out = (d: number) => Math.floor((d + 2 * pad - kernel) / stride) + 1;
  return { inChannels, outChannels, kernel, stride, pad, inSize, outSize: [out(inSize[0]), out(inSize[1])] };
}

/**
 * ResNet-18 as kuangliu/pytorch-cifar models/resnet.py (BasicBlock, [2, 2, 2, 2]) at width multiplier
 * `width` (channels max(1, round(c·width))); any image of at least 8×8.
 */
export function resnetPlan(shape: Shape, numClasses: number, width = 1): ResNetPlan {
  checkFits('resnet18', shape);
  checkClasses(numClasses);
  checkWidth(width);
  const c0 = scaled(64, width);
  const stem = convBn(shape[2], c0, 3, 1, 1, [shape[0], shape[1]]);
  const blocks: ResBlockSpec[] = [];
  let c = c0;
  let size = stem.outSize;
  for (const [planes, stride0] of RESNET18_STAGES) {
    const p = scaled(planes, width);
    for (const stride of [stride0, 1]) {
      const conv1 = convBn(c, p, 3, stride, 1, size);
      const conv2 = convBn(p, p, 3, 1, 1, conv1.outSize);
      const shortcut = stride !== 1 || c !== p ? convBn(c, p, 1, stride, 0, size) : null;
      blocks.push({ conv1, conv2, shortcut });
      c = p;
      size = conv2.outSize;
    }
  }
  return { stem, blocks, featureShape: [size[0], size[1], c], dense: [c, numClasses] };
}

/** The conv units of a ResNet plan in torch's parameters() order (stem, then per block conv1, conv2, shortcut). */
export function resnetConvs(plan: ResNetPlan): ConvBnSpec[] {
  return [plan.stem, ...plan.blocks.flatMap((b) => (b.shortcut ? [b.conv1, b.conv2, b.shortcut] : [b.conv1, b.conv2]))];
}

function densePlanCount(layers: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < layers.length; i++) n += layers[i - 1] * layers[i] + layers[i];
  return n;
}

function convPlanOf(name: ModelName, shape: Shape, numClasses: number, width: number): ConvPlan {
  return name === 'lenet5' ? lenetPlan(shape, numClasses) : vggPlan(shape, numClasses, width);
}

/**
 * Trainable parameters (batch-norm running statistics are not counted; torch's parameters() neither).
 * Throws when the model does not fit the shape (check modelFits first) or the width is not in WIDTHS;
 * models without a width multiplier ignore a valid one.
 */
export function parameterCount(name: ModelName, shape: Shape, numClasses: number, width = 1): number {
  checkWidth(width);
  if (isMlp(name)) return densePlanCount(mlpLayers(name, shape, numClasses));
  if (name === 'resnet18') {
    const plan = resnetPlan(shape, numClasses, width);
    let n = 0;
    for (const u of resnetConvs(plan)) n += u.outChannels * u.inChannels * u.kernel * u.kernel + 2 * u.outChannels; // no conv bias; BN γ, β
    return n + densePlanCount(plan.dense);
  }
  const plan = convPlanOf(name, shape, numClasses, width);
  let n = 0;
  for (const f of plan.features) {
    if (f.kind !== 'conv') continue;
    n += f.outChannels * f.inChannels * f.kernel * f.kernel + f.outChannels;
    if (f.batchNorm) n += 2 * f.outChannels;
  }
  return n + densePlanCount(plan.dense);
}

/**
 * Multiply-adds of one forward pass for one example (convolutions and dense layers; batch norm, ReLU,
 * pooling and biases are not counted). A training step costs about 3× this per example. Throws as
 * parameterCount does.
 */
export function forwardMacs(name: ModelName, shape: Shape, numClasses: number, width = 1): number {
  checkWidth(width);
  const denseMacs = (layers: readonly number[]) => {
    let n = 0;
    for (let i = 1; i < layers.length; i++) n += layers[i - 1] * layers[i];
    return n;
  };
  if (isMlp(name)) return denseMacs(mlpLayers(name, shape, numClasses));
  if (name === 'resnet18') {
    const plan = resnetPlan(shape, numClasses, width);
    let n = 0;
    for (const u of resnetConvs(plan)) n += u.outSize[0] * u.outSize[1] * u.outChannels * u.inChannels * u.kernel * u.kernel;
    return n + denseMacs(plan.dense);
  }
  const plan = convPlanOf(name, shape, numClasses, width);
  let [h, w] = shape;
  let n = 0;
  for (const f of plan.features) {
    if (f.kind === 'pool') {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
      continue;
    }
    h = h + 2 * f.pad - f.kernel + 1;
    w = w + 2 * f.pad - f.kernel + 1;
    n += h * w * f.outChannels * f.inChannels * f.kernel * f.kernel;
  }
  return n + denseMacs(plan.dense);
}
