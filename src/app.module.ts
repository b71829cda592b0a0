import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { DistributionModule } from './adapters/inbound/distribution/distribution.module';
import { HealthModule } from './adapters/inbound/health/health.module';
import { PassdockModule } from './adapters/inbound/passdock/passdock.module';
import { SkycoreModule } from './adapters/inbound/skycore/skycore.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConfiguredPassTypeInitializer } from './configured-pass-type.initializer';
import { CoreModule } from './core.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // API keys and Apple's tokens travel in queries and headers; keep them out of logs.
            redact: ['req.headers.authorization', 'req.query.api_token', 'req.query.api_key'],
            serializers: {
              req: (req: { method: string; url: string; id: unknown }) => ({
                id: req.id,
                method: req.method,
                url: req.url.replace(/([?&](api_token|api_key)=)[^&]*/gi, '$1[redacted]'),
              }),
            },
          },
        }),
        CoreModule,
        HealthModule,
        DistributionModule,
        PassdockModule,
        SkycoreModule,
      ],
      providers: [ConfiguredPassTypeInitializer],
    };
  }
}
