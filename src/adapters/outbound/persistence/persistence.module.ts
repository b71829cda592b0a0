import { MikroORM } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { AccountRepository } from '../../../domain/ports/account.repository';
import { DeviceRegistrationRepository } from '../../../domain/ports/device-registration.repository';
import { PassTemplateRepository } from '../../../domain/ports/pass-template.repository';
import { PassTypeRepository } from '../../../domain/ports/pass-type.repository';
import { PassRepository } from '../../../domain/ports/pass.repository';
import { PushJobRepository } from '../../../domain/ports/push-job.repository';
import { UnitOfWork } from '../../../domain/ports/unit-of-work';
import { WalletPassIndex } from '../../../domain/ports/wallet-pass-index';
import { DatabaseHealth } from './database-health';
import { migrateDatabase } from './migrate';
import { createMikroOrmOptions } from './mikro-orm.config';
import { MikroOrmAccountRepository } from './mikro-orm-account.repository';
import { MikroOrmDeviceRegistrationRepository } from './mikro-orm-device-registration.repository';
import { MikroOrmPassTemplateRepository } from './mikro-orm-pass-template.repository';
import { MikroOrmPassTypeRepository } from './mikro-orm-pass-type.repository';
import { MikroOrmPassRepository } from './mikro-orm-pass.repository';
import { MikroOrmPushJobRepository } from './mikro-orm-push-job.repository';
import { MikroOrmUnitOfWork } from './mikro-orm.unit-of-work';
import { MikroOrmWalletPassIndex } from './mikro-orm-wallet-pass.index';

const REPOSITORIES = [
  { provide: AccountRepository, useClass: MikroOrmAccountRepository },
  { provide: PassTypeRepository, useClass: MikroOrmPassTypeRepository },
  { provide: PassTemplateRepository, useClass: MikroOrmPassTemplateRepository },
  { provide: PassRepository, useClass: MikroOrmPassRepository },
  { provide: DeviceRegistrationRepository, useClass: MikroOrmDeviceRegistrationRepository },
  { provide: PushJobRepository, useClass: MikroOrmPushJobRepository },
  { provide: WalletPassIndex, useClass: MikroOrmWalletPassIndex },
  { provide: UnitOfWork, useClass: MikroOrmUnitOfWork },
];

/** Stands in for the URL when @mikro-orm/nestjs calls the factory without arguments to guess the driver. */
const DRIVER_PROBE_URL = 'sqlite::memory:';

@Module({
  imports: [
    MikroOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig | undefined) => {
        const logger = new Logger('Database');
        return {
          ...createMikroOrmOptions(config?.databaseUrl ?? DRIVER_PROBE_URL),
          logger: (message: string) => logger.log(message),
          colors: false,
          // Repositories fork per call (entityManagerFor), so no request-scoped context is needed.
          registerRequestContext: false,
        };
      },
    }),
  ],
  providers: [...REPOSITORIES, DatabaseHealth],
  exports: [...REPOSITORIES.map((binding) => binding.provide), DatabaseHealth],
})
export class PersistenceModule implements OnModuleInit {
  constructor(
    private readonly orm: MikroORM,
    private readonly config: AppConfig,
  ) {}

  /** Before the application listens: fails start-up with a readable message when the database is out of reach. */
  async onModuleInit(): Promise<void> {
    await migrateDatabase(this.orm, this.config.databaseUrl);
  }
}
