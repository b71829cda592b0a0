import { InProcessPendingPushesSignal } from '../../src/adapters/outbound/push/in-process-pending-pushes.signal';
import { InMemoryPendingPushesSignal } from '../fakes/in-memory-pending-pushes.signal';
import { inMemoryRepositories } from './harness';
import { pendingPushesSignalContract } from './pending-pushes-signal.contract';

pendingPushesSignalContract('InMemoryPendingPushesSignal (fake)', () => {
  const signal = new InMemoryPendingPushesSignal(inMemoryRepositories().pushJobs);
  return {
    signal,
    observe: () => {
      const before = signal.signals.length;
      return async () => (await signal.pendingAtSignals()).length - before;
    },
  };
});

pendingPushesSignalContract('InProcessPendingPushesSignal', () => {
  const signal = new InProcessPendingPushesSignal();
  return {
    signal,
    observe: () => {
      let heard = 0;
      signal.whenQueued(() => (heard += 1));
      return async () => heard;
    },
  };
});
