import { MikroORM } from '@mikro-orm/core';
import { Module } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { CertificateReader } from '../../../domain/ports/certificate-reader';
import { PassPackager } from '../../../domain/ports/pass-packager';
import { PersonalizationTokenSigner } from '../../../domain/ports/personalization-token-signer';
import { CachingPassPackager } from '../package-cache/caching-pass.packager';
import { MikroOrmPassPackageStore } from '../package-cache/mikro-orm-pass-package.store';
import { CmsPersonalizationTokenSigner } from './cms-personalization-token.signer';
import { NodeCryptoCertificateReader } from './node-crypto-certificate.reader';
import { NodeCryptoPassPackager } from './node-crypto-pass.packager';
import { WorkerThreadPassPackager } from './worker-thread-pass.packager';

/**
 * Signing adapters; AppConfig comes from the global ConfigModule. Packages are made by the
 * node:crypto packager, on PACKAGE_BUILD_THREADS worker threads (WorkerThreadPassPackager) or, with
 * 0, on the event loop (NodeCryptoPassPackager; also when the application runs from TypeScript
 * sources, where there is no compiled thread file to start), behind the package cache: memory
 * bounded by PACKAGE_CACHE_MAX_BYTES, then the database, whose MikroORM instance the (global)
 * MikroOrmModule provides; without one (this module on its own, in tests) the cache keeps to
 * memory. passkit-generator's packager (PasskitGeneratorPassPackager) stays as the reference the
 * tests and `npm run bench` compare with.
 */
@Module({
  providers: [
    NodeCryptoPassPackager,
    {
      provide: WorkerThreadPassPackager,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.packageBuildThreads > 0 && WorkerThreadPassPackager.canStart()
          ? new WorkerThreadPassPackager(config.webServiceUrl, config.packageBuildThreads)
          : null,
    },
    {
      provide: PassPackager,
      inject: [AppConfig, NodeCryptoPassPackager, WorkerThreadPassPackager, { token: MikroORM, optional: true }],
      useFactory: (config: AppConfig, onEventLoop: NodeCryptoPassPackager, onThreads: WorkerThreadPassPackager | null, orm: MikroORM | undefined) =>
        new CachingPassPackager(onThreads ?? onEventLoop, orm ? new MikroOrmPassPackageStore(orm) : null, {
          maxBytes: config.packageCacheMaxBytes,
          webServiceUrl: config.webServiceUrl,
        }),
    },
    { provide: CertificateReader, useClass: NodeCryptoCertificateReader },
    { provide: PersonalizationTokenSigner, useClass: CmsPersonalizationTokenSigner },
  ],
  exports: [PassPackager, CertificateReader, PersonalizationTokenSigner],
})
export class SigningModule {}
