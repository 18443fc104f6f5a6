// The pure model catalog: names, fits, layer sizes, parameter counts and multiply-adds against
// hand-derived and published numbers.
import { describe, expect, it } from 'vitest';
import type { ModelName } from '../../src/engine/types';
import {
  MODELS,
  WIDTHS,
  forwardMacs,
  isModelName,
  lenetPlan,
  mlpLayers,
  modelFits,
  modelInfo,
  parameterCount,
  vggPlan,
} from '../../src/models/catalog';

const MNIST = [28, 28, 1] as const;
const CIFAR = [32, 32, 3] as const;

describe('model catalog', () => {
  it('lists the eight models in page order', () => {
    expect(MODELS.map((m) => m.name)).toEqual(['ffnn100', 'logreg', 'mlp', 'mlp3', 'mlp128tanh', 'lenet5', 'vgg16bn', 'resnet18']);
    expect(MODELS.filter((m) => m.usesWidth).map((m) => m.name)).toEqual(['vgg16bn', 'resnet18']);
    for (const m of MODELS) {
      expect(m.label.length).toBeGreaterThan(0);
      expect(m.summary.length).toBeGreaterThan(0);
      expect(modelInfo(m.name)).toBe(m);
    }
    expect(modelInfo('lenet5').summary).toContain('conv 5×5 ×6');
    expect(WIDTHS).toEqual([1, 0.5, 0.25, 0.125]);
  });

  it('rejects unknown names', () => {
    expect(() => modelInfo('resnet' as ModelName)).toThrow(/Unknown model "resnet"/);
    expect(isModelName('resnet18')).toBe(true);
    expect(isModelName('mlp3')).toBe(true);
    expect(isModelName('vgg16bn')).toBe(true);
    expect(isModelName('lenet5')).toBe(true);
    expect(isModelName('vgg')).toBe(false);
    expect(isModelName(3)).toBe(false);
    expect(isModelName(undefined)).toBe(false);
  });

  it('says which models fit which image shapes', () => {
    for (const name of ['logreg', 'ffnn100', 'mlp'] as const) {
      expect(modelFits(name, MNIST)).toBeNull();
      expect(modelFits(name, CIFAR)).toBeNull();
      expect(modelFits(name, [7, 5, 2])).toBeNull();
    }
    expect(modelFits('lenet5', MNIST)).toBeNull();
    expect(modelFits('lenet5', [28, 28, 3])).toBeNull();
    expect(modelFits('lenet5', CIFAR)).toBeNull();
    expect(modelFits('lenet5', [32, 32, 1])).toBeNull();
    expect(modelFits('lenet5', [16, 16, 1])).toMatch(/LeNet-5 needs 28×28 or 32×32.*16×16×1/);
    expect(modelFits('vgg16bn', CIFAR)).toBeNull();
    expect(modelFits('vgg16bn', MNIST)).toBe('VGG-16-BN needs 32×32×3 images (CIFAR-10); this dataset has 28×28×1.');
    expect(modelFits('vgg16bn', [32, 32, 1])).toMatch(/VGG-16-BN needs 32×32×3/);
  });

  it('gives the MLP family its dense layer sizes, input flattened', () => {
    expect(mlpLayers('logreg', MNIST, 10)).toEqual([784, 10]);
    expect(mlpLayers('ffnn100', MNIST, 10)).toEqual([784, 100, 10]);
    expect(mlpLayers('mlp', MNIST, 10)).toEqual([784, 1000, 1000, 10]);
    expect(mlpLayers('mlp', CIFAR, 10)).toEqual([3072, 1000, 1000, 10]);
    expect(() => mlpLayers('lenet5', MNIST, 10)).toThrow(/convolutional/);
    expect(() => mlpLayers('vgg16bn', CIFAR, 10)).toThrow(/convolutional/);
  });

  it('counts parameters by hand', () => {
    // LogReg 784·10 + 10; FFNN 784·100 + 100 + 100·10 + 10; MLP 784·1000+1000 + 1000·1000+1000 + 1000·10+10.
    expect(parameterCount('logreg', MNIST, 10)).toBe(7850);
    expect(parameterCount('ffnn100', MNIST, 10)).toBe(79510);
    expect(parameterCount('mlp', MNIST, 10)).toBe(1_796_010);
    // LeNet-5 on 28×28×1: conv1 6·1·25+6 = 156, conv2 16·6·25+16 = 2416, fc 400·120+120 = 48120,
    // 120·84+84 = 10164, 84·10+10 = 850 → 61,706. On 32×32×3 conv1 has 6·3·25+6 = 456 → 62,006.
    expect(parameterCount('lenet5', MNIST, 10)).toBe(61_706);
    expect(parameterCount('lenet5', CIFAR, 10)).toBe(62_006);
    // VGG-16-BN: the common CIFAR VGG16-BN with one Linear(512, 10) has 14,728,266 parameters (published);
    // the spec's classifier Linear(512,512)-Linear(512,512)-Linear(512,10) adds 2·(512·512+512) = 525,312.
    expect(parameterCount('vgg16bn', CIFAR, 10)).toBe(14_728_266 + 525_312);
    expect(parameterCount('vgg16bn', CIFAR, 10, 1)).toBe(15_253_578);
    // Width 1/8: channels 8,8,16,16,32,32,32,64×6, classifier 64-64. Per conv 9·in·out + out (bias) + 2·out (BN):
    // 3→8: 240, 8→8: 600, 8→16: 1200, 16→16: 2352, 16→32: 4704, 32→32: 9312 ×2, 32→64: 18624,
    // 64→64: 37056 ×5 → 231,624 for the features; classifier 2·(64·64+64) + 64·10+10 = 8,970 → 240,594.
    const w8 = [
      [3, 8], [8, 8], [8, 16], [16, 16], [16, 32], [32, 32], [32, 32], [32, 64],
      [64, 64], [64, 64], [64, 64], [64, 64], [64, 64],
    ];
    const features = w8.reduce((n, [i, o]) => n + 9 * i * o + 3 * o, 0);
    expect(features).toBe(231_624);
    expect(parameterCount('vgg16bn', CIFAR, 10, 0.125)).toBe(240_594);
    // Width is ignored by the models without one, but must be a valid multiplier.
    expect(parameterCount('lenet5', MNIST, 10, 0.5)).toBe(61_706);
    expect(() => parameterCount('vgg16bn', CIFAR, 10, 0.3)).toThrow(/width/);
    expect(() => parameterCount('vgg16bn', MNIST, 10)).toThrow(/VGG-16-BN needs 32×32×3/);
  });

  it('counts forward multiply-adds by hand', () => {
    expect(forwardMacs('logreg', MNIST, 10)).toBe(7840);
    expect(forwardMacs('mlp', MNIST, 10)).toBe(784_000 + 1_000_000 + 10_000);
    // LeNet-5 on MNIST: conv1 28·28 outputs × 6 × (1·5·5) = 117,600; conv2 10·10 × 16 × (6·5·5) = 240,000;
    // dense 400·120 + 120·84 + 84·10 = 58,920 → 416,520.
    expect(forwardMacs('lenet5', MNIST, 10)).toBe(416_520);
    // On 32×32×3 conv1 (no padding) has 28·28 × 6 × 75 = 352,800.
    expect(forwardMacs('lenet5', CIFAR, 10)).toBe(352_800 + 240_000 + 58_920);
    // VGG-16-BN width 1: conv MACs = H·W·9·in·out per layer:
    //   32²: 3→64 1,769,472; 64→64 37,748,736      16²: 64→128 18,874,368; 128→128 37,748,736
    //   8²: 128→256 18,874,368; 256→256 ×2 37,748,736  4²: 256→512 18,874,368; 512→512 ×2 37,748,736
    //   2²: 512→512 ×3 9,437,184
    //   = 1,769,472 + 6·37,748,736 + 3·18,874,368 + 3·9,437,184 = 313,196,544
    // plus the classifier 512·512·2 + 512·10 = 529,408. Published: ≈ 0.31 G MACs for CIFAR VGG-16.
    const vgg = forwardMacs('vgg16bn', CIFAR, 10);
    expect(vgg).toBe(313_196_544 + 529_408);
    expect(Math.abs(vgg / 313e6 - 1)).toBeLessThan(0.01);
    // Scaling every channel by w scales conv MACs by about w² (exactly, except the 3-channel input).
    expect(forwardMacs('vgg16bn', CIFAR, 10, 0.5)).toBeLessThan(vgg / 3.9);
  });

  it('plans the conv models layer by layer', () => {
    const l28 = lenetPlan(MNIST, 10);
    expect(l28.features[0]).toMatchObject({ kind: 'conv', inChannels: 1, outChannels: 6, kernel: 5, pad: 2 });
    expect(l28.featureShape).toEqual([5, 5, 16]);
    expect(l28.dense).toEqual([400, 120, 84, 10]);
    const l32 = lenetPlan(CIFAR, 10);
    expect(l32.features[0]).toMatchObject({ inChannels: 3, pad: 0 });
    expect(l32.featureShape).toEqual([5, 5, 16]);
    const v = vggPlan(CIFAR, 10, 1);
    const convs = v.features.filter((f) => f.kind === 'conv');
    expect(convs.map((f) => (f.kind === 'conv' ? f.outChannels : 0))).toEqual([64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]);
    expect(v.features.filter((f) => f.kind === 'pool')).toHaveLength(5);
    expect(v.featureShape).toEqual([1, 1, 512]);
    expect(v.dense).toEqual([512, 512, 512, 10]);
    expect(vggPlan(CIFAR, 10, 0.125).dense).toEqual([64, 64, 64, 10]);
  });
});
