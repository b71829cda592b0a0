import { PendingPushesSignal } from '../../../domain/ports/pending-pushes-signal';

/**
 * PendingPushesSignal within one process: the push worker of the same service listens. Instances
 * beside it, and the service when the CLI queued the pushes, find them at their next look at the
 * queue instead.
 */
export class InProcessPendingPushesSignal extends PendingPushesSignal {
  private readonly listeners = new Set<() => void>();

  pushesQueued(): void {
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` at every signal until the returned function is called. */
  whenQueued(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
