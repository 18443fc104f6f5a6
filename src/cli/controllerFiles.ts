// A controller named on the command line: a shipped id (public/controllers/ID.json) or a controller.json
// written by `npm run controller -- train`. Runs record it as the page does: the id, or file:<SHA-256 prefix>.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseController, type Controller } from '../rl/controllerFile';
import { FILE_PREFIX, SHIPPED_CONTROLLERS, shippedControllerPath } from '../rl/shippedControllers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Throws an Error naming the problem (unreadable, or not a controller file and why). */
export function readController(arg: string): { ctrl: Controller; path: string; ref: string } {
  const shipped = !existsSync(arg) && SHIPPED_CONTROLLERS.some((c) => c.id === arg);
  const file = shipped ? path.join(ROOT, 'public', shippedControllerPath(arg)) : arg;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`cannot read "${arg}" (a controller.json from npm run controller -- train, or one of ${SHIPPED_CONTROLLERS.map((c) => c.id).join(', ')})`);
  }
  const ctrl = parseController(text);
  // The page names a loaded file by the SHA-256 of its text: the same file gets the same name in both.
  const ref = shipped ? arg : FILE_PREFIX + createHash('sha256').update(text).digest('hex').slice(0, 16);
  return { ctrl, path: file, ref };
}
