import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { SendPushes } from '../../../application/send-pushes.use-case';

/** Jobs per claim: one batch in flight at a time bounds the concurrent APNs streams. */
export const PUSH_BATCH_SIZE = 500;
/** How long an idle worker waits before looking for due pushes again. */
const IDLE_POLL_MS = 200;
const ERROR_PAUSE_MS = 2_000;

/**
 * Sends queued update pushes while the application runs: batch after batch while there are due
 * jobs, a short poll when there are none. Several instances can run side by side (claims lease
 * jobs). On shutdown it finishes the batch in flight, so no job is left leased by a stopped worker.
 */
@Injectable()
export class PushWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Push');
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: AbortController | null = null;

  constructor(private readonly sendPushes: SendPushes) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake?.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let pause = 0;
      try {
        const report = await this.sendPushes.sendDue(PUSH_BATCH_SIZE);
        if (report.claimed > 0) {
          this.logger.log(
            `Pushes: ${report.delivered} delivered, ${report.retried} to retry, ${report.failed} failed` +
              (report.devicesForgotten > 0 ? `, ${report.devicesForgotten} registrations of dead tokens removed` : ''),
          );
        }
        if (report.claimed < PUSH_BATCH_SIZE) pause = IDLE_POLL_MS;
      } catch (error) {
        this.logger.error(`Sending pushes failed; trying again shortly: ${(error as Error).message}`);
        pause = ERROR_PAUSE_MS;
      }
      if (pause > 0 && this.running) await this.pause(pause);
    }
  }

  private async pause(ms: number): Promise<void> {
    this.wake = new AbortController();
    try {
      await sleep(ms, undefined, { signal: this.wake.signal });
    } catch {
      // Woken for shutdown.
    }
  }
}
