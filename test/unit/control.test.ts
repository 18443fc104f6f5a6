import { describe, expect, it } from 'vitest';
import { RunControl } from '../../src/worker/control';

describe('RunControl', () => {
  it('goes on by default, waits while paused, and reports pause changes', async () => {
    const changes: boolean[] = [];
    const c = new RunControl((p) => changes.push(p));
    expect(await c.checkpoint()).toBe('go');
    c.pause();
    let settled = false;
    const waiting = c.checkpoint().then((r) => ((settled = true), r));
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    c.resume();
    expect(await waiting).toBe('go');
    expect(changes).toEqual([true, false]);
  });

  it('stop ends a paused wait and every later checkpoint', async () => {
    const c = new RunControl();
    c.pause();
    const waiting = c.checkpoint();
    await new Promise((r) => setTimeout(r, 10));
    c.stop();
    expect(await waiting).toBe('stop');
    expect(await c.checkpoint()).toBe('stop');
  });
});
