import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PushBatchReport, SendPushes } from '../../../application/send-pushes.use-case';
import { PushJobRepository } from '../../../domain/ports/push-job.repository';
import { InProcessPendingPushesSignal } from './in-process-pending-pushes.signal';

/** Jobs per claim. */
export const PUSH_BATCH_SIZE = 500;
/**
 * Batches claimed and sent at once. With two, one batch's claim and records (the database) overlap
 * the other's wait for APNs; they also bound the APNs streams in flight to 1,000, APNs' usual
 * SETTINGS_MAX_CONCURRENT_STREAMS per connection (Node's HTTP/2 queues any beyond the peer's limit).
 */
export const PUSH_BATCHES_IN_FLIGHT = 2;
/**
 * How long an idle worker waits before looking for due pushes again: for retries coming due, and
 * for pushes queued by another process (the CLI, another instance). Pushes queued in this process
 * wake it sooner (PendingPushesSignal, PUSH_WAKE_DELAY_MS).
 */
const IDLE_POLL_MS = 200;
/**
 * How long a signal of pushes queued waits before it wakes the idle worker. The signal comes from
 * within the request that queued them, which often has reads left to make before it answers, and
 * on SQLite a read through the ORM waits for the worker's claim (one connection): woken at once,
 * the worker made a Passdock PUT answer about 2 ms later (p50 10.9 ms against 8.6 ms). The signals
 * of a burst of changes within it wake the worker once, for one claim.
 */
const PUSH_WAKE_DELAY_MS = 5;
/**
 * No module provides it: Nest injects nothing and IDLE_POLL_MS applies. Tests that construct the
 * worker pass a poll of their own.
 */
const PUSH_IDLE_POLL_MS = Symbol('PUSH_IDLE_POLL_MS');
const ERROR_PAUSE_MS = 2_000;
/** Records of sent pushes are kept this long (to see what happened to a device's pushes), then pruned. */
const FINISHED_JOBS_KEPT_MS = 7 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * Sends queued update pushes while the application runs: PUSH_BATCHES_IN_FLIGHT batches at a time
 * while there are due jobs; when there are none, it waits for a signal of pushes queued in this
 * process or for a short poll. Several instances can run side by side (claims lease jobs). On
 * shutdown it finishes the batches in flight, so no job is left leased by a stopped worker.
 */
@Injectable()
export class PushWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Push');
  private running = false;
  /** Set on shutdown: batches in flight finish, no new one is claimed. */
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: AbortController | null = null;
  /** Set while the worker waits for its idle poll, which a signal may cut short (unlike the pause after an error). */
  private idle = false;
  /** Pushes were queued since the worker last looked at the queue. */
  private queuedSinceLook = false;
  private wakeScheduled = false;
  private stopListening: (() => void) | null = null;
  private lastPrune = 0;

  constructor(
    private readonly sendPushes: SendPushes,
    private readonly pushJobs: PushJobRepository,
    private readonly pendingPushes: InProcessPendingPushesSignal,
    @Optional() @Inject(PUSH_IDLE_POLL_MS) private readonly idlePollMs: number = IDLE_POLL_MS,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.stopListening = this.pendingPushes.whenQueued(() => this.pushesQueued());
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.stopListening?.();
    this.wake?.abort();
    await this.loop;
  }

  /** Wakes the idle worker PUSH_WAKE_DELAY_MS after the first signal of a burst. */
  private pushesQueued(): void {
    this.queuedSinceLook = true;
    if (this.idle && !this.wakeScheduled) {
      this.wakeScheduled = true;
      setTimeout(() => {
        this.wakeScheduled = false;
        if (this.idle) this.wake?.abort();
      }, PUSH_WAKE_DELAY_MS).unref();
    }
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
      this.queuedSinceLook = false;
      let failed = false;
      try {
        await this.pruneNowAndThen();
        await this.sendWhileDue();
      } catch (error) {
        this.logger.error(`Sending pushes failed; trying again shortly: ${(error as Error).message}`);
        failed = true;
      }
      if (!this.running) break;
      if (failed) await this.pause(ERROR_PAUSE_MS);
      else if (!this.queuedSinceLook) await this.idleUntilSignalOrPoll();
    }
  }

  private async idleUntilSignalOrPoll(): Promise<void> {
    this.idle = true;
    try {
      await this.pause(this.idlePollMs);
    } finally {
      this.idle = false;
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
      // Woken: for shutdown, or by pushes queued (idle only).
    }
  }
}
