import { InProcessPendingPushesSignal } from '../../../../src/adapters/outbound/push/in-process-pending-pushes.signal';

describe('InProcessPendingPushesSignal', () => {
  it('calls every listener at each signal until it stops listening, and signals to nobody without failing', () => {
    const signal = new InProcessPendingPushesSignal();
    expect(() => signal.pushesQueued()).not.toThrow();
    const heard: string[] = [];
    const stopFirst = signal.whenQueued(() => heard.push('first'));
    signal.whenQueued(() => heard.push('second'));
    signal.pushesQueued();
    stopFirst();
    signal.pushesQueued();
    expect(heard).toEqual(['first', 'second', 'second']);
  });
});
