import { NodeCryptoPassPackager } from '../../../../src/adapters/outbound/signing/node-crypto-pass.packager';
import { PasskitGeneratorPassPackager } from '../../../../src/adapters/outbound/signing/passkit-generator-pass.packager';
import { WorkerThreadPassPackager } from '../../../../src/adapters/outbound/signing/worker-thread-pass.packager';
import { compiledFile, removeCompiled } from '../../../support/compiled-service';
import { passPackagerContract } from './pass-packager.contract';

afterAll(removeCompiled);

passPackagerContract('NodeCryptoPassPackager', (config) => new NodeCryptoPassPackager(config));
// The build thread runs the compiled file, as it does under `npm start`: a thread has no TypeScript loader.
passPackagerContract(
  'WorkerThreadPassPackager',
  (config) => new WorkerThreadPassPackager(config.webServiceUrl, 2, compiledFile('adapters/outbound/signing/pkpass-assembly.worker.js')),
  (packager) => (packager as WorkerThreadPassPackager).onApplicationShutdown(),
);
passPackagerContract('PasskitGeneratorPassPackager (reference)', (config) => new PasskitGeneratorPassPackager(config));
