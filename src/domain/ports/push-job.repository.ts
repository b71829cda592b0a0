import type { PushJob } from '../push';

/**
 * Durable update pushes. Jobs are recorded in the same transaction as the pass versions they
 * announce (callers run the enqueue inside UnitOfWork.atomically), so a push is never lost to a
 * crash and never sent for a change that rolled back.
 */
export abstract class PushJobRepository {
  /**
   * A waiting push for every device registered to one of these passes, one per (device, pass
   * type); a device that already has one waiting keeps that one. Returns how many were added.
   */
  abstract enqueueForPasses(passIds: readonly number[], now: Date): Promise<number>;
  /** The same for every device registered to a pass of the template that is neither deleted nor voided. */
  abstract enqueueForTemplate(templateId: number, now: Date): Promise<number>;
  /**
   * Up to `limit` jobs that are due, oldest first, leased to the caller for `leaseMs`: a worker
   * that dies with them leaves them to be claimed again when the lease ends. Jobs whose device has
   * no registration of that pass type left are closed as dropped instead of being returned.
   */
  abstract claim(limit: number, now: Date, leaseMs: number): Promise<PushJob[]>;
  abstract markDelivered(jobIds: readonly number[], now: Date): Promise<void>;
  /** Back to waiting until `at`, with one more attempt counted and the reason recorded. */
  abstract retryLater(jobId: number, at: Date, status: number | null, reason: string): Promise<void>;
  /** Closed for good: refused, device gone, or attempts exhausted. */
  abstract markFailed(jobId: number, status: number | null, reason: string, now: Date): Promise<void>;
  /** Jobs waiting or leased: what the worker still has to send. */
  abstract countPending(): Promise<number>;
  /** Forgets the records of jobs that finished (delivered, failed, dropped) before `before`; returns how many. */
  abstract pruneFinished(before: Date): Promise<number>;
}
