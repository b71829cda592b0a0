import { PendingPushesSignal } from '../../src/domain/ports/pending-pushes-signal';
import type { PushJobRepository } from '../../src/domain/ports/push-job.repository';

/** Records each signal with the pushes pending when it was raised (the queue it announces). */
export class InMemoryPendingPushesSignal extends PendingPushesSignal {
  readonly signals: Array<Promise<number>> = [];

  constructor(private readonly pushJobs: PushJobRepository) {
    super();
  }

  pushesQueued(): void {
    this.signals.push(this.pushJobs.countPending());
  }

  /** For each signal so far, how many pushes were pending when it came. */
  pendingAtSignals(): Promise<number[]> {
    return Promise.all(this.signals);
  }
}
