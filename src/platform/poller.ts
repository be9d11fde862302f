// A pass repeated on an interval, for the workers every replica runs (webhook deliveries,
// notification emails, due reminders; each claims its work in the database): one pass at a time,
// so a slow pass is not overtaken by the next; a failed pass is logged and the next interval tries
// again; stop() waits for the pass in progress.
import type { FastifyBaseLogger } from 'fastify';

export abstract class Poller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  protected constructor(
    private readonly intervalMs: number,
    /** The log message of a failed pass, e.g. "webhook delivery pass failed". */
    private readonly failure: string,
    protected readonly log?: FastifyBaseLogger,
  ) {}

  /** One pass; what it did (sent, claimed), for the tests that call it directly. */
  abstract runOnce(): Promise<number>;

  /** Runs a pass now, then one per interval. */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((error: unknown) => this.log?.warn({ err: (error as Error).message }, this.failure))
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(tick, this.intervalMs);
    tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
