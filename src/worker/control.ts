// Pause / resume / stop for a training loop, driven by messages. The loop calls checkpoint() between
// flushes; awaiting a macrotask there is what lets the worker receive those messages at all.
import type { TrainerControl } from '../engine/trainer';
import type { Hyper } from '../optim/hyper';
import { yieldToEventLoop } from '../util/yieldToEventLoop';

export class RunControl implements TrainerControl {
  private paused = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  private edits: Partial<Hyper> | null = null;
  constructor(private readonly onPauseChange: (paused: boolean) => void = () => {}) {}

  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.wake?.();
  }
  /** Queue hyperparameter changes; later ones of the same key win. */
  edit(changes: Partial<Hyper>): void {
    this.edits = { ...this.edits, ...changes };
  }
  takeEdits(): Partial<Hyper> | null {
    const e = this.edits;
    this.edits = null;
    return e;
  }
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  async checkpoint(): Promise<'go' | 'stop'> {
    await yieldToEventLoop();
    if (this.paused && !this.stopped) {
      this.onPauseChange(true);
      while (this.paused && !this.stopped) await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
      if (!this.stopped) this.onPauseChange(false);
    }
    return this.stopped ? 'stop' : 'go';
  }
}
