import { DeviceRegistration } from '../../src/domain/device-registration';
import { SendPushes } from '../../src/application/send-pushes.use-case';
import { MAX_PUSH_ATTEMPTS } from '../../src/domain/push';
import { InMemoryPassUpdateNotifier } from '../fakes/in-memory-pass-update.notifier';
import { useCaseFixture } from './use-case-fixture';

async function fixture() {
  const f = await useCaseFixture();
  const notifier = new InMemoryPassUpdateNotifier();
  const sendPushes = new SendPushes(f.pushJobs, f.passTypes, f.registrations, notifier, f.clock);
  const pass = await f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'P-1', content: {} });
  const register = (device: string, pushToken: string) =>
    f.registrations.register(DeviceRegistration.create(device, pass.id, pushToken, f.clock.now()));
  return { ...f, notifier, sendPushes, pass, register };
}

const TOKEN_A = 'aa'.repeat(32);
const TOKEN_B = 'bb'.repeat(32);

describe('SendPushes', () => {
  it('sends each due push once, with the pass type, and closes it as delivered', async () => {
    const f = await fixture();
    await f.register('device-a', TOKEN_A);
    await f.register('device-b', TOKEN_B);
    await f.pushJobs.enqueueForPasses([f.pass.id], f.clock.now());

    expect(await f.sendPushes.sendDue(100)).toEqual({ claimed: 2, delivered: 2, retried: 0, failed: 0, devicesForgotten: 0 });
    expect(f.notifier.sent).toEqual([
      { passTypeIdentifier: f.shared.passTypeIdentifier, pushToken: TOKEN_A },
      { passTypeIdentifier: f.shared.passTypeIdentifier, pushToken: TOKEN_B },
    ]);
    expect(await f.pushJobs.countPending()).toBe(0);
    expect((await f.sendPushes.sendDue(100)).claimed).toBe(0);
  });

  it('forgets every registration of a token APNs calls dead', async () => {
    const f = await fixture();
    await f.register('device-a', TOKEN_A);
    await f.pushJobs.enqueueForPasses([f.pass.id], f.clock.now());
    f.notifier.answer(TOKEN_A, { kind: 'device-gone', status: 410, reason: 'Unregistered' });

    expect(await f.sendPushes.sendDue(100)).toMatchObject({ failed: 1, devicesForgotten: 1 });
    expect(await f.registrations.listForPass(f.pass.id)).toEqual([]);
    expect([...f.pushJobs.rows.values()][0]).toMatchObject({ state: 'failed', lastStatus: 410 });
  });

  it('retries 429, 5xx and network failures later with backoff, and gives up after the last attempt', async () => {
    const f = await fixture();
    await f.register('device-a', TOKEN_A);
    await f.pushJobs.enqueueForPasses([f.pass.id], f.clock.now());
    f.notifier.answer(TOKEN_A, { kind: 'retry', status: 503, reason: 'ServiceUnavailable' });

    expect(await f.sendPushes.sendDue(100)).toMatchObject({ retried: 1 });
    // Not due again at once: the backoff holds it back.
    expect((await f.sendPushes.sendDue(100)).claimed).toBe(0);
    f.clock.advance(60_000);
    expect(await f.sendPushes.sendDue(100)).toMatchObject({ delivered: 1 });

    await f.pushJobs.enqueueForPasses([f.pass.id], f.clock.now());
    f.notifier.answer(TOKEN_A, ...Array.from({ length: MAX_PUSH_ATTEMPTS }, () => ({ kind: 'retry' as const, status: null, reason: 'ECONNREFUSED' })));
    let failed = 0;
    for (let round = 0; round < MAX_PUSH_ATTEMPTS; round += 1) {
      failed += (await f.sendPushes.sendDue(100)).failed;
      f.clock.advance(60 * 60_000);
    }
    expect(failed).toBe(1);
    expect(await f.pushJobs.countPending()).toBe(0);
  });

  it('records a refusal (wrong certificate or topic) as failed without retrying or forgetting the device', async () => {
    const f = await fixture();
    await f.register('device-a', TOKEN_A);
    await f.pushJobs.enqueueForPasses([f.pass.id], f.clock.now());
    f.notifier.answer(TOKEN_A, { kind: 'refused', status: 400, reason: 'DeviceTokenNotForTopic' });

    expect(await f.sendPushes.sendDue(100)).toMatchObject({ failed: 1, devicesForgotten: 0 });
    expect(await f.registrations.listForPass(f.pass.id)).toHaveLength(1);
    expect(await f.pushJobs.countPending()).toBe(0);
  });
});
