import { Injectable } from '@nestjs/common';
import type { Pass } from '../domain/pass';
import { Clock } from '../domain/ports/clock';
import { PendingPushesSignal } from '../domain/ports/pending-pushes-signal';
import { PassRepository } from '../domain/ports/pass.repository';
import { PushJobRepository } from '../domain/ports/push-job.repository';
import { UnitOfWork } from '../domain/ports/unit-of-work';

/**
 * Stores new pass versions together with the pushes that announce them, in one transaction: a
 * change is never stored without its pushes, and no push goes out for a change that rolled back.
 * Every use case that changes what a device shows goes through here.
 */
@Injectable()
export class PassChanges {
  constructor(
    private readonly passes: PassRepository,
    private readonly pushJobs: PushJobRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly pendingPushes: PendingPushesSignal,
  ) {}

  /** Saves a pass whose version advanced (PassRepository.save rules) and queues its devices' pushes. */
  async save(pass: Pass): Promise<void> {
    const queued = await this.unitOfWork.atomically(async () => {
      await this.passes.save(pass);
      return this.pushJobs.enqueueForPasses([pass.id], this.clock.now());
    });
    if (queued > 0) this.pendingPushes.pushesQueued();
  }

  /**
   * Advances every pass of the template and queues the pushes of all their devices; to be called
   * inside the caller's UnitOfWork together with the template's own change, and followed by
   * `pushesCommitted` once it has committed. Returns how many passes changed.
   */
  async touchTemplate(templateId: number, now: Date): Promise<number> {
    const changed = await this.passes.touchAllOfTemplate(templateId, now);
    if (changed > 0) await this.pushJobs.enqueueForTemplate(templateId, now);
    return changed;
  }

  /** After the caller's UnitOfWork around `touchTemplate` committed, with what it returned. */
  pushesCommitted(passesChanged: number): void {
    if (passesChanged > 0) this.pendingPushes.pushesQueued();
  }
}
