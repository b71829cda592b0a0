import { CachingPassPackager } from '../../../../src/adapters/outbound/package-cache/caching-pass.packager';
import { NodeCryptoPassPackager } from '../../../../src/adapters/outbound/signing/node-crypto-pass.packager';
import { PasskitGeneratorPassPackager } from '../../../../src/adapters/outbound/signing/passkit-generator-pass.packager';
import { WorkerThreadPassPackager } from '../../../../src/adapters/outbound/signing/worker-thread-pass.packager';
import type { AppConfig } from '../../../../src/config/app-config';
import { InMemoryPassPackageStore } from '../../../fakes/in-memory-pass-package.store';
import { InMemoryPassPackager } from '../../../fakes/in-memory-pass.packager';
import { compiledFile, removeCompiled } from '../../../support/compiled-service';
import { passJsonOf } from '../../../support/pkpass';
import { opensslVerifiesSignature, passPackagerContract, signingPassPackagerContract } from './pass-packager.contract';

afterAll(removeCompiled);

passPackagerContract('InMemoryPassPackager (fake)', (config) => ({
  packager: new InMemoryPassPackager(config.webServiceUrl),
  signatureVerifies: (files) =>
    files['signature'].equals(InMemoryPassPackager.signatureOf(String(passJsonOf(files).passTypeIdentifier), files['manifest.json'])),
  keepsBuilt: true,
}));

const nodeCrypto = (config: AppConfig) => new NodeCryptoPassPackager(config);
passPackagerContract('NodeCryptoPassPackager', (config) => ({ packager: nodeCrypto(config), signatureVerifies: opensslVerifiesSignature, keepsBuilt: false }));
signingPassPackagerContract('NodeCryptoPassPackager', nodeCrypto);

// The build thread runs the compiled file, as it does under `npm start`: a thread has no TypeScript loader.
const onBuildThreads = (config: AppConfig) =>
  new WorkerThreadPassPackager(config.webServiceUrl, 2, compiledFile('adapters/outbound/signing/pkpass-assembly.worker.js'));
passPackagerContract('WorkerThreadPassPackager', (config) => {
  const packager = onBuildThreads(config);
  return { packager, signatureVerifies: opensslVerifiesSignature, keepsBuilt: false, close: () => packager.onApplicationShutdown() };
});
signingPassPackagerContract('WorkerThreadPassPackager', onBuildThreads, (packager) => (packager as WorkerThreadPassPackager).onApplicationShutdown());

const reference = (config: AppConfig) => new PasskitGeneratorPassPackager(config);
passPackagerContract('PasskitGeneratorPassPackager (reference)', (config) => ({ packager: reference(config), signatureVerifies: opensslVerifiesSignature, keepsBuilt: false }));
signingPassPackagerContract('PasskitGeneratorPassPackager (reference)', reference);

// What the application binds PassPackager to (SigningModule), with the store's fake for the database.
const cached = (config: AppConfig) =>
  new CachingPassPackager(new NodeCryptoPassPackager(config), new InMemoryPassPackageStore(), {
    maxBytes: 8 * 1024 * 1024,
    webServiceUrl: config.webServiceUrl,
  });
passPackagerContract('CachingPassPackager over NodeCryptoPassPackager', (config) => {
  const packager = cached(config);
  return { packager, signatureVerifies: opensslVerifiesSignature, keepsBuilt: true, close: () => packager.onModuleDestroy() };
});
signingPassPackagerContract('CachingPassPackager over NodeCryptoPassPackager', cached, (packager) => (packager as CachingPassPackager).onModuleDestroy());
