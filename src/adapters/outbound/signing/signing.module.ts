import { Module } from '@nestjs/common';
import { CertificateReader } from '../../../domain/ports/certificate-reader';
import { PassPackager } from '../../../domain/ports/pass-packager';
import { NodeCryptoCertificateReader } from './node-crypto-certificate.reader';
import { NodeCryptoPassPackager } from './node-crypto-pass.packager';

/**
 * Signing adapters; AppConfig comes from the global ConfigModule. Packages are made by the
 * node:crypto packager; passkit-generator's (PasskitGeneratorPassPackager) stays as the reference
 * the tests and `npm run bench` compare it with.
 */
@Module({
  providers: [
    { provide: PassPackager, useClass: NodeCryptoPassPackager },
    { provide: CertificateReader, useClass: NodeCryptoCertificateReader },
  ],
  exports: [PassPackager, CertificateReader],
})
export class SigningModule {}
