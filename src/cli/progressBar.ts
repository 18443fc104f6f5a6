// A terminal progress line on stderr: iteration, loss, α, steps/s, ETA. Redrawn in place on a terminal,
// a plain line every 10 % otherwise (logs, CI), at most a few times per second either way.
import { formatForPeople } from '../config/validate';

export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastDecile = -1;
  constructor(private readonly label: string, private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(iteration: number, total: number, loss: number, lr: number): void {
    const now = performance.now();
    const tty = this.stream.isTTY === true;
    const decile = Math.floor((10 * iteration) / Math.max(1, total));
    if (tty ? now - this.lastDraw < 200 && iteration < total : decile === this.lastDecile) return;
    this.lastDraw = now;
    this.lastDecile = decile;
    const secs = (now - this.started) / 1000;
    const rate = iteration / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (total - iteration) / rate : Infinity;
    const width = 24;
    const filled = Math.round((width * iteration) / Math.max(1, total));
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const line = `${this.label} ${bar} ${iteration}/${total} loss ${formatForPeople(loss)} α ${formatForPeople(lr)} ${rate.toFixed(1)} it/s ETA ${duration(eta)}`;
    this.stream.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  }

  done(message: string): void {
    this.stream.write(`${this.stream.isTTY ? '\r\x1b[K' : ''}${this.label} ${message}\n`);
  }
}

export function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
