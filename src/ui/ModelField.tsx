// The model select; the model shows its parameter count.
import type { ModelName } from '../engine/types';
import { MODELS, parameterCount } from '../models/catalog';
import { useConfigStore } from '../store/configStore';

const fmt = new Intl.NumberFormat('en-US');

export function ModelField() {
  const model = useConfigStore((s) => s.model);
  const setModel = useConfigStore((s) => s.setModel);
  const info = MODELS.find((m) => m.name === model) ?? MODELS[0];
  return (
    <div className="field">
      <label htmlFor="field-model">Model</label>
      <select id="field-model" value={model} aria-describedby="field-model-hint" onChange={(e) => setModel(e.target.value as ModelName)}>
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
  );
}
