// Presets (src/store/presets.ts): a select and an Apply button, so the keyboard reaches every preset
// and nothing changes until the person confirms. Applying sets the optimizers and the fields; every
// field stays editable afterwards. The outcome is announced politely.
import { useState } from 'react';
import { useConfigStore } from '../store/configStore';
import { ensureDataset } from '../store/dataset';
import { PAGE_PRESETS, findPagePreset } from '../store/presets';

export function PresetPicker() {
  const [id, setId] = useState(PAGE_PRESETS[0].id);
  const [announce, setAnnounce] = useState('');
  const preset = findPagePreset(id) ?? PAGE_PRESETS[0];

  const apply = () => {
    const store = useConfigStore.getState();
    const datasetChanges = preset.patch.dataset !== undefined && preset.patch.dataset !== store.dataset;
    store.applyConfig(preset.patch);
    // As the Dataset select does: start loading the new dataset at once.
    if (datasetChanges && preset.patch.dataset) ensureDataset(preset.patch.dataset).catch(() => undefined);
    setAnnounce(`Applied “${preset.label}”: ${preset.patch.optimizers?.length ?? 0} optimizers selected; every field can still be edited.`);
  };

  return (
    <div className="field preset-picker">
      <label htmlFor="field-preset">Preset</label>
      <div className="log-row">
        <select id="field-preset" value={id} aria-describedby="field-preset-hint" onChange={(e) => setId(e.target.value)}>
          {PAGE_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
        <button type="button" onClick={apply}>
          Apply preset
        </button>
      </div>
      <span id="field-preset-hint" className="field-hint">
        {preset.hint}
      </span>
      <span aria-live="polite" aria-atomic="true" className="field-hint">
        {announce}
      </span>
    </div>
  );
}
