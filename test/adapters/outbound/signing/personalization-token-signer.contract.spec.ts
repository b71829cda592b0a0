import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { Test } from '@nestjs/testing';
import { CmsPersonalizationTokenSigner } from '../../../../src/adapters/outbound/signing/cms-personalization-token.signer';
import { SigningModule } from '../../../../src/adapters/outbound/signing/signing.module';
import { loadAppConfig } from '../../../../src/config/app-config';
import { ConfigModule } from '../../../../src/config/config.module';
import { PersonalizationTokenSigner } from '../../../../src/domain/ports/personalization-token-signer';
import { InMemoryPersonalizationTokenSigner } from '../../../fakes/in-memory-personalization-token.signer';
import { opensslVerify } from '../../../support/pkpass';
import { signingPassType } from '../../../support/signing-fixtures';
import { ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';
import { personalizationTokenSignerContract } from './personalization-token-signer.contract';

const OID = { data: '1.2.840.113549.1.7.1', signingTime: '1.2.840.113549.1.9.5', messageDigest: '1.2.840.113549.1.9.4' };

/** `openssl smime -verify -binary -inform DER -in <signature> -content <token> -CAfile <ca>`, as a device checks it. */
function opensslVerifiesToken(token: string, signature: Buffer, certs: ThrowawayCerts): boolean {
  return opensslVerify({ signature, 'manifest.json': Buffer.from(token, 'utf8') }, certs.caFile).ok;
}

personalizationTokenSignerContract('InMemoryPersonalizationTokenSigner (fake)', () => ({
  signer: new InMemoryPersonalizationTokenSigner(),
  verifies: (passType, token, signature) => signature.equals(InMemoryPersonalizationTokenSigner.signatureOf(passType, token)),
}));

personalizationTokenSignerContract('CmsPersonalizationTokenSigner', () => ({
  signer: new CmsPersonalizationTokenSigner(),
  verifies: (_passType, token, signature, certs) => opensslVerifiesToken(token, signature, certs),
}));

describe('CmsPersonalizationTokenSigner', () => {
  let certs: ThrowawayCerts;

  beforeAll(async () => {
    certs = await throwawayCerts();
  });

  it('writes a detached SignedData with the signing time, the token digest, and the signer and WWDR certificates', async () => {
    const token = 'a1b2c3d4';
    const before = new Date(Math.floor(Date.now() / 1000) * 1000);
    const signature = await new CmsPersonalizationTokenSigner().sign(signingPassType(certs.material), token);
    const after = new Date();

    const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(signature).content });
    expect(signedData.encapContentInfo.eContentType).toBe(OID.data);
    expect(signedData.encapContentInfo.eContent).toBeUndefined();
    const certificates = (signedData.certificates ?? []) as pkijs.Certificate[];
    const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(certificates.map((certificate) => Buffer.from(certificate.toSchema().toBER()))).toEqual([
      der(certs.signer.certificatePem),
      der(certs.ca.certificatePem),
    ]);
    const attributes = signedData.signerInfos[0].signedAttrs!.attributes;
    const signingTime = (attributes.find((attribute) => attribute.type === OID.signingTime)!.values[0] as asn1js.UTCTime).toDate();
    expect(signingTime.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(signingTime.getTime()).toBeLessThanOrEqual(after.getTime());
    const digest = attributes.find((attribute) => attribute.type === OID.messageDigest)!.values[0] as asn1js.OctetString;
    expect(Buffer.from(digest.valueBlock.valueHexView)).toEqual(createHash('sha256').update(token, 'utf8').digest());
  });

  it('is what SigningModule provides for the port', async () => {
    const module = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadAppConfig({}, '/tmp')), SigningModule],
    }).compile();

    expect(module.get(PersonalizationTokenSigner)).toBeInstanceOf(CmsPersonalizationTokenSigner);
  });
});
