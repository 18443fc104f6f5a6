// The data-import worker: decoding a 170 MB archive (gunzip, tar, 60,000 records reordered to
// channels last) and (de)serialising 184 MB to IndexedDB would freeze the page, so they happen here.
// The work itself is src/data/importJob.ts; this file only answers messages.
import { errText } from '../data/bytes';
import { forgetStored, importDataset, loadStored, transferList, type ImportProgress } from '../data/importJob';
import { openIdbStore, type DatasetStore } from '../data/storedData';
import type { FromImportWorker, ToImportWorker } from './importProtocol';

const post = (m: FromImportWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

/** Progress at most every 50 ms (and always at a phase's start and end). */
function throttled(): ImportProgress {
  let last = 0;
  let lastPhase = '';
  return (phase, done, total) => {
    const now = performance.now();
    if (phase === lastPhase && now - last < 50 && done < total) return;
    last = now;
    lastPhase = phase;
    post({ type: 'progress', phase, done, total });
  };
}

function store(): DatasetStore | null {
  return typeof indexedDB === 'undefined' ? null : openIdbStore(indexedDB);
}

self.onmessage = async (ev: MessageEvent<ToImportWorker>) => {
  const msg = ev.data;
  const onProgress = throttled();
  try {
    switch (msg.type) {
      case 'import': {
        const r = await importDataset(msg.dataset, msg.source, { store: store(), onProgress });
        post({ type: 'done', data: r.data, stored: r.stored, storeError: r.storeError }, transferList(r.data));
        break;
      }
      case 'load-stored': {
        const r = await loadStored(msg.dataset, store(), onProgress);
        if (r) post({ type: 'done', data: r.data, stored: r.info, storeError: null }, transferList(r.data));
        else post({ type: 'done', data: null, stored: null, storeError: null });
        break;
      }
      case 'forget':
        await forgetStored(msg.dataset, store(), onProgress);
        post({ type: 'done', data: null, stored: null, storeError: null });
        break;
    }
  } catch (e) {
    // DataFormatError and storage Errors carry the whole story in their message.
    const message = e instanceof RangeError && /allocation|memory/i.test(e.message)
      ? `not enough memory to decode the data in this tab (${e.message}): close other tabs and try again`
      : errText(e);
    post({ type: 'error', message });
  }
};
