import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PushBatchReport, SendPushes } from '../../../application/send-pushes.use-case';
import { PushJobRepository } from '../../../domain/ports/push-job.repository';

/** Jobs per claim. */
export const PUSH_BATCH_SIZE = 500;
/**
 * Batches claimed and sent at once. With two, one batch's claim and records (the database) overlap
 * the other's wait for APNs; they also bound the APNs streams in flight to 1,000, APNs' usual
 * SETTINGS_MAX_CONCURRENT_STREAMS per connection (Node's HTTP/2 queues any beyond the peer's limit).
 */
export const PUSH_BATCHES_IN_FLIGHT = 2;
/** How long an idle worker waits before looking for due pushes again. */
const IDLE_POLL_MS = 200;
const ERROR_PAUSE_MS = 2_000;
/** Records of sent pushes are kept this long (to see what happened to a device's pushes), then pruned. */
const FINISHED_JOBS_KEPT_MS = 7 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * Sends queued update pushes while the application runs: PUSH_BATCHES_IN_FLIGHT batches at a time
 * while there are due jobs, a short poll when there are none. Several instances can run side by
 * side (claims lease jobs). On shutdown it finishes the batches in flight, so no job is left
 * leased by a stopped worker.
 */
@Injectable()
export class PushWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Push');
  private running = false;
  /** Set on shutdown: batches in flight finish, no new one is claimed. */
  private stopping = false;
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
    this.stopping = true;
    this.wake?.abort();
    await this.loop;
  }

  /**
   * Sends due pushes, PUSH_BATCHES_IN_FLIGHT batches at a time, until a claim comes back short of
   * a full batch (nothing more is due now) or the worker stops; then resolves, every batch it
   * started finished. Rejects with the first failure, after the other batches in flight ended.
   */
  async sendWhileDue(): Promise<PushBatchReport> {
    const total: PushBatchReport = { claimed: 0, delivered: 0, retried: 0, failed: 0, devicesForgotten: 0 };
    const sendBatches = async () => {
      while (!this.stopping) {
        const report = await this.sendPushes.sendDue(PUSH_BATCH_SIZE);
        for (const key of Object.keys(total) as Array<keyof PushBatchReport>) total[key] += report[key];
        if (report.claimed > 0) this.logBatch(report);
        if (report.claimed < PUSH_BATCH_SIZE) return;
      }
    };
    const outcomes = await Promise.allSettled(Array.from({ length: PUSH_BATCHES_IN_FLIGHT }, sendBatches));
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    return total;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let pause = IDLE_POLL_MS;
      try {
        await this.pruneNowAndThen();
        await this.sendWhileDue();
      } catch (error) {
        this.logger.error(`Sending pushes failed; trying again shortly: ${(error as Error).message}`);
        pause = ERROR_PAUSE_MS;
      }
      if (this.running) await this.pause(pause);
    }
  }

  private logBatch(report: PushBatchReport): void {
    this.logger.log(
      `Pushes: ${report.delivered} delivered, ${report.retried} to retry, ${report.failed} failed` +
        (report.devicesForgotten > 0 ? `, ${report.devicesForgotten} registrations of dead tokens removed` : ''),
    );
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
