import type { PendingPushesSignal } from '../../src/domain/ports/pending-pushes-signal';

export interface SignalUnderTest {
  signal: PendingPushesSignal;
  /** Starts listening the way this implementation lets a listener; answers how many signals came since. */
  observe(): () => Promise<number>;
}

/** What every PendingPushesSignal must do: carry each signal to whoever listens, and be safe to raise when nobody does. */
export function pendingPushesSignalContract(name: string, create: () => SignalUnderTest): void {
  describe(`${name} (PendingPushesSignal contract)`, () => {
    it('takes a signal that nobody hears without failing', () => {
      const { signal } = create();

      expect(() => signal.pushesQueued()).not.toThrow();
    });

    it('carries every signal to its listener, once each', async () => {
      const { signal, observe } = create();
      const heard = observe();

      expect(await heard()).toBe(0);
      signal.pushesQueued();
      signal.pushesQueued();
      signal.pushesQueued();

      expect(await heard()).toBe(3);
    });
  });
}
