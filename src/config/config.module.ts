import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, loadAppConfig } from './app-config';

@Global()
@Module({})
export class ConfigModule {
  /** Provides the configuration given, or the one read from the environment. */
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useFactory: () => config ?? loadAppConfig() }],
      exports: [AppConfig],
    };
  }
}
