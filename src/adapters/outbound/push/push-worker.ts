import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { SendPushes } from '../../../application/send-pushes.use-case';
import { PushJobRepository } from '../../../domain/ports/push-job.repository';

/** Jobs per claim: one batch in flight at a time bounds the concurrent APNs streams. */
export const PUSH_BATCH_SIZE = 500;
/** How long an idle worker waits before looking for due pushes again. */
const IDLE_POLL_MS = 200;
const ERROR_PAUSE_MS = 2_000;
/** Records of sent pushes are kept this long (to see what happened to a device's pushes), then pruned. */
const FINISHED_JOBS_KEPT_MS = 7 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

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
  private lastPrune = 0;

  constructor(
    private readonly sendPushes: SendPushes,
    private readonly pushJobs: PushJobRepository,
  ) {}

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
        await this.pruneNowAndThen();
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

  private async pruneNowAndThen(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const pruned = await this.pushJobs.pruneFinished(new Date(now - FINISHED_JOBS_KEPT_MS));
    if (pruned > 0) this.logger.log(`Pruned ${pruned} records of pushes finished over a week ago.`);
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
