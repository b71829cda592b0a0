import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { CachingPassPackager } from '../../../../src/adapters/outbound/package-cache/caching-pass.packager';
import { MikroOrmPassPackageStore } from '../../../../src/adapters/outbound/package-cache/mikro-orm-pass-package.store';
import { PersistenceModule } from '../../../../src/adapters/outbound/persistence/persistence.module';
import { NodeCryptoCertificateReader } from '../../../../src/adapters/outbound/signing/node-crypto-certificate.reader';
import { SigningModule } from '../../../../src/adapters/outbound/signing/signing.module';
import { WorkerThreadPassPackager } from '../../../../src/adapters/outbound/signing/worker-thread-pass.packager';
import { loadAppConfig } from '../../../../src/config/app-config';
import { ConfigModule } from '../../../../src/config/config.module';
import { CertificateReader } from '../../../../src/domain/ports/certificate-reader';
import { PassPackager } from '../../../../src/domain/ports/pass-packager';

describe('SigningModule', () => {
  it('binds the signing ports to their node:crypto adapters, packages behind a memory cache of the configured size', async () => {
    const module = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadAppConfig({ PACKAGE_CACHE_MAX_BYTES: '1000' }, '/tmp')), SigningModule],
    }).compile();

    const packager = module.get(PassPackager);
    expect(packager).toBeInstanceOf(CachingPassPackager);
    expect((packager as CachingPassPackager).memoryUsage.maxBytes).toBe(1000);
    expect((packager as CachingPassPackager).store).toBeNull();
    expect(module.get(CertificateReader)).toBeInstanceOf(NodeCryptoCertificateReader);
  });

  it('builds packages on the event loop with PACKAGE_BUILD_THREADS=0, and when running from TypeScript sources', async () => {
    for (const threads of ['0', '2']) {
      const module = await Test.createTestingModule({
        imports: [ConfigModule.forRoot(loadAppConfig({ PACKAGE_BUILD_THREADS: threads }, '/tmp')), SigningModule],
      }).compile();
      // Under jest this file is TypeScript: there is no compiled pkpass-assembly.worker.js beside it to start.
      expect(module.get(WorkerThreadPassPackager)).toBeNull();
      await module.close();
    }
  });

  it('keeps packages in the database too when the application has one', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'passgate-signing-module-'));
    const config = loadAppConfig({ DATABASE_URL: `sqlite:${join(directory, 'passgate.sqlite')}` }, directory);
    const module = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), PersistenceModule, SigningModule] }).compile();
    try {
      expect((module.get(PassPackager) as CachingPassPackager).store).toBeInstanceOf(MikroOrmPassPackageStore);
    } finally {
      await module.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
