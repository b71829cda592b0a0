import { Module } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { ConfigModule } from '../../../config/config.module';
import { CoreModule } from '../../../core.module';
import { AccountCreateCommand } from './account-create.command';
import { AccountRotateKeyCommand } from './account-rotate-key.command';
import { PassTypeImportCommand } from './passtype-import.command';
import { PassVerifyCommand } from './pass-verify.command';

/** Every command; opens the database (and applies migrations) like the service does. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig) {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), CoreModule],
      providers: [AccountCreateCommand, AccountRotateKeyCommand, PassTypeImportCommand, PassVerifyCommand],
    };
  }
}

/** Commands that read only files: they run without a database. */
@Module({})
export class OfflineCliModule {
  static forRoot(config: AppConfig) {
    return {
      module: OfflineCliModule,
      imports: [ConfigModule.forRoot(config)],
      providers: [PassVerifyCommand],
    };
  }
}
