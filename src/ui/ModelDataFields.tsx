// Dataset and model selects; the model shows its parameter count.
import type { DatasetName, ModelName } from '../engine/types';
import { DATASETS } from '../data/datasets';
import { MODELS, parameterCount } from '../models/catalog';
import { ensureDataset } from '../store/dataset';
import { useConfigStore } from '../store/configStore';

const fmt = new Intl.NumberFormat('en-US');

export function ModelDataFields() {
  const model = useConfigStore((s) => s.model);
  const dataset = useConfigStore((s) => s.dataset);
  const setModel = useConfigStore((s) => s.setModel);
  const setDataset = useConfigStore((s) => s.setDataset);
  const info = MODELS.find((m) => m.name === model) ?? MODELS[0];
  return (
    <>
      <div className="field">
        <label htmlFor="field-dataset">Dataset</label>
        <select
          id="field-dataset"
          value={dataset}
          onChange={(e) => {
            const name = e.target.value as DatasetName;
            setDataset(name);
            // Load (or re-show) the chosen dataset at once; each dataset is fetched only once.
            ensureDataset(name).catch(() => undefined);
          }}
        >
          {DATASETS.map((d) => (
            <option key={d.name} value={d.name}>
              {d.label} ({fmt.format(d.nTrain)} train / {fmt.format(d.nTest)} test)
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="field-model">Model</label>
        <select
          id="field-model"
          value={model}
          aria-describedby="field-model-hint"
          onChange={(e) => setModel(e.target.value as ModelName)}
        >
          {MODELS.map((m) => (
            <option key={m.name} value={m.name}>
              {m.label} — {fmt.format(parameterCount(m.layers))} parameters
            </option>
          ))}
        </select>
        <span id="field-model-hint" className="field-hint">
          {info.layers.join('-')}: {fmt.format(parameterCount(info.layers))} parameters
        </span>
      </div>
    </>
  );
}
