import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

/**
 * The one interval scheduler: runs a task every `ms`, never two runs of it at once,
 * logging failures (the next tick retries). Everything stops on shutdown.
 */
@Injectable()
export class Scheduler implements OnModuleDestroy {
  private readonly logger = new Logger(Scheduler.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  every(name: string, ms: number, task: () => Promise<unknown>): void {
    let busy = false;
    const tick = () => {
      if (busy || this.stopped) return;
      busy = true;
      const run = task()
        .catch((err) => this.logger.warn({ err: (err as Error).message, task: name }, 'scheduled task failed; the next tick retries'))
        .finally(() => {
          busy = false;
          this.running.delete(run);
        });
      this.running.add(run);
    };
    this.timers.push(setInterval(tick, ms));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    await Promise.all(this.running);
  }
}
