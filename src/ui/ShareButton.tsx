// `Copy link`: the page's address, which always carries the whole configuration (src/store/urlSync.ts),
// to the clipboard. Where the clipboard is refused (no permission, insecure context), the link appears
// in a read-only field, selected, for the person to copy by hand. The outcome is announced politely.
import { useRef, useState } from 'react';
import { writeAddressNow } from '../store/urlSync';
import { writeClipboard } from './clipboard';

export function ShareButton() {
  const [message, setMessage] = useState('');
  const [manual, setManual] = useState<string | null>(null);
  const fieldRef = useRef<HTMLInputElement>(null);

  const copy = async () => {
    const link = writeAddressNow();
    if (await writeClipboard(link)) {
      setManual(null);
      // A fresh string each press, so a screen reader announces a second copy too.
      setMessage(message === 'Link copied' ? 'Link copied again' : 'Link copied');
    } else {
      setManual(link);
      setMessage('The browser did not allow copying: the link is selected below, press Ctrl+C (⌘C) to copy it');
      // After React has rendered the field.
      requestAnimationFrame(() => fieldRef.current?.select());
    }
  };

  return (
    <div className="field share-link">
      <div className="run-buttons">
        <button type="button" onClick={() => void copy()} aria-describedby="share-hint">
          Copy link
        </button>
        <span aria-live="polite" aria-atomic="true" className="field-hint">
          {message}
        </span>
      </div>
      <span id="share-hint" className="field-hint">
        the address always holds every setting above, the chart view included
      </span>
      {manual !== null && (
        <>
          <label htmlFor="share-link-text" className="visually-hidden">
            Link to this configuration
          </label>
          <input id="share-link-text" ref={fieldRef} type="text" readOnly value={manual} onFocus={(e) => e.currentTarget.select()} />
        </>
      )}
    </div>
  );
}
