import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CmsManifestSigner } from '../../../../src/adapters/outbound/signing/cms-signature';
import { opensslVerify } from '../../../support/pkpass';
import { ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';

describe('CmsManifestSigner', () => {
  let certs: ThrowawayCerts;
  let signer: CmsManifestSigner;
  const manifest = Buffer.from('{"pass.json":"0000000000000000000000000000000000000000"}');

  beforeAll(async () => {
    certs = await throwawayCerts();
    signer = CmsManifestSigner.fromMaterial(certs.material);
  });

  const signedAttributes = (signature: Buffer) => {
    const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(signature).content });
    return signedData.signerInfos[0].signedAttrs!.attributes;
  };

  it('puts this signature’s own digest and signing time in, and openssl verifies each of them', async () => {
    const times = [new Date('2026-03-01T10:00:00Z'), new Date('2031-12-31T23:59:59Z')];
    const contents = [manifest, Buffer.from('{"other":"manifest"}')];

    const signatures = await Promise.all(times.map((time, index) => signer.sign(contents[index], time)));

    for (const [index, signature] of signatures.entries()) {
      const [, signingTime, digest] = signedAttributes(signature);
      expect((signingTime.values[0] as asn1js.UTCTime).toDate()).toEqual(times[index]);
      expect(Buffer.from((digest.values[0] as asn1js.OctetString).valueBlock.valueHexView)).toEqual(
        createHash('sha256').update(contents[index]).digest(),
      );
      expect(opensslVerify({ signature, 'manifest.json': contents[index] }, certs.caFile).ok).toBe(true);
    }
  });

  it('writes a signing time from 2050 on as GeneralizedTime (RFC 5652 11.3), still verifiable', async () => {
    const signature = await signer.sign(manifest, new Date('2051-06-01T12:00:00Z'));

    const [, signingTime] = signedAttributes(signature);
    expect(signingTime.values[0]).toBeInstanceOf(asn1js.GeneralizedTime);
    expect(opensslVerify({ signature, 'manifest.json': manifest }, certs.caFile).ok).toBe(true);
  });

  it('signs a different manifest into a different signature that does not verify the first manifest', async () => {
    const signature = await signer.sign(Buffer.from('{"changed":true}'), new Date());

    expect(opensslVerify({ signature, 'manifest.json': manifest }, certs.caFile).ok).toBe(false);
  });

  it('makes the same signature bytes with its RSA computed inline as on the thread pool (PKCS #1 v1.5 is deterministic)', async () => {
    const inline = CmsManifestSigner.fromMaterial(certs.material, 'inline');
    const time = new Date('2026-03-01T10:00:00Z');

    const [pooled, signedInline] = await Promise.all([signer.sign(manifest, time), inline.sign(manifest, time)]);

    expect(signedInline.equals(pooled)).toBe(true);
    expect(opensslVerify({ signature: signedInline, 'manifest.json': manifest }, certs.caFile).ok).toBe(true);
  });
});
