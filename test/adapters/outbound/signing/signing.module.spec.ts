import { Test } from '@nestjs/testing';
import { NodeCryptoCertificateReader } from '../../../../src/adapters/outbound/signing/node-crypto-certificate.reader';
import { NodeCryptoPassPackager } from '../../../../src/adapters/outbound/signing/node-crypto-pass.packager';
import { SigningModule } from '../../../../src/adapters/outbound/signing/signing.module';
import { loadAppConfig } from '../../../../src/config/app-config';
import { ConfigModule } from '../../../../src/config/config.module';
import { CertificateReader } from '../../../../src/domain/ports/certificate-reader';
import { PassPackager } from '../../../../src/domain/ports/pass-packager';

describe('SigningModule', () => {
  it('binds the signing ports to their node:crypto adapters', async () => {
    const module = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadAppConfig({}, '/tmp')), SigningModule],
    }).compile();

    expect(module.get(PassPackager)).toBeInstanceOf(NodeCryptoPassPackager);
    expect(module.get(CertificateReader)).toBeInstanceOf(NodeCryptoCertificateReader);
  });
});
