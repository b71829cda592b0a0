import { Logger, Module, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import type { PassType } from '../../../domain/pass-type';
import { PassUpdateNotifier } from '../../../domain/ports/pass-update-notifier';
import type { PushResult } from '../../../domain/push';
import { SendPushes } from '../../../application/send-pushes.use-case';
import { CoreModule } from '../../../core.module';
import { ApnsPassUpdateNotifier } from './apns-pass-update.notifier';
import { LogPassUpdateNotifier } from './log-pass-update.notifier';
import { PushWorker } from './push-worker';

/**
 * PUSH_MODE unset: each push goes where its pass type's certificate can take it. A development
 * certificate (chain not leading to Apple; `PassType.development`, read from the certificate when
 * the pass type was registered or imported) is logged, since Apple's APNs refuses it and no iPhone
 * installed its passes; an Apple certificate goes to APNs.
 *
 * Decided per push rather than once at module init: at init the CERTS_DIR pass type may not be
 * registered yet (ConfiguredPassTypeInitializer creates development material and registers it at
 * bootstrap, after this module is built), and reading CERTS_DIR here as well would race that
 * initializer on a first start. Per push it also serves the mixes one decision cannot: an account's
 * imported Apple pass type while CERTS_DIR still holds development material, and the development
 * pass type that older templates keep after CERTS_DIR switched to Apple material.
 */
export class ByCertificatePassUpdateNotifier extends PassUpdateNotifier implements OnModuleDestroy {
  constructor(
    readonly log: LogPassUpdateNotifier,
    readonly apns: ApnsPassUpdateNotifier,
  ) {
    super();
  }

  notify(passType: PassType, pushTokens: readonly string[]): Promise<PushResult[]> {
    return (passType.development ? this.log : this.apns).notify(passType, pushTokens);
  }

  onModuleDestroy(): Promise<void> {
    return this.apns.onModuleDestroy();
  }
}

/** The notifier PUSH_MODE asks for; only the one in use is made (APNS_CA_FILE is read only for APNs). */
export function passUpdateNotifierFor(config: AppConfig): PassUpdateNotifier {
  const logger = new Logger('Push');
  const apns = `APNs at ${config.apnsHost}:${config.apnsPort}`;
  switch (config.pushMode) {
    case 'apns':
      logger.log(`Update pushes go to ${apns} (PUSH_MODE=apns).`);
      return new ApnsPassUpdateNotifier(config);
    case 'log':
      logger.log('Update pushes are logged, not sent (PUSH_MODE=log).');
      return new LogPassUpdateNotifier();
    case null:
      logger.log(
        `Update pushes for pass types with Apple certificates go to ${apns}; those for pass types with ` +
          'development certificates are logged, not sent (PUSH_MODE unset).',
      );
      return new ByCertificatePassUpdateNotifier(new LogPassUpdateNotifier(), new ApnsPassUpdateNotifier(config));
  }
}

/**
 * The outbound push port, bound by PUSH_MODE; AppConfig comes from the global ConfigModule. Nest
 * runs `onModuleDestroy` of the notifier made here, which closes its APNs connections.
 */
@Module({
  providers: [{ provide: PassUpdateNotifier, inject: [AppConfig], useFactory: passUpdateNotifierFor }],
  exports: [PassUpdateNotifier],
})
export class PushModule {}

/** The worker that sends queued pushes; only the running service has it, not the CLI. */
@Module({
  imports: [CoreModule, PushModule],
  providers: [SendPushes, PushWorker],
})
export class PushWorkerModule {}
