// The controller of an Adam + learned schedule run, resolved in its worker before training: a shipped
// one fetched from the app's base URL (public/controllers/<id>.json), a loaded one (`file:…`) from the
// text the page sent with the start message. Throws Error with a message a person can act on.
import type { TrainConfig } from '../engine/types';
import { optimizerLabel } from '../optim/catalog';
import { HYPER_DEFAULTS } from '../optim/hyper';
import { parseController, type Controller } from '../rl/controllerFile';
import { controllerRefProblem, FILE_PREFIX, shippedControllerPath } from '../rl/shippedControllers';

/** The message of a run whose loaded controller this browser does not have (e.g. a link opened elsewhere). */
export function missingControllerMessage(ref: string, optimizer = 'Adam-Learned'): string {
  return `the controller file ${ref} is not in this browser (a shared link names a loaded controller but cannot carry its file): load it with "Load controller" in the settings of ${optimizerLabel(optimizer)}, or pick a shipped controller`;
}

export interface ResolveInputs {
  config: TrainConfig;
  /** The loaded controller's text, when the page has it. */
  controllerText?: string;
  /** The app's base URL (import.meta.env.BASE_URL), absolute or relative to `pageUrl`. */
  baseUrl: string;
  /** What a relative base is resolved against (the page's address). */
  pageUrl?: string;
  fetchImpl?: typeof fetch;
}

/** Where a shipped controller is fetched from. */
export function shippedControllerUrl(id: string, baseUrl: string, pageUrl?: string): string {
  const rel = baseUrl + shippedControllerPath(id);
  try {
    return new URL(rel, pageUrl).href;
  } catch {
    return rel;
  }
}

export async function resolveController({ config, controllerText, baseUrl, pageUrl, fetchImpl = fetch }: ResolveInputs): Promise<Controller> {
  const ref = config.options?.controller ?? HYPER_DEFAULTS.controller;
  const problem = controllerRefProblem(ref);
  if (problem) throw new Error(problem);
  if (ref.startsWith(FILE_PREFIX)) {
    if (controllerText === undefined) throw new Error(missingControllerMessage(ref, config.optimizer));
    return parseController(controllerText);
  }
  const url = shippedControllerUrl(ref, baseUrl, pageUrl);
  let res: Response;
  try {
    res = await fetchImpl(url);
  } catch (e) {
    throw new Error(`could not fetch the shipped controller ${url} (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!res.ok) throw new Error(`could not fetch the shipped controller ${url}: HTTP ${res.status}`);
  return parseController(await res.text());
}
