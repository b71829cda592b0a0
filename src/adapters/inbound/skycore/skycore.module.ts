import { Module } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { CoreModule } from '../../../core.module';
import { RemoteImageFetcher } from '../../../domain/ports/remote-image-fetcher';
import { HttpRemoteImageFetcher } from '../../outbound/remote-image/http-remote-image.fetcher';
import { SkycoreActions } from './skycore-actions';
import { SkycoreController } from './skycore.controller';

/**
 * The Skycore-compatible XML API. Its Fastify-level error answers are installed by
 * installSkycoreTransport (bootstrap.ts), since they must exist before Nest registers the route.
 */
@Module({
  imports: [CoreModule],
  controllers: [SkycoreController],
  providers: [
    SkycoreActions,
    {
      provide: RemoteImageFetcher,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new HttpRemoteImageFetcher({
          allowedHosts: config.thumbnailUrlAllowedHosts,
          maxBytes: config.thumbnailUrlMaxBytes,
          timeoutMs: config.thumbnailUrlTimeoutMs,
        }),
    },
  ],
})
export class SkycoreModule {}
