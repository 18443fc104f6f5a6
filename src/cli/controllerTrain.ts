// `npm run controller -- train`: PPO (src/rl/ppo.ts, the reference's settings) on K environments in
// parallel processes (src/cli/controllerVecEnv.ts). After every PPO update it writes, atomically:
//   OUT/checkpoint.json   the whole learner (weights, Adam moments, RNG, normaliser, counters) + settings
//   OUT/controller.json   the policy as the page loads it (src/rl/controllerFile.ts)
//   OUT/train-log.csv     one row per update (mean episode reward, losses, KL, …)
//   OUT/episodes.csv      one row per finished episode (initial and final α, validation and test loss)
// --resume continues from OUT/checkpoint.json (same settings required); the environments restart, so the
// episodes in progress at the interruption are lost (at most one rollout's worth).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { subSeed } from '../data/batching';
import { CONTROLLER_FEATURES } from '../engine/types';
import { agentFromJSON, agentToJSON, createPpo, ppoLearn, REFERENCE_PPO, type PpoAgent, type PpoUpdateStats } from '../rl/ppo';
import { controllerToJSON } from '../rl/controllerFile';
import { UPDATE_FREQ } from '../rl/lrActions';
import type { EpisodeSettings } from './controllerEpisode';
import type { ActionKind, EnvInit } from './controllerEnvChild';
import { ProcessVecEnv } from './controllerVecEnv';
import { writeAtomic } from './experiment';
import { duration } from './progressBar';

export interface ControllerTrainOptions {
  settings: EpisodeSettings;
  action: 'discrete' | 'continuous';
  /** Discrete: ×factor / ÷factor / keep; continuous: factors in [1/factor, factor]. */
  factor: number;
  timesteps: number;
  envs: number;
  nSteps: number;
  minibatches: number;
  /** PPO's learning rate (utils.py default 1e-2; the reference README's own command uses 1e-3). */
  ppoLr: number;
  /** PPO's clip range for the policy and the value (utils.py default 10, i.e. no clipping; PPO's usual 0.2). */
  clipRange: number;
  seed: number;
  out: string;
  backend: 'wasm' | 'cpu' | 'webgpu';
  resume: boolean;
  /** The command line, recorded in the controller file. */
  command: string;
  quiet: boolean;
}

interface Checkpoint {
  settings: Omit<ControllerTrainOptions, 'resume' | 'out' | 'quiet' | 'command' | 'timesteps' | 'backend'>;
  started: string;
  wallS: number;
  agent: ReturnType<typeof agentToJSON>;
}

const LOG_HEADER = 'update,timesteps,episodes,mean_episode_reward,policy_loss,value_loss,entropy,approx_kl,clip_fraction,learning_rate,wall_s\n';
const EPISODE_HEADER = 'episode,env,timesteps,initial_lr,final_lr,final_val_loss,best_val_loss,return,test_loss,test_accuracy,wall_s\n';

function actionKind(o: Pick<ControllerTrainOptions, 'action' | 'factor'>): ActionKind {
  return o.action === 'discrete' ? { kind: 'discrete', factor: o.factor } : { kind: 'continuous', low: 1 / o.factor, high: o.factor };
}

function sameSettings(a: Checkpoint['settings'], b: Checkpoint['settings']): string | null {
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja === jb ? null : `the checkpoint was made with ${ja}, this command asks for ${jb}`;
}

/** Returns the exit code: 0 done, 1 failed, 2 bad use of OUT, 130 interrupted. */
export async function controllerTrain(o: ControllerTrainOptions, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  const ckptFile = path.join(o.out, 'checkpoint.json');
  const settings: Checkpoint['settings'] = {
    settings: o.settings,
    action: o.action,
    factor: o.factor,
    envs: o.envs,
    nSteps: o.nSteps,
    minibatches: o.minibatches,
    ppoLr: o.ppoLr,
    clipRange: o.clipRange,
    seed: o.seed,
  };
  let agent: PpoAgent;
  let started = new Date().toISOString();
  let wallBefore = 0;
  if (existsSync(ckptFile)) {
    if (!o.resume) {
      log(`controller train: ${ckptFile} exists: pass --resume to continue it, or choose another --out`);
      return 2;
    }
    const ck = JSON.parse(readFileSync(ckptFile, 'utf8')) as Checkpoint;
    const problem = sameSettings(ck.settings, settings);
    if (problem) {
      log(`controller train: cannot resume: ${problem}`);
      return 2;
    }
    agent = agentFromJSON(ck.agent);
    started = ck.started;
    wallBefore = ck.wallS;
    log(`controller train: resuming at ${agent.timesteps} timesteps (${agent.episodes} episodes, ${agent.updates} updates)`);
  } else {
    if (o.resume) {
      log(`controller train: --resume: no checkpoint in ${o.out}`);
      return 2;
    }
    const space = o.action === 'discrete' ? ({ kind: 'discrete', n: 3 } as const) : ({ kind: 'continuous', low: 1 / o.factor, high: o.factor } as const);
    agent = createPpo(
      { ...REFERENCE_PPO, numEnvs: o.envs, nSteps: o.nSteps, nMinibatches: o.minibatches, learningRate: o.ppoLr, clipRange: o.clipRange },
      CONTROLLER_FEATURES.length,
      space,
      o.seed,
    );
    writeAtomic(path.join(o.out, 'train-log.csv'), LOG_HEADER);
    writeAtomic(path.join(o.out, 'episodes.csv'), EPISODE_HEADER);
  }
  const nBatch = o.envs * o.nSteps;
  if (o.timesteps < nBatch) {
    log(`controller train: --timesteps ${o.timesteps} is less than one rollout (envs × n-steps = ${nBatch}): nothing would be learned`);
    return 2;
  }

  // Each start (first or resumed) draws new environment seeds, so a resumed run does not replay episodes.
  const inits: EnvInit[] = Array.from({ length: o.envs }, (_, i) => ({
    type: 'init',
    settings: o.settings,
    backend: o.backend,
    seed: subSeed(o.seed + agent.timesteps, i, 11),
    action: actionKind(o),
    noise: true,
    initialLr: null,
  }));
  log(`controller train: starting ${o.envs} environment processes (${o.settings.dataset}, ${o.settings.model}, batch ${o.settings.batchSize}, ${o.settings.steps} steps per episode)`);
  const env = await ProcessVecEnv.start(inits);
  let stop = false;
  const onSignal = () => {
    stop = true;
    log('controller train: interrupted: the checkpoint of the last update is kept; --resume continues');
    env.close();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const t0 = performance.now();
  const wall = () => wallBefore + (performance.now() - t0) / 1000;
  const stepsBefore = agent.timesteps;
  const total = Math.floor(o.timesteps / nBatch) * nBatch;
  const trained = () => ({
    dataset: o.settings.dataset,
    model: o.settings.model as string,
    timesteps: agent.timesteps,
    episodes: agent.episodes,
    date: new Date().toISOString(),
    command: o.command,
  });
  const save = () => {
    writeAtomic(ckptFile, `${JSON.stringify({ settings, started, wallS: wall(), agent: agentToJSON(agent) } satisfies Checkpoint)}\n`);
    const ctrl = controllerToJSON(agent, { factor: o.action === 'discrete' ? o.factor : undefined, updateFreq: UPDATE_FREQ, features: [...CONTROLLER_FEATURES], trained: trained() });
    writeAtomic(path.join(o.out, 'controller.json'), `${JSON.stringify(ctrl)}\n`);
  };
  let episodeNo = agent.episodes;
  const onUpdate = (s: PpoUpdateStats) => {
    for (const { env: e, info } of env.finished) {
      appendFileSync(
        path.join(o.out, 'episodes.csv'),
        [++episodeNo, e, s.timesteps, info.initialLr, info.finalLr, info.finalValLoss, info.bestValLoss, info.return, info.testLoss ?? '', info.testAccuracy ?? '', info.wallS.toFixed(1)].join(',') + '\n',
      );
    }
    env.finished = [];
    appendFileSync(
      path.join(o.out, 'train-log.csv'),
      [s.updates, s.timesteps, s.episodes, s.meanEpisodeReward ?? '', s.policyLoss, s.valueLoss, s.entropy, s.approxKl, s.clipFraction, s.learningRate, wall().toFixed(1)].join(',') + '\n',
    );
    save();
    if (!o.quiet) {
      const secs = (performance.now() - t0) / 1000;
      const rate = (s.timesteps - stepsBefore) / Math.max(secs, 1e-9);
      const width = 24;
      const filled = Math.round((width * s.timesteps) / total);
      log(
        `controller train [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${s.timesteps}/${total} timesteps, ${s.episodes} episodes, ` +
          `mean reward ${s.meanEpisodeReward === null ? '–' : s.meanEpisodeReward.toFixed(3)}, entropy ${s.entropy.toFixed(3)}, ETA ${duration((total - s.timesteps) / rate)}`,
      );
    }
  };
  try {
    await ppoLearn(agent, env, { totalTimesteps: o.timesteps, onUpdate, shouldStop: () => stop, resetEnv: true });
  } catch (e) {
    log(`controller train: ${(e as Error).message}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    env.close();
  }
  save();
  log(`controller train: done: ${agent.timesteps} timesteps, ${agent.episodes} episodes in ${duration(wall())}; controller in ${path.join(o.out, 'controller.json')}`);
  return 0;
}
