import { randomBytes } from 'node:crypto';
import { ApnsPassUpdateNotifier } from '../../src/adapters/outbound/push/apns-pass-update.notifier';
import { LogPassUpdateNotifier } from '../../src/adapters/outbound/push/log-pass-update.notifier';
import { loadAppConfig } from '../../src/config/app-config';
import type { PassType } from '../../src/domain/pass-type';
import type { PassUpdateNotifier } from '../../src/domain/ports/pass-update-notifier';
import { InMemoryPassUpdateNotifier } from '../fakes/in-memory-pass-update.notifier';
import { ApnsStandIn } from '../support/apns-stand-in';
import { aPassType } from '../support/builders';
import { TEST_PASS_TYPE_IDENTIFIER, throwawayCerts } from '../support/throwaway-certs';

interface NotifierHarness {
  notifier: PassUpdateNotifier;
  passType: PassType;
  teardown(): Promise<void>;
}

async function aPassTypeForPushes(): Promise<PassType> {
  const certs = await throwawayCerts();
  return aPassType(null, { passTypeIdentifier: TEST_PASS_TYPE_IDENTIFIER, material: certs.material });
}

const notifiers: Array<[string, () => Promise<NotifierHarness>]> = [
  ['in-memory fake', async () => ({ notifier: new InMemoryPassUpdateNotifier(), passType: await aPassTypeForPushes(), teardown: async () => {} })],
  ['log notifier (PUSH_MODE=log)', async () => ({ notifier: new LogPassUpdateNotifier(), passType: await aPassTypeForPushes(), teardown: async () => {} })],
  [
    'APNs notifier against a local APNs stand-in',
    async () => {
      const standIn = await ApnsStandIn.start();
      const notifier = new ApnsPassUpdateNotifier(
        loadAppConfig({ PUSH_MODE: 'apns', APNS_HOST: standIn.host, APNS_PORT: String(standIn.port), APNS_CA_FILE: standIn.caFile }),
      );
      return {
        notifier,
        passType: await aPassTypeForPushes(),
        teardown: async () => {
          await notifier.onModuleDestroy();
          await standIn.close();
        },
      };
    },
  ],
];

describe.each(notifiers)('PassUpdateNotifier contract: %s', (_name, setup) => {
  let harness: NotifierHarness;

  beforeAll(async () => {
    harness = await setup();
  });

  afterAll(async () => {
    await harness.teardown();
  });

  it('answers one result per token, in the order of the tokens, delivered for live tokens', async () => {
    const tokens = Array.from({ length: 5 }, () => randomBytes(32).toString('hex'));
    const results = await harness.notifier.notify(harness.passType, tokens);
    expect(results).toEqual(tokens.map((pushToken) => ({ pushToken, outcome: { kind: 'delivered' } })));
  });

  it('answers an empty list for no tokens', async () => {
    expect(await harness.notifier.notify(harness.passType, [])).toEqual([]);
  });
});
