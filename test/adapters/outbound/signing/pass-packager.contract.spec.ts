import { NodeCryptoPassPackager } from '../../../../src/adapters/outbound/signing/node-crypto-pass.packager';
import { PasskitGeneratorPassPackager } from '../../../../src/adapters/outbound/signing/passkit-generator-pass.packager';
import { passPackagerContract } from './pass-packager.contract';

passPackagerContract('NodeCryptoPassPackager', (config) => new NodeCryptoPassPackager(config));
passPackagerContract('PasskitGeneratorPassPackager (reference)', (config) => new PasskitGeneratorPassPackager(config));
