import { describe, expect, it } from 'vitest';
import { buildSidecar, sidecarFilename, sidecarJson, SIDECAR_FORMAT } from '../../src/export/sidecar';
import { CONFIG } from './persistHelpers';

const device = { hardwareConcurrency: 2, webglVendor: 'Google Inc.', webglRenderer: 'SwiftShader', gpuAdapter: null };
const run = (runId: string, backend: 'wasm' | 'webgl' | null) => ({
  runId, label: runId, batch: 1, state: 'done', backend, iteration: 50, total: 50, trainPoints: 50, evaluations: 6,
  validation: 'validation on all 10,000 test images at each epoch end', config: CONFIG,
});
const runsTable = { note: 'the page table', smoothing: 0, lossThreshold: null, rows: [] };

describe('export sidecar', () => {
  it('records version, time, browser, device, backends used (distinct, in run order) and every run', () => {
    const s = buildSidecar({
      appVersion: '0.1.0', exportedAt: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)), csvFile: 'runs.csv', userAgent: 'UA/1',
      requestedBackend: 'auto', device, runs: [run('a', 'webgl'), run('b', null), run('c', 'wasm'), run('d', 'webgl')], runsTable,
    });
    expect(s).toMatchObject({
      format: SIDECAR_FORMAT, formatVersion: 1, app: { version: '0.1.0' }, exportedAt: '2025-01-02T03:04:05.000Z',
      csvFile: 'runs.csv', userAgent: 'UA/1', backends: { requested: 'auto', used: ['webgl', 'wasm'] }, device,
    });
    expect(s.runs.map((r) => r.runId)).toEqual(['a', 'b', 'c', 'd']);
    expect(s.runs[0].config).toEqual(CONFIG);
    expect(s.runs[0].validation).toMatch(/^validation on all/);
    expect(s.runsTable).toEqual(runsTable);
  });

  it('is JSON that parses back to the same object; its name follows the CSV', () => {
    const input = { appVersion: '1', exportedAt: new Date(0), csvFile: 'x.csv', userAgent: '', requestedBackend: 'wasm', device, runs: [run('a', 'wasm')], runsTable };
    expect(JSON.parse(sidecarJson(input))).toEqual(buildSidecar(input));
    expect(sidecarFilename('hypergradient-runs-2025-01-02_03-04-05.csv')).toBe('hypergradient-runs-2025-01-02_03-04-05.json');
  });
});
