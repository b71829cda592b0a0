import { Module } from '@nestjs/common';
import { CertificateReader } from '../../../domain/ports/certificate-reader';
import { PassPackager } from '../../../domain/ports/pass-packager';
import { NodeCryptoCertificateReader } from './node-crypto-certificate.reader';
import { PasskitGeneratorPassPackager } from './passkit-generator-pass.packager';

/** Signing adapters; AppConfig comes from the global ConfigModule. */
@Module({
  providers: [
    { provide: PassPackager, useClass: PasskitGeneratorPassPackager },
    { provide: CertificateReader, useClass: NodeCryptoCertificateReader },
  ],
  exports: [PassPackager, CertificateReader],
})
export class SigningModule {}
