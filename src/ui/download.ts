// Save a string as a file: Blob + object URL + a clicked <a download>.
import { CSV_MIME } from '../export/csv';

export function downloadText(text: string, filename: string, mime = CSV_MIME): void {
  const blob = new Blob([text], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
