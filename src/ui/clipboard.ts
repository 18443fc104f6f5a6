// The clipboard, where the browser allows it (permission, secure context). Callers show the text in a
// selected field for a manual copy when it does not.

/** Writes `text`; false when the browser refused (no Clipboard API here, or permission denied). */
export async function writeClipboard(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard?.writeText) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
