// The parent side of `controller train`'s environments: K child processes (src/cli/controllerEnvChild.ts),
// one per environment, stepped together as a stable-baselines VecEnv (src/rl/ppo.ts). A child that dies
// or reports an error rejects the step with its message and the tail of its stderr.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VecEnv } from '../rl/ppo';
import type { EnvInit, EpisodeInfo, FromChild, ToChild } from './controllerEnvChild';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'controllerEnvChild.ts');

interface Env {
  proc: ChildProcess;
  stderr: string;
  next: ((m: FromChild) => void) | null;
  fail: ((e: Error) => void) | null;
}

export class ProcessVecEnv implements VecEnv {
  private readonly envs: Env[] = [];
  /** Episodes that ended in the last step, with their environment's index. */
  finished: { env: number; info: EpisodeInfo }[] = [];

  private constructor(readonly numEnvs: number) {}

  /** Starts K environments and waits until each has loaded its data. */
  static async start(inits: EnvInit[]): Promise<ProcessVecEnv> {
    const v = new ProcessVecEnv(inits.length);
    for (let k = 0; k < inits.length; k++) {
      const proc = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      const env: Env = { proc, stderr: '', next: null, fail: null };
      proc.stderr!.on('data', (d: Buffer) => {
        env.stderr = (env.stderr + d.toString()).slice(-4000);
      });
      proc.on('message', (m: FromChild) => {
        const cb = m.type === 'error' ? null : env.next;
        if (m.type === 'error') env.fail?.(new Error(`environment ${v.envs.indexOf(env)}: ${m.message}`));
        env.next = null;
        env.fail = null;
        cb?.(m);
      });
      proc.on('exit', (code, signal) => {
        env.fail?.(new Error(`environment ${v.envs.indexOf(env)} exited (${signal ?? `code ${code}`}):\n${env.stderr.trim().split('\n').slice(-12).join('\n')}`));
        env.next = null;
        env.fail = null;
      });
      v.envs.push(env);
    }
    await Promise.all(v.envs.map((e, i) => v.ask(e, inits[i])));
    return v;
  }

  private ask(env: Env, msg: ToChild): Promise<FromChild> {
    return new Promise((resolve, reject) => {
      env.next = resolve;
      env.fail = reject;
      if (env.proc.exitCode !== null || env.proc.signalCode !== null) reject(new Error('environment process is not running'));
      else env.proc.send(msg);
    });
  }

  async reset(): Promise<number[][]> {
    const replies = await Promise.all(this.envs.map((e) => this.ask(e, { type: 'reset' })));
    return replies.map((r) => {
      if (r.type !== 'obs') throw new Error(`environment answered ${r.type} to reset`);
      return r.obs;
    });
  }

  async step(actions: number[]): Promise<{ obs: number[][]; rewards: number[]; dones: boolean[] }> {
    const replies = await Promise.all(this.envs.map((e, i) => this.ask(e, { type: 'step', action: actions[i] })));
    const obs: number[][] = [];
    const rewards: number[] = [];
    const dones: boolean[] = [];
    replies.forEach((r, i) => {
      if (r.type !== 'step') throw new Error(`environment answered ${r.type} to step`);
      obs.push(r.obs);
      rewards.push(r.reward);
      dones.push(r.done);
      if (r.episode) this.finished.push({ env: i, info: r.episode });
    });
    return { obs, rewards, dones };
  }

  close(): void {
    for (const e of this.envs) {
      e.fail = null;
      e.next = null;
      if (e.proc.connected) e.proc.send({ type: 'close' } satisfies ToChild);
      setTimeout(() => e.proc.kill('SIGKILL'), 2000).unref();
    }
  }
}
