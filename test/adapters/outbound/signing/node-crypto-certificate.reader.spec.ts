import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { fromBER, Utf8String } from 'asn1js';
import { issueSignerCertificate, PASS_TYPE_ID_EXTENSION_OID } from '../../../../src/adapters/outbound/signing/certs-directory';
import { NodeCryptoCertificateReader } from '../../../../src/adapters/outbound/signing/node-crypto-certificate.reader';
import { DomainErrorCode } from '../../../../src/domain/errors';
import type { SigningMaterial } from '../../../../src/domain/pass-type';
import { TEST_KEY_PASSPHRASE, ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';

describe('NodeCryptoCertificateReader', () => {
  const reader = new NodeCryptoCertificateReader();
  let certs: ThrowawayCerts;

  beforeAll(async () => {
    certs = await throwawayCerts();
  });

  const rejects = (material: SigningMaterial, message: RegExp) =>
    expect(() => reader.inspect(material)).toThrow(
      expect.objectContaining({ code: DomainErrorCode.SigningMaterialInvalid, message: expect.stringMatching(message) }),
    );

  it('reads pass type, team and expiry from the signer certificate and flags a non-Apple WWDR as development', () => {
    const identity = reader.inspect(certs.material);

    expect(identity).toEqual({
      passTypeIdentifier: 'pass.test.passgate.signing',
      teamIdentifier: 'TESTTEAM01',
      expiresAt: new Date(new X509Certificate(certs.signer.certificatePem).validTo),
      development: true,
    });
  });

  it("is read from a certificate shaped like Apple's, with the Pass Type ID extension", () => {
    const certificate = new X509Certificate(certs.signer.certificatePem);
    const extension = new x509.X509Certificate(certs.signer.certificatePem).getExtension(PASS_TYPE_ID_EXTENSION_OID)!;

    expect(extension.critical).toBe(false);
    const value = fromBER(extension.value).result;
    expect(value).toBeInstanceOf(Utf8String);
    expect((value as Utf8String).getValue()).toBe('pass.test.passgate.signing');
    expect(certificate.subject.split('\n')).toEqual([
      'UID=pass.test.passgate.signing',
      'CN=Pass Type ID: pass.test.passgate.signing',
      'OU=TESTTEAM01',
      'O=passgate development',
      'C=US',
    ]);
  });

  it.each([
    ['PKCS#8', () => certs.encryptedPkcs8Material],
    ['legacy PEM', () => certs.encryptedLegacyMaterial],
  ])('opens an encrypted %s key with its passphrase', (_name, material) => {
    expect(reader.inspect(material()).passTypeIdentifier).toBe('pass.test.passgate.signing');
  });

  it('refuses an encrypted key without its passphrase', () => {
    rejects({ ...certs.encryptedPkcs8Material, privateKeyPassphrase: null }, /encrypted and no passphrase/);
  });

  it('refuses a wrong passphrase', () => {
    rejects({ ...certs.encryptedLegacyMaterial, privateKeyPassphrase: `${TEST_KEY_PASSPHRASE}!` }, /passphrase does not open/);
  });

  it('refuses a key that belongs to another certificate', async () => {
    const other = await issueSignerCertificate(certs.ca, { passTypeIdentifier: 'pass.test.other', teamIdentifier: 'TESTTEAM01' });

    rejects({ ...certs.material, privateKeyPem: other.privateKeyPem }, /private key does not belong to the signer certificate/);
  });

  it('refuses a WWDR certificate that did not issue the signer', () => {
    rejects({ ...certs.material, wwdrCertificatePem: certs.otherCa.certificatePem }, /WWDR certificate .* did not issue the signer/);
  });

  it('names the part that is not a certificate', () => {
    rejects({ ...certs.material, certificatePem: 'garbage' }, /signer certificate is not a PEM certificate/);
    rejects({ ...certs.material, wwdrCertificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }, /WWDR certificate cannot be read/);
    rejects({ ...certs.material, privateKeyPem: 'garbage' }, /signer private key cannot be opened/);
  });
});
