import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppleWebServiceModule } from './adapters/inbound/apple-web-service/apple-web-service.module';
import { DistributionModule } from './adapters/inbound/distribution/distribution.module';
import { HealthModule } from './adapters/inbound/health/health.module';
import { PassdockModule } from './adapters/inbound/passdock/passdock.module';
import { SkycoreModule } from './adapters/inbound/skycore/skycore.module';
import { PushWorkerModule } from './adapters/outbound/push/push.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConfiguredPassTypeInitializer } from './configured-pass-type.initializer';
import { CoreModule } from './core.module';
import { createServiceLogger, SERVICE_LOGGER } from './request-log';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const logger = createServiceLogger(config.logLevel);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // nestjs-pino for the application's logs only, with no middleware on any route: requests
        // are logged by installRequestLog's Fastify hook, at a fraction of the cost (see there).
        LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] }),
        CoreModule,
        HealthModule,
        DistributionModule,
        PassdockModule,
        SkycoreModule,
        AppleWebServiceModule,
        PushWorkerModule,
      ],
      providers: [ConfiguredPassTypeInitializer, { provide: SERVICE_LOGGER, useValue: logger }],
    };
  }
}
