// Cross-backend oracle in real Chromium: the same run (same seed → same initial weights and batches) on
// webgl and on webgpu must follow the wasm run's trajectory. wasm itself is checked against the golden
// files (test/unit/golden.wasm.test.ts). Tolerance 1e-3 relative: float32 kernels differ between backends
// in summation order and transcendental functions, and the golden README notes WebGL may need 1e-3.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openPage } from './browser';
import { downloaded, useSuite } from './suite';

type Backend = 'wasm' | 'webgl' | 'webgpu';
interface Trajectory {
  loss: number[];
  lr: number[];
  valLoss: number[];
}

const ITERS = 10;
const TOL = 1e-3;
// SwiftShader WebGPU: correct but slow, so a correctness check on a small budget only.
const suite = useSuite(['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader']);

after(async () => {
});

/** Trains SGD-HD for ITERS iterations on `backend`; returns its tidy-CSV values per metric. */
async function run(backend: Backend): Promise<Trajectory> {
  const page = await openPage(suite.browser, { acceptDownloads: true });
  try {
    await page.goto(`${suite.server.url}/?backend=${backend}`);
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGD-HD', exact: true }).check();
    await page.getByLabel('Iterations', { exact: true }).fill(String(ITERS));
    await page.getByRole('button', { name: 'Start' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: /SGD-HD: (done|error|diverged)/ }).waitFor({ timeout: 240_000 });
    const text = await status.innerText();
    assert.match(text, new RegExp(`SGD-HD: done.*\\(${backend}\\)`), `ran on ${backend}: ${text}`);
    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const rows = readFileSync(await download.path(), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const of = (metric: string): number[] => rows.filter((r) => r[10] === metric).map((r) => Number(r[11]));
    return { loss: of('train_loss'), lr: of('lr'), valLoss: of('val_loss') };
  } finally {
    await page.close();
  }
}

function assertClose(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(...expected.map(Math.abs));
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= TOL * scale, `${what}[${i}]: ${a} vs ${expected[i]}`));
}

describe('backends agree on the same run', () => {
  let reference: Trajectory;
  before(async () => {
    reference = await run('wasm');
    assert.equal(reference.loss.length, ITERS);
  });
  for (const backend of ['webgl', 'webgpu'] as const) {
    it(`${backend} follows wasm`, async () => {
      const mine = await run(backend);
      assertClose(mine.loss, reference.loss, `${backend} train_loss`);
      assertClose(mine.lr, reference.lr, `${backend} lr`);
      assertClose(mine.valLoss, reference.valLoss, `${backend} val_loss`);
    });
  }
});
