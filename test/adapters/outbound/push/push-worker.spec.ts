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

async function fixture(devices: number) {
  const f = await useCaseFixture();
  const notifier = new GatedNotifier();
  const sendPushes = new SendPushes(f.pushJobs, f.passTypes, f.registrations, notifier, f.clock);
  const worker = new PushWorker(sendPushes, f.pushJobs);
  const pass = await f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'P-1', content: {} });
  for (let index = 0; index < devices; index += 1) {
    await f.registrations.register(DeviceRegistration.create(`device-${index}`, pass.id, index.toString(16).padStart(64, '0'), f.clock.now()));
  }
  await f.pushJobs.enqueueForPasses([pass.id], f.clock.now());
  return { ...f, notifier, worker };
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
});
