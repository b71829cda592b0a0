/**
 * Tells the sender of queued pushes that new ones were committed, so that they go out now rather
 * than at its next look at the queue. A hint only: the queue (PushJobRepository) is what the sender
 * goes by, so a signal that reaches nobody (the CLI, another instance) loses no push.
 */
export abstract class PendingPushesSignal {
  /** Called after the transaction that queued the pushes has committed. */
  abstract pushesQueued(): void;
}
