// The model select with what each model costs on the selected dataset: parameters and the work of one
// training step; VGG-16-BN's width multiplier; a message when the model does not fit the dataset.
import type { ModelName } from '../engine/types';
import { datasetInfo } from '../data/datasets';
import { forwardMacs, MODELS, modelFits, modelInfo, parameterCount, WIDTHS } from '../models/catalog';
import { useConfigStore, useValidation } from '../store/configStore';
import { FieldError } from './FieldError';

const fmt = new Intl.NumberFormat('en-US');
const WIDTH_LABELS: Record<number, string> = { 1: '1 (reference)', 0.5: '½', 0.25: '¼', 0.125: '⅛ (fastest)' };

/** 1234567 → "1.2 M", 3.1e9 → "3.1 G": SI prefixes, as people read sizes and FLOP counts. */
export function compact(n: number): string {
  const units = ['', 'k', 'M', 'G', 'T', 'P'];
  let i = 0;
  while (Math.abs(n) >= 999.95 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i === 0 || n >= 100 ? 0 : 1)} ${units[i]}`;
}

/**
 * Work of one training step in floating-point operations: forward multiply-adds × 2 flops × 3 (forward,
 * input gradient, weight gradient are each about one forward pass) × batch size.
 */
export function stepFlops(model: ModelName, shape: readonly [number, number, number], classes: number, width: number, batchSize: number): number {
  return forwardMacs(model, shape, classes, width) * 2 * 3 * batchSize;
}

export function ModelField() {
  const model = useConfigStore((s) => s.model);
  const dataset = useConfigStore((s) => s.dataset);
  const width = useConfigStore((s) => s.width);
  const batchText = useConfigStore((s) => s.texts.batchSize);
  const setModel = useConfigStore((s) => s.setModel);
  const setWidth = useConfigStore((s) => s.setWidth);
  const { modelError } = useValidation();
  const data = datasetInfo(dataset);
  const shape = data.imageShape;
  const info = modelInfo(model);
  const w = info.usesWidth ? width : 1;
  const batch = Number(batchText);
  const fits = modelError === null;
  const params = fits ? parameterCount(model, shape, data.numClasses, w) : null;
  const flops = fits && Number.isInteger(batch) && batch >= 1 ? stepFlops(model, shape, data.numClasses, w, batch) : null;
  return (
    <>
      <div className="field">
        <label htmlFor="field-model">Model</label>
        <select
          id="field-model"
          value={model}
          aria-invalid={!fits}
          aria-describedby="field-model-hint field-model-error"
          onChange={(e) => setModel(e.target.value as ModelName)}
        >
          {MODELS.map((m) => {
            const misfit = modelFits(m.name, shape);
            return (
              <option key={m.name} value={m.name}>
                {m.label}
                {misfit ? ` — not for ${data.label}` : ` — ${compact(parameterCount(m.name, shape, data.numClasses, m.usesWidth ? width : 1))} parameters`}
              </option>
            );
          })}
        </select>
        <span id="field-model-hint" className="field-hint">
          {info.summary}
          {params !== null && `: ${fmt.format(params)} parameters`}
          {flops !== null && `, ≈ ${compact(flops)}FLOP per training step (batch ${fmt.format(batch)})`}
        </span>
        <FieldError id="field-model-error" message={modelError ?? undefined} />
      </div>
      {info.usesWidth && (
        <div className="field">
          <label htmlFor="field-width">Width</label>
          <select id="field-width" value={String(width)} aria-describedby="field-width-hint" onChange={(e) => setWidth(Number(e.target.value))}>
            {WIDTHS.map((v) => (
              <option key={v} value={String(v)}>
                {WIDTH_LABELS[v] ?? String(v)}
              </option>
            ))}
          </select>
          <span id="field-width-hint" className="field-hint">
            multiplies every channel count and the 512-wide classifier; work per step scales about with its square
          </span>
        </div>
      )}
    </>
  );
}
