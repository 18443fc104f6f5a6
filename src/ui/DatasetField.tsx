// The dataset select. Choosing one loads it at once (each dataset is fetched only once); under it,
// the import panel for datasets the page can load from the user's files (CIFAR-10, Fashion-MNIST).
import type { DatasetName } from '../engine/types';
import { DATASETS } from '../data/datasets';
import { ensureDataset } from '../store/dataset';
import { useConfigStore } from '../store/configStore';
import { DataImport } from './DataImport';

const fmt = new Intl.NumberFormat('en-US');

export function DatasetField() {
  const dataset = useConfigStore((s) => s.dataset);
  const setDataset = useConfigStore((s) => s.setDataset);
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
    <DataImport />
    </>
  );
}
