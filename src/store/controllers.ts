// Controllers loaded from files (Adam + learned schedule's "Load controller"): checked with
// parseController, named `file:` + the first 16 hex digits of the text's SHA-256, kept in this browser's
// localStorage (a controller is tens of kB) and listed in the Controller select. A run names its
// controller by that ref (TrainConfig.options.controller); the page sends the stored text with the run's
// start message (the worker cannot read localStorage). No React, no tfjs.
import { create } from 'zustand';
import { optimizerInfo } from '../optim/catalog';
import { HYPER_DEFAULTS } from '../optim/hyper';
import { parseController } from '../rl/controllerFile';
import { FILE_PREFIX, SHIPPED_CONTROLLERS } from '../rl/shippedControllers';
import { controllerInputsProblem } from '../engine/learnedRun';
import type { TrainConfig } from '../engine/types';

/** The list of loaded controllers (metadata only; each text under TEXT_KEY_PREFIX + ref). */
export const LIST_KEY = 'hg-controllers';
export const TEXT_KEY_PREFIX = 'hg-controller:';

export interface LoadedController {
  /** `file:<16 hex>`. */
  ref: string;
  /** The file's name as loaded. */
  fileName: string;
  dataset: string;
  model: string;
  timesteps: number;
}

/** The parts of Web Storage this uses (localStorage in the page, a Map in the tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** `file:` + the first 16 hex digits of SHA-256 of the text (UTF-8), by crypto.subtle. */
export async function controllerFileRef(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  return FILE_PREFIX + hex.slice(0, 16);
}

/** What the Controller select shows for a loaded controller. */
export function loadedControllerLabel(c: LoadedController): string {
  return `Loaded: ${c.fileName} (${c.dataset}/${c.model}, ${c.timesteps} timesteps)`;
}

/** The select's options: the shipped controllers, then the loaded ones in load order. */
export function controllerChoices(loaded: readonly LoadedController[]): { value: string; label: string }[] {
  return [...SHIPPED_CONTROLLERS.map((c) => ({ value: c.id, label: c.label })), ...loaded.map((c) => ({ value: c.ref, label: loadedControllerLabel(c) }))];
}

const isLoaded = (v: unknown): v is LoadedController => {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.ref === 'string' && o.ref.startsWith(FILE_PREFIX) && typeof o.fileName === 'string' && typeof o.dataset === 'string'
    && typeof o.model === 'string' && typeof o.timesteps === 'number';
};

/** The stored list (entries whose text is gone, or that do not look like ours, are left out). */
export function readLoaded(storage: KeyValueStorage | null): LoadedController[] {
  if (!storage) return [];
  try {
    const raw = storage.getItem(LIST_KEY);
    if (raw === null) return [];
    const list: unknown = JSON.parse(raw);
    if (!Array.isArray(list)) return [];
    return list.filter(isLoaded).filter((c) => storage.getItem(TEXT_KEY_PREFIX + c.ref) !== null);
  } catch {
    return [];
  }
}

/** The text of a loaded controller, or null when this browser does not have it. */
export function storedControllerText(storage: KeyValueStorage | null, ref: string): string | null {
  if (!storage || !ref.startsWith(FILE_PREFIX)) return null;
  try {
    return storage.getItem(TEXT_KEY_PREFIX + ref);
  } catch {
    return null;
  }
}

export type LoadOutcome = { ok: true; controller: LoadedController; list: LoadedController[] } | { ok: false; problem: string };

/**
 * Checks a controller file's text and keeps it: parseController (its message is the problem when it
 * fails) and its inputs (controllerInputsProblem), then the ref, the text and the list in `storage`.
 * Loading the same text again keeps one entry (the newest file name). Nothing is stored when it fails; it never rejects (a page without Web Crypto,
 * i.e. not a secure context, gets a problem too).
 */
export async function addControllerFile(storage: KeyValueStorage | null, fileName: string, text: string): Promise<LoadOutcome> {
  let ctrl;
  try {
    ctrl = parseController(text);
  } catch (e) {
    return { ok: false, problem: e instanceof Error ? e.message : String(e) };
  }
  const inputs = controllerInputsProblem(ctrl);
  if (inputs) return { ok: false, problem: `Bad controller file: ${inputs}` };
  let ref: string;
  try {
    ref = await controllerFileRef(text);
  } catch (e) {
    // crypto.subtle exists only in secure contexts (https, localhost): without it the file cannot be named.
    return { ok: false, problem: `Could not name the controller by its SHA-256 (${e instanceof Error ? e.message : String(e)}); this needs the page over https or on localhost` };
  }
  const controller: LoadedController = { ref, fileName, dataset: ctrl.trained.dataset, model: ctrl.trained.model, timesteps: ctrl.trained.timesteps };
  const list = [...readLoaded(storage).filter((c) => c.ref !== ref), controller];
  if (storage) {
    try {
      storage.setItem(TEXT_KEY_PREFIX + ref, text);
      storage.setItem(LIST_KEY, JSON.stringify(list));
    } catch (e) {
      return { ok: false, problem: `Could not keep the controller in this browser's storage (${e instanceof Error ? e.message : String(e)})` };
    }
  }
  return { ok: true, controller, list };
}

/** The controller a run uses: its options' ref, or the default. */
export function controllerRefOf(config: Pick<TrainConfig, 'options'>): string {
  return config.options?.controller ?? HYPER_DEFAULTS.controller;
}

/**
 * What a run's start message carries besides the run: for an Adam + learned schedule run with a loaded
 * controller, its text when this browser has it (without it the worker ends the run with the reason).
 */
export function controllerStartFields(
  config: TrainConfig,
  storage: KeyValueStorage | null = pageStorage(),
  pageUrl: string | undefined = typeof document !== 'undefined' ? document.baseURI : undefined,
): { controllerText?: string; pageUrl?: string } {
  let learned = false;
  try {
    learned = optimizerInfo(config.optimizer).group === 'learned';
  } catch {
    return {};
  }
  if (!learned) return {};
  const text = storedControllerText(storage, controllerRefOf(config));
  return { ...(text === null ? {} : { controllerText: text }), ...(pageUrl !== undefined ? { pageUrl } : {}) };
}

/** The page's localStorage, or null where there is none (Node, a blocked storage). */
export function pageStorage(): KeyValueStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

interface ControllersState {
  loaded: LoadedController[];
  /** Checks and keeps a file; on success the list holds it. */
  load: (fileName: string, text: string) => Promise<LoadOutcome>;
}

export const useControllersStore = create<ControllersState>((set) => ({
  loaded: readLoaded(pageStorage()),
  load: async (fileName, text) => {
    const out = await addControllerFile(pageStorage(), fileName, text);
    if (out.ok) set({ loaded: out.list });
    return out;
  },
}));
