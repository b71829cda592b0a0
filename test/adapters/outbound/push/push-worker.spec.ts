import { InProcessPendingPushesSignal } from '../../../../src/adapters/outbound/push/in-process-pending-pushes.signal';
import { PushWorker, PUSH_BATCH_SIZE, PUSH_BATCHES_IN_FLIGHT } from '../../../../src/adapters/outbound/push/push-worker';
import { SendPushes } from '../../../../src/application/send-pushes.use-case';
import { DeviceRegistration } from '../../../../src/domain/device-registration';
import type { PassType } from '../../../../src/domain/pass-type';
import type { PushResult } from '../../../../src/domain/push';
import { InMemoryPassUpdateNotifier } from '../../../fakes/in-memory-pass-update.notifier';
import { useCaseFixture } from '../../../application/use-case-fixture';

/** The fake notifier, answering each call only when the test lets it: shows how many calls are in flight at once. */
class GatedNotifier extends InMemoryPassUpdateNotifier {
  inFlight = 0;
  mostInFlight = 0;
  private readonly waiting: Array<() => void> = [];

  override async notify(passType: PassType, pushTokens: readonly string[]): Promise<PushResult[]> {
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight -= 1;
    return super.notify(passType, pushTokens);
  }

  /** Answers every call waiting now, repeatedly, until `done` settles. */
  async answerUntil(done: Promise<unknown>): Promise<void> {
    let settled = false;
    void done.finally(() => (settled = true)).catch(() => undefined);
    while (!settled) {
      for (const resolve of this.waiting.splice(0)) resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** An idle poll no test waits for: only a signal can wake the worker within a test's time. */
const HOUR_MS = 60 * 60_000;

async function fixture(devices: number) {
  const f = await useCaseFixture();
  const notifier = new GatedNotifier();
  const sendPushes = new SendPushes(f.pushJobs, f.passTypes, f.registrations, notifier, f.clock);
  const signal = new InProcessPendingPushesSignal();
  const worker = new PushWorker(sendPushes, f.pushJobs, signal, HOUR_MS);
  const pass = await f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'P-1', content: {} });
  for (let index = 0; index < devices; index += 1) {
    await f.registrations.register(DeviceRegistration.create(`device-${index}`, pass.id, index.toString(16).padStart(64, '0'), f.clock.now()));
  }
  await f.pushJobs.enqueueForPasses([pass.id], f.clock.now());
  return { ...f, notifier, signal, sendPushes, worker, pass };
}

describe('PushWorker', () => {
  it(`sends every due push, ${PUSH_BATCHES_IN_FLIGHT} batches in flight at most, until nothing more is due`, async () => {
    const devices = PUSH_BATCH_SIZE * 3 + 7;
    const f = await fixture(devices);
    const sending = f.worker.sendWhileDue();
    await f.notifier.answerUntil(sending);

    expect(await sending).toEqual({ claimed: devices, delivered: devices, retried: 0, failed: 0, devicesForgotten: 0 });
    expect(f.notifier.mostInFlight).toBe(PUSH_BATCHES_IN_FLIGHT);
    expect(new Set(f.notifier.sent.map((push) => push.pushToken)).size).toBe(devices);
    expect(f.notifier.sent).toHaveLength(devices);
    expect(await f.pushJobs.countPending()).toBe(0);
  });

  it('on shutdown finishes the batches in flight and claims no more', async () => {
    const f = await fixture(PUSH_BATCH_SIZE * 4);
    const sending = f.worker.sendWhileDue();
    await new Promise((resolve) => setImmediate(resolve));
    expect(f.notifier.inFlight).toBe(PUSH_BATCHES_IN_FLIGHT);

    const stopped = f.worker.onModuleDestroy();
    await f.notifier.answerUntil(Promise.all([sending, stopped]));

    expect((await sending).delivered).toBe(PUSH_BATCH_SIZE * PUSH_BATCHES_IN_FLIGHT);
    expect(await f.pushJobs.countPending()).toBe(PUSH_BATCH_SIZE * (4 - PUSH_BATCHES_IN_FLIGHT));
  });

  it('rejects with a batch that failed, once the other batches in flight ended', async () => {
    const f = await fixture(PUSH_BATCH_SIZE * 2);
    const claim = f.pushJobs.claim.bind(f.pushJobs);
    let claims = 0;
    jest.spyOn(f.pushJobs, 'claim').mockImplementation(async (...args) => {
      claims += 1;
      if (claims === 2) throw new Error('database went away');
      return claim(...args);
    });
    const sending = f.worker.sendWhileDue();
    await f.notifier.answerUntil(sending);

    await expect(sending).rejects.toThrow('database went away');
    expect(f.notifier.inFlight).toBe(0);
    expect(f.notifier.sent).toHaveLength(PUSH_BATCH_SIZE * 2);
  });

  it('sends pushes queued in this process when signalled, without waiting for its idle poll', async () => {
    const f = await fixture(3);
    let looks = 0;
    const sendDue = f.sendPushes.sendDue.bind(f.sendPushes);
    jest.spyOn(f.sendPushes, 'sendDue').mockImplementation((limit) => sendDue(limit).finally(() => (looks += 1)));
    f.worker.onApplicationBootstrap();
    // Its first look: both batches in flight claim (one gets the three pushes, one none), then it idles.
    await f.notifier.answerUntil(until(() => looks === PUSH_BATCHES_IN_FLIGHT));
    expect(f.notifier.sent).toHaveLength(3);

    // A change committed later (one more device registered, the pass updated): its four pushes, and the signal.
    await f.registrations.register(DeviceRegistration.create('device-late', f.pass.id, 'fe'.repeat(32), f.clock.now()));
    expect(await f.pushJobs.enqueueForPasses([f.pass.id], f.clock.now())).toBe(4);
    expect(looks).toBe(PUSH_BATCHES_IN_FLIGHT);
    f.signal.pushesQueued();
    await f.notifier.answerUntil(until(() => f.notifier.sent.length === 3 + 4));

    expect(f.notifier.sent.map((push) => push.pushToken)).toContain('fe'.repeat(32));
    expect(await f.pushJobs.countPending()).toBe(0);
    await f.worker.onModuleDestroy();
  });
});

/**
 * Resolves once `condition` holds, looking after each turn of the event loop; rejects after 10 s,
 * so that a test that fails does not keep answerUntil turning after it.
 */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not come true');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
