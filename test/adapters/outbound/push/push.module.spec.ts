import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApnsPassUpdateNotifier } from '../../../../src/adapters/outbound/push/apns-pass-update.notifier';
import { LogPassUpdateNotifier } from '../../../../src/adapters/outbound/push/log-pass-update.notifier';
import { ByCertificatePassUpdateNotifier, PushModule } from '../../../../src/adapters/outbound/push/push.module';
import { loadAppConfig } from '../../../../src/config/app-config';
import { ConfigModule } from '../../../../src/config/config.module';
import { PassUpdateNotifier } from '../../../../src/domain/ports/pass-update-notifier';
import { aPassType } from '../../../support/builders';

describe('PushModule', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  async function notifierFor(env: NodeJS.ProcessEnv) {
    const module = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadAppConfig(env, '/tmp')), PushModule],
    }).compile();
    await module.init();
    return { notifier: module.get(PassUpdateNotifier), module };
  }

  it('sends through APNs with PUSH_MODE=apns and closes its connections with the module', async () => {
    const { notifier, module } = await notifierFor({ PUSH_MODE: 'apns' });
    const closing = jest.spyOn(notifier as ApnsPassUpdateNotifier, 'onModuleDestroy');

    expect(notifier).toBeInstanceOf(ApnsPassUpdateNotifier);
    await module.close();
    expect(closing).toHaveBeenCalled();
  });

  it('only logs with PUSH_MODE=log', async () => {
    const { notifier, module } = await notifierFor({ PUSH_MODE: 'log' });

    expect(notifier).toBeInstanceOf(LogPassUpdateNotifier);
    await module.close();
  });

  describe('with PUSH_MODE unset', () => {
    it("logs the pushes of pass types with development certificates and sends those with Apple's through APNs", async () => {
      const { notifier, module } = await notifierFor({});
      expect(notifier).toBeInstanceOf(ByCertificatePassUpdateNotifier);
      const { log, apns } = notifier as ByCertificatePassUpdateNotifier;
      const logged = jest.spyOn(log, 'notify');
      const sent = jest.spyOn(apns, 'notify').mockResolvedValue([{ pushToken: 'ab', outcome: { kind: 'delivered' } }]);
      const development = aPassType(null, { development: true });
      const apple = aPassType(null, { development: false });

      await notifier.notify(development, ['cd']);
      await notifier.notify(apple, ['ab']);

      expect(logged).toHaveBeenCalledWith(development, ['cd']);
      expect(sent).toHaveBeenCalledWith(apple, ['ab']);
      expect(sent).toHaveBeenCalledTimes(1);
      const closing = jest.spyOn(apns, 'onModuleDestroy');
      await module.close();
      expect(closing).toHaveBeenCalled();
    });
  });
});
