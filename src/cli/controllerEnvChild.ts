// One environment of `controller train`, in its own process (as stable-baselines' SubprocVecEnv): it
// trains child networks episode after episode and trades observations for actions with the parent over
// the IPC channel (src/cli/controllerVecEnv.ts). Episodes start by themselves when one ends (VecEnv's
// auto-reset): the reply to an episode's last action carries the next episode's first observation.
import { holdOut, type Holdout } from '../data/holdout';
import { subSeed } from '../data/batching';
import type { EpisodeSettings } from './controllerEpisode';
import { episodeInitialLr, nextLr } from '../rl/lrActions';
import { Rng } from '../rl/random';

export type ActionKind = { kind: 'discrete'; factor: number } | { kind: 'continuous'; low: number; high: number };

export interface EnvInit {
  type: 'init';
  settings: EpisodeSettings;
  backend: 'wasm' | 'cpu' | 'webgpu';
  /** Seed of this environment: episode k's network and batches use subSeed(seed, k), its α draws their own stream. */
  seed: number;
  action: ActionKind;
  /** Gaussian noise on α after each action and on the initial α (the reference's lr_noise, on in training). */
  noise: boolean;
  /** Fixed initial α, or null for the reference's random choice among 1e-2, 1e-3, 1e-4. */
  initialLr: number | null;
}
export type ToChild = EnvInit | { type: 'reset' } | { type: 'step'; action: number } | { type: 'close' };

/** What the parent logs about a finished episode. */
export interface EpisodeInfo {
  initialLr: number;
  finalLr: number;
  finalValLoss: number;
  bestValLoss: number;
  /** Sum of the episode's raw rewards (−validation loss after each action). */
  return: number;
  testLoss: number | null;
  testAccuracy: number | null;
  wallS: number;
}
export type FromChild =
  | { type: 'ready' }
  | { type: 'obs'; obs: number[] }
  | { type: 'step'; obs: number[]; reward: number; done: boolean; episode?: EpisodeInfo }
  | { type: 'error'; message: string };

/** α after an action: the discrete index (0 ×f, 1 ÷f, 2 keep) or the continuous factor (clipped by the learner). */
export function actionFactor(a: ActionKind, action: number): number {
  if (a.kind === 'continuous') return Math.min(a.high, Math.max(a.low, action));
  if (action === 0) return a.factor;
  if (action === 1) return 1 / a.factor;
  if (action === 2) return 1;
  throw new Error(`discrete action must be 0, 1 or 2, got ${action}`);
}

interface Waiting {
  obs: number[];
  last: boolean;
  answer: (d: { lr: number; factor: number }) => void;
}

async function main(): Promise<void> {
  const send = (m: FromChild) => process.send!(m);
  let init: EnvInit | null = null;
  let split: Holdout | null = null;
  let rng: Rng;
  let episode = 0;
  // The trainer waiting for the next action, and the observations it produced that nobody read yet.
  let waiting: Waiting | null = null;
  let onObservation: ((w: Waiting) => void) | null = null;
  // Rejects the observation being awaited when the episode fails before producing it.
  let onEpisodeError: ((e: unknown) => void) | null = null;
  let episodeDone: Promise<{ testLoss: number | null; testAccuracy: number | null; wallS: number }> | null = null;
  let initialLr = 0;
  let bestVal = Infinity;
  let ret = 0;
  const { runEpisode } = await import('./controllerEpisode');
  const { loadNodeDataset } = await import('./nodeData');
  const { useNodeBackend } = await import('../engine/nodeBackends');

  const nextObservation = () =>
    new Promise<Waiting>((resolve, reject) => {
      onObservation = resolve;
      onEpisodeError = reject;
    });
  const startEpisode = () => {
    const i = init!;
    initialLr = i.initialLr ?? (i.noise ? episodeInitialLr(rng.uniform(), rng.normal()) : episodeInitialLr(rng.uniform(), 0));
    bestVal = Infinity;
    ret = 0;
    const seed = subSeed(i.seed, episode++, 0);
    const obs = nextObservation();
    const run = runEpisode(split!, i.settings, initialLr, seed, (_t, features, last) =>
      new Promise((answer) => {
        const w = { obs: features, last, answer };
        const cb = onObservation;
        onObservation = null;
        cb!(w);
      }),
    );
    const done = run.then((r) => ({ testLoss: r.test?.valLoss ?? null, testAccuracy: r.test?.valAccuracy ?? null, wallS: r.wallS }));
    episodeDone = done;
    done.catch(() => {}); // its failure is reported through the observation awaited (below)
    // An episode that fails (a throw in the trainer) or ends before its last observation (a diverged loss)
    // rejects the observation awaited, so the message handler reports it as an 'error' message instead of
    // an unhandled rejection ending this process or a wait that never ends. After the last observation
    // that promise is settled and the rejection does nothing.
    run.then(
      (r) => {
        if (episodeDone === done) onEpisodeError?.(new Error(`the episode's training ended (${r.state}) after ${r.controller.length} observations, before its last one`));
      },
      (e: unknown) => {
        if (episodeDone === done) onEpisodeError?.(e);
      },
    );
    return obs;
  };

  process.on('message', (msg: ToChild) => {
    void (async () => {
      try {
        if (msg.type === 'init') {
          init = msg;
          rng = new Rng(subSeed(msg.seed, 0, 7));
          console.log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);
          await useNodeBackend(msg.backend);
          split = holdOut(await loadNodeDataset(msg.settings.dataset));
          send({ type: 'ready' });
        } else if (msg.type === 'reset') {
          waiting = await startEpisode();
          bestVal = Math.min(bestVal, waiting.obs[1]);
          send({ type: 'obs', obs: waiting.obs });
        } else if (msg.type === 'step') {
          const w = waiting!;
          const factor = actionFactor(init!.action, msg.action);
          const next = nextObservation();
          w.answer({ lr: nextLr(w.obs[6], factor, init!.noise ? rng.normal() : 0), factor });
          const o = await next;
          bestVal = Math.min(bestVal, o.obs[1]);
          const reward = -o.obs[1];
          ret += reward;
          if (!o.last) {
            waiting = o;
            send({ type: 'step', obs: o.obs, reward, done: false });
            return;
          }
          o.answer({ lr: o.obs[6], factor: 1 }); // the final observation's answer is not used
          const end = await episodeDone!;
          const info: EpisodeInfo = { initialLr, finalLr: o.obs[6], finalValLoss: o.obs[1], bestValLoss: bestVal, return: ret, ...end };
          waiting = await startEpisode();
          bestVal = waiting.obs[1];
          send({ type: 'step', obs: waiting.obs, reward, done: true, episode: info });
        } else if (msg.type === 'close') {
          process.exit(0);
        }
      } catch (e) {
        send({ type: 'error', message: (e as Error).stack ?? String(e) });
      }
    })();
  });
}

if (process.send) void main();
