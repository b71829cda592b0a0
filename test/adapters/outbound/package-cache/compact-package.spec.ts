import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import {
  compactPackage,
  cutFileDigests,
  expandPackage,
  MIN_SHARED_FILE_BYTES,
  sharedFilesOf,
  type SharedFile,
} from '../../../../src/adapters/outbound/package-cache/compact-package';
import { NodeCryptoPassPackager } from '../../../../src/adapters/outbound/signing/node-crypto-pass.packager';
import { loadAppConfig } from '../../../../src/config/app-config';
import { aLargePng, PNG_1X1 } from '../../../support/builders';
import { opensslVerify, unzipPkpass } from '../../../support/pkpass';
import { packageInput } from '../../../support/signing-fixtures';
import { throwawayCerts } from '../../../support/throwaway-certs';

const fileOf = (bytes: Uint8Array): SharedFile => ({ digest: createHash('sha256').update(bytes).digest('hex'), bytes });
const lookup = (files: SharedFile[]) => (digest: string) => files.find((file) => file.digest === digest)?.bytes;

describe('compactPackage and expandPackage', () => {
  it('cut the files out wherever they are and put them back byte for byte', () => {
    const [a, b, c] = [randomBytes(3000), randomBytes(1200), randomBytes(900)];
    const files = [a, b, c].map(fileOf);
    const bytes = Buffer.concat([Buffer.from('PK\x03\x04head'), a, randomBytes(77), b, a, Buffer.from('tail')]);

    const compact = compactPackage(bytes, files);

    expect(compact.length).toBeLessThan(bytes.length - 2 * a.length - b.length + 200);
    expect(new Set(cutFileDigests(compact))).toEqual(new Set([files[0].digest, files[1].digest]));
    expect(expandPackage(compact, lookup(files))!.equals(bytes)).toBe(true);
  });

  it('find a file again where it was in the last package, from its start or its end, and wherever it moved to', () => {
    const [image, certificate] = [fileOf(randomBytes(2000)), fileOf(randomBytes(1500))];
    const packageOf = (passJsonBytes: number, imageFirst: boolean) => {
      const passJson = randomBytes(passJsonBytes);
      const front = imageFirst ? [image.bytes, passJson] : [passJson, image.bytes];
      return Buffer.concat([Buffer.from('PK\x03\x04'), ...front, randomBytes(300), certificate.bytes, randomBytes(100)]);
    };
    // The image at the same offset from the start, the certificate at the same distance from the
    // end; then the image moved, where the place it had holds other bytes.
    for (const bytes of [packageOf(700, true), packageOf(900, true), packageOf(650, false), packageOf(800, false)]) {
      const compact = compactPackage(bytes, [image, certificate]);
      expect(compact.length).toBeLessThan(bytes.length - image.bytes.length - certificate.bytes.length + 200);
      expect(expandPackage(compact, lookup([image, certificate]))!.equals(bytes)).toBe(true);
    }
  });

  it('leave a file inside a larger one to the larger one, and put both back', () => {
    const inner = randomBytes(MIN_SHARED_FILE_BYTES);
    const outer = Buffer.concat([randomBytes(600), inner, randomBytes(600)]);
    const bytes = Buffer.concat([Buffer.from('PK'), outer, inner, Buffer.from('end')]);
    const files = [fileOf(inner), fileOf(outer)];

    const compact = compactPackage(bytes, files);

    expect(cutFileDigests(compact)).toEqual([files[1].digest, files[0].digest]);
    expect(expandPackage(compact, lookup(files))!.equals(bytes)).toBe(true);
  });

  it('give back the package itself when nothing is worth cutting, and read such a package as it is', () => {
    const small = randomBytes(MIN_SHARED_FILE_BYTES - 1);
    const bytes = Buffer.concat([Buffer.from('PK\x03\x04'), small, randomBytes(2000)]);

    const compact = compactPackage(bytes, [fileOf(small), fileOf(randomBytes(4000))]);

    expect(compact).toBe(bytes);
    expect(cutFileDigests(bytes)).toEqual([]);
    expect(expandPackage(bytes, () => undefined)).toBe(bytes);
  });

  it('give nothing back when a file is missing or other bytes stand under its digest', () => {
    const file = fileOf(randomBytes(2000));
    const compact = compactPackage(Buffer.concat([Buffer.from('PK'), file.bytes as Buffer]), [file]);

    expect(expandPackage(compact, () => undefined)).toBeNull();
    expect(expandPackage(compact, () => randomBytes(1999))).toBeNull();
  });

  it('refuse a header cut short', () => {
    const file = fileOf(randomBytes(2000));
    const compact = compactPackage(Buffer.concat([Buffer.from('PK'), file.bytes as Buffer]), [file]);

    expect(() => cutFileDigests(compact.subarray(0, 20))).toThrow(/cut short/);
  });

  it('keep a signed package of the seed-sized images to its own part, and give it back still verifying', async () => {
    const certs = await throwawayCerts();
    const input = packageInput(certs.material);
    input.template.images = { 'icon.png': aLargePng(1448), 'icon@2x.png': aLargePng(4884), 'logo.png': aLargePng(8526), 'logo@2x.png': aLargePng(8914) };
    const packager = new NodeCryptoPassPackager(loadAppConfig({ PUBLIC_BASE_URL: 'https://passes.test' }, '/tmp'));
    const bytes = await packager.package(input);
    const files = sharedFilesOf(input);
    const certificateBytes = [certs.material.certificatePem, certs.material.wwdrCertificatePem].reduce((sum, pem) => sum + new X509Certificate(pem).raw.length, 0);

    const compact = compactPackage(bytes, files);

    expect(files).toHaveLength(6);
    expect(cutFileDigests(compact)).toHaveLength(6);
    expect(compact.length).toBeLessThan(bytes.length - 23_000 - certificateBytes + 6 * 40);
    const expanded = expandPackage(compact, lookup(files))!;
    expect(expanded.equals(bytes)).toBe(true);
    expect(opensslVerify(unzipPkpass(expanded), certs.caFile).ok).toBe(true);
  });
});

describe('sharedFilesOf', () => {
  it("names the template's images of at least MIN_SHARED_FILE_BYTES and the pass type's two certificates by their SHA-256, each content once", async () => {
    const certs = await throwawayCerts();
    const input = packageInput(certs.material);
    const logo = aLargePng(2000);
    input.template.images = { 'icon.png': PNG_1X1, 'logo.png': logo, 'logo@2x.png': Buffer.from(logo) };
    const [signer, wwdr] = [certs.material.certificatePem, certs.material.wwdrCertificatePem].map((pem) => new X509Certificate(pem).raw);

    expect(sharedFilesOf(input)).toEqual([logo, signer, wwdr].map(fileOf));
  });

  it('leaves out a certificate text that is not one, which no package could have been signed with', async () => {
    const certs = await throwawayCerts();
    const input = packageInput(certs.material);
    input.template.images = {};
    input.passType.wwdrCertificatePem = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';

    expect(sharedFilesOf(input)).toEqual([fileOf(new X509Certificate(certs.material.certificatePem).raw)]);
  });
});
