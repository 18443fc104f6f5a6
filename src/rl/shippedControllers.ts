// The controllers the page ships (public/controllers/<id>.json, trained by `npm run controller -- train`)
// and how a run names its controller (TrainConfig.options.controller). No tfjs, no DOM.

export interface ShippedController {
  id: string;
  /** What the page's Controller select shows. */
  label: string;
}

export const SHIPPED_CONTROLLERS: readonly ShippedController[] = [
  { id: 'mnist-mlp3-discrete', label: 'MNIST, MLP3, discrete ×1.05 / ÷1.05 / keep' },
];

/** A controller loaded from a file is named by the first 16 hex digits of its text's SHA-256. */
export const FILE_PREFIX = 'file:';

/** null when `ref` names a controller a run can use (a shipped id or file:<16 hex>), else why not. */
export function controllerRefProblem(ref: string): string | null {
  if (SHIPPED_CONTROLLERS.some((c) => c.id === ref)) return null;
  if (ref.startsWith(FILE_PREFIX)) {
    return /^[0-9a-f]{16}$/.test(ref.slice(FILE_PREFIX.length)) ? null : `"${ref}" is not a loaded controller's name (file: and 16 hex digits)`;
  }
  return `Unknown controller "${ref}". Shipped: ${SHIPPED_CONTROLLERS.map((c) => c.id).join(', ')}; or load one from a file.`;
}

/** Where the page fetches a shipped controller from (relative to the app's base URL). */
export function shippedControllerPath(id: string): string {
  return `controllers/${id}.json`;
}
