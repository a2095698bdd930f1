import { MultiBar, Presets, type SingleBar } from 'cli-progress';

/**
 * Progress bars on stderr, one per item (a job, a file, a rollout), fed by whatever reports
 * progress (subscriptions, uploads). Without a terminal (CI, a pipe) each change is one line
 * instead, so logs still show what happened.
 */
export class Progress {
  private readonly bars = new Map<string, SingleBar>();
  private readonly last = new Map<string, string>();
  private readonly multi?: MultiBar;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    if (stream.isTTY) this.multi = new MultiBar({ stream, format: '{bar} {percentage}% | {name} {status}', hideCursor: true, clearOnComplete: false, barsize: 30 }, Presets.shades_classic);
  }

  /** Sets an item's progress (`value` of `total`) and its status text. */
  update(name: string, value: number, total: number, status: string): void {
    if (this.multi) {
      let bar = this.bars.get(name);
      if (!bar) this.bars.set(name, (bar = this.multi.create(total, 0, { name, status })));
      bar.setTotal(total);
      bar.update(value, { name, status });
      return;
    }
    const line = `${name} ${status}`;
    if (this.last.get(name) === line) return;
    this.last.set(name, line);
    this.stream.write(`${line}\n`);
  }

  stop(): void {
    this.multi?.stop();
  }
}
