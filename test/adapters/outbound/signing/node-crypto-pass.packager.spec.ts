import { generateKeyPairSync } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CmsManifestSigner } from '../../../../src/adapters/outbound/signing/cms-signature';
import { NodeCryptoPassPackager } from '../../../../src/adapters/outbound/signing/node-crypto-pass.packager';
import { PasskitGeneratorPassPackager } from '../../../../src/adapters/outbound/signing/passkit-generator-pass.packager';
import { loadAppConfig } from '../../../../src/config/app-config';
import { DomainErrorCode } from '../../../../src/domain/errors';
import type { TemplateDefinition } from '../../../../src/domain/pass-template';
import type { PackageInput } from '../../../../src/domain/ports/pass-packager';
import { aPng } from '../../../support/builders';
import { opensslVerify, unzipPkpass } from '../../../support/pkpass';
import { boardingPassTemplate, issue, signingPassType } from '../../../support/signing-fixtures';
import { ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';

// What every packager must do is in pass-packager.contract.ts; this file checks what is particular
// to this one: the same output as the reference, the structure of its signature and zip, and the
// per-pass-type cache of parsed material.
describe('NodeCryptoPassPackager', () => {
  let certs: ThrowawayCerts;
  const config = loadAppConfig({ PUBLIC_BASE_URL: 'https://passes.test' }, '/tmp');
  const packager = new NodeCryptoPassPackager(config);
  const reference = new PasskitGeneratorPassPackager(config);

  beforeAll(async () => {
    certs = await throwawayCerts();
  });

  const images = (...kinds: string[]) =>
    Object.fromEntries(
      ['icon', 'logo', ...kinds].flatMap((kind, index) => [
        [`${kind}.png`, aPng(index * 2)],
        [`${kind}@2x.png`, aPng(index * 2 + 1)],
      ]),
    );
  const styles: Array<[string, Partial<TemplateDefinition>]> = [
    ['boardingPass', { images: images('footer') }],
    ['coupon', { style: 'coupon', transitType: null, images: images('strip') }],
    ['eventTicket', { style: 'eventTicket', transitType: null, eventTicketLayout: 'backgroundAndThumbnail', images: images('background', 'thumbnail') }],
    ['eventTicket with strip', { style: 'eventTicket', transitType: null, eventTicketLayout: 'strip', images: images('strip') }],
    ['generic', { style: 'generic', transitType: null, images: images('thumbnail') }],
    ['storeCard', { style: 'storeCard', transitType: null, images: images('strip') }],
  ];

  it.each(styles)('writes the same pass.json, manifest.json and files as the reference packager, both verified by openssl (%s)', async (_style, overrides) => {
    const template = boardingPassTemplate({
      ...overrides,
      relevance: {
        locations: [{ latitude: 48.85, longitude: 2.35, altitude: 35, relevantText: 'Near the gate' }],
        beacons: [{ proximityUUID: 'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0', major: 1, minor: 2, relevantText: null }],
        relevantDate: '2026-03-01T09:00:00+01:00',
        maxDistance: 50,
      },
      localizations: { fr: { Gate: 'Porte' }, 'pt-BR': { Gate: 'Portão', Fare: 'Tarifa' }, de: {} },
    });
    const pass = issue(template, {
      fields: { gate: { value: 'B7' }, passenger: { value: 'Ada Lovelace' } },
      barcodeMessage: 'PASS-0001',
      expirationDate: '2026-06-01T00:00:00Z',
      images: { 'logo.png': aPng(99) },
    });
    const input: PackageInput = { pass, template, passType: signingPassType(certs.material) };

    const fast = unzipPkpass(await packager.package(input));
    const slow = unzipPkpass(await reference.package(input));

    expect(fast['pass.json'].toString('utf8')).toBe(slow['pass.json'].toString('utf8'));
    expect(fast['manifest.json'].toString('utf8')).toBe(slow['manifest.json'].toString('utf8'));
    const withoutSignature = (files: Record<string, Buffer>) => Object.keys(files).filter((name) => name !== 'signature');
    expect(withoutSignature(fast).sort()).toEqual(withoutSignature(slow).sort());
    for (const name of withoutSignature(slow)) expect(fast[name].equals(slow[name])).toBe(true);
    expect(opensslVerify(fast, certs.caFile).ok).toBe(true);
    expect(opensslVerify(slow, certs.caFile).ok).toBe(true);
  });

  it('signs manifest.json with SHA-256 and RSA, signed attributes Wallet needs, and the signer and WWDR certificates', async () => {
    const before = new Date(Math.floor(Date.now() / 1000) * 1000);
    const files = unzipPkpass(await packager.package(inputFor(certs)));
    const after = new Date();

    const contentInfo = pkijs.ContentInfo.fromBER(files['signature']);
    expect(contentInfo.contentType).toBe('1.2.840.113549.1.7.2');
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    expect(signedData.encapContentInfo.eContentType).toBe('1.2.840.113549.1.7.1');
    expect(signedData.encapContentInfo.eContent).toBeUndefined();
    expect(signedData.digestAlgorithms.map((algorithm) => algorithm.algorithmId)).toEqual(['2.16.840.1.101.3.4.2.1']);
    const certificates = (signedData.certificates ?? []) as pkijs.Certificate[];
    const serial = (certificate: pkijs.Certificate) => Buffer.from(certificate.serialNumber.valueBlock.valueHexView).toString('hex');
    const pemSerial = (pem: string) => serial(pkijs.Certificate.fromBER(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')));
    expect(certificates.map(serial)).toEqual([pemSerial(certs.signer.certificatePem), pemSerial(certs.ca.certificatePem)]);

    const [signerInfo] = signedData.signerInfos;
    expect(signerInfo.version).toBe(1);
    expect(signerInfo.signatureAlgorithm.algorithmId).toBe('1.2.840.113549.1.1.1');
    const attributes = signerInfo.signedAttrs!.attributes;
    expect(attributes.map((attribute) => attribute.type)).toEqual([
      '1.2.840.113549.1.9.3', // contentType
      '1.2.840.113549.1.9.5', // signingTime
      '1.2.840.113549.1.9.4', // messageDigest
    ]);
    const signingTime = (attributes[1].values[0] as asn1js.UTCTime).toDate();
    expect(signingTime.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(signingTime.getTime()).toBeLessThanOrEqual(after.getTime());
  });

  it('writes stored entries whose sizes are in the local headers, without data descriptors', async () => {
    const bytes = await packager.package(inputFor(certs));

    const entries = localHeaders(bytes);

    expect(entries.map((entry) => entry.name)).toEqual(expect.arrayContaining(['pass.json', 'manifest.json', 'signature']));
    for (const entry of entries) {
      expect(entry).toMatchObject({ method: 0, dataDescriptor: false });
      expect(entry.compressedSize).toBe(entry.size);
    }
  });

  it('parses the signing material once per pass type, and again when the material itself changes', async () => {
    const localPackager = new NodeCryptoPassPackager(config);
    const input = inputFor(certs);
    const parse = jest.spyOn(CmsManifestSigner, 'fromMaterial');
    try {
      await localPackager.package(input);
      await localPackager.package(inputFor(certs, input.passType.id));
      expect(parse).toHaveBeenCalledTimes(1);

      // Re-imported under the same id and timestamps: a key that does not open must not go unnoticed.
      input.passType.privateKeyPem = 'not a key';
      await expect(localPackager.package(input)).rejects.toMatchObject({ code: DomainErrorCode.SigningMaterialInvalid });

      Object.assign(input.passType, certs.encryptedPkcs8Material);
      const files = unzipPkpass(await localPackager.package(input));
      expect(opensslVerify(files, certs.caFile).ok).toBe(true);
    } finally {
      parse.mockRestore();
    }
  });

  it("refuses a key that is not the signer certificate's as invalid signing material", async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const material = { ...certs.material, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };

    await expect(packager.package(inputFor({ ...certs, material }))).rejects.toMatchObject({
      code: DomainErrorCode.SigningMaterialInvalid,
      message: expect.stringMatching(/does not belong to the signer certificate/),
    });
  });

  it('refuses a key that is not RSA as invalid signing material', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const material = { ...certs.material, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };

    await expect(packager.package(inputFor({ ...certs, material }))).rejects.toMatchObject({
      code: DomainErrorCode.SigningMaterialInvalid,
      message: expect.stringMatching(/Pass Type ID certificates use RSA keys/),
    });
  });
});

function inputFor(certs: Pick<ThrowawayCerts, 'material'>, passTypeId?: number): PackageInput {
  const template = boardingPassTemplate();
  return { pass: issue(template, {}), template, passType: signingPassType(certs.material, passTypeId) };
}

interface LocalHeader {
  name: string;
  method: number;
  dataDescriptor: boolean;
  compressedSize: number;
  size: number;
}

/** Walks the local file headers (APPNOTE 4.3.7) from the start of the archive. */
function localHeaders(zip: Buffer): LocalHeader[] {
  const headers: LocalHeader[] = [];
  let offset = 0;
  while (zip.readUInt32LE(offset) === 0x04034b50) {
    const flags = zip.readUInt16LE(offset + 6);
    const compressedSize = zip.readUInt32LE(offset + 18);
    const nameLength = zip.readUInt16LE(offset + 26);
    const extraLength = zip.readUInt16LE(offset + 28);
    headers.push({
      name: zip.toString('utf8', offset + 30, offset + 30 + nameLength),
      method: zip.readUInt16LE(offset + 8),
      dataDescriptor: (flags & 0x8) !== 0,
      compressedSize,
      size: zip.readUInt32LE(offset + 22),
    });
    offset += 30 + nameLength + extraLength + compressedSize;
  }
  return headers;
}
