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

/** A query parameter that carries an API key, by its decoded name (`api%5Fkey` is `api_key` too). */
const API_KEY_PARAMETER = /^api_(key|token)(?![a-z0-9_])/i;

/** The request URL as logged: the values of API key parameters replaced, however their names are encoded. */
export function redactApiKeys(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const pairs = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return equals !== -1 && API_KEY_PARAMETER.test(decodedName(name)) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, queryStart + 1)}${pairs.join('&')}`;
}

/**
 * A device library identifier is the only credential of Wallet's "what changed" list (Apple's
 * reference: keep it out of logs), so the path segment that carries it is replaced.
 */
export function redactDeviceLibraryIdentifiers(url: string): string {
  return url.replace(/^(\/wallet\/v1\/devices\/)[^/?]*/, '$1[redacted]');
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

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
                url: redactDeviceLibraryIdentifiers(redactApiKeys(req.url)),
              }),
            },
          },
        }),
        CoreModule,
        HealthModule,
        DistributionModule,
        PassdockModule,
        SkycoreModule,
        AppleWebServiceModule,
        PushWorkerModule,
      ],
      providers: [ConfiguredPassTypeInitializer],
    };
  }
}
