import { X509Certificate } from 'node:crypto';
import { createDevelopmentCa, issueSignerCertificate } from '../../src/adapters/outbound/signing/certs-directory';
import { DomainErrorCode } from '../../src/domain/errors';
import type { SigningMaterial } from '../../src/domain/pass-type';
import type { CertificateReader, SigningIdentity } from '../../src/domain/ports/certificate-reader';
import {
  TEST_KEY_PASSPHRASE,
  TEST_PASS_TYPE_IDENTIFIER,
  TEST_TEAM_IDENTIFIER,
  ThrowawayCerts,
  throwawayCerts,
} from '../support/throwaway-certs';

export interface GoodMaterial {
  material: SigningMaterial;
  /** What its certificate says. */
  identity: SigningIdentity;
}

/**
 * What every CertificateReader must do. `create` gets the material this contract holds good, with
 * what each certificate says: a reader that reads certificates has no use for it.
 */
export function certificateReaderContract(name: string, create: (good: readonly GoodMaterial[]) => CertificateReader): void {
  describe(`${name} (CertificateReader contract)`, () => {
    let certs: ThrowawayCerts;
    let testIdentity: SigningIdentity;
    let apple: GoodMaterial;
    let reader: CertificateReader;

    beforeAll(async () => {
      certs = await throwawayCerts();
      testIdentity = {
        passTypeIdentifier: TEST_PASS_TYPE_IDENTIFIER,
        teamIdentifier: TEST_TEAM_IDENTIFIER,
        expiresAt: new Date(new X509Certificate(certs.signer.certificatePem).validTo),
        development: true,
      };
      // Only a WWDR of Apple's organization makes material count as production.
      const appleCa = await createDevelopmentCa({
        commonName: 'Apple Worldwide Developer Relations Certification Authority',
        organization: 'Apple Inc.',
      });
      const appleSigner = await issueSignerCertificate(appleCa, {
        passTypeIdentifier: 'pass.com.example.production',
        teamIdentifier: 'PRODTEAM01',
        notAfter: new Date('2031-06-15T12:34:56Z'),
      });
      apple = {
        material: {
          certificatePem: appleSigner.certificatePem,
          privateKeyPem: appleSigner.privateKeyPem,
          privateKeyPassphrase: null,
          wwdrCertificatePem: appleCa.certificatePem,
        },
        identity: {
          passTypeIdentifier: 'pass.com.example.production',
          teamIdentifier: 'PRODTEAM01',
          expiresAt: new Date('2031-06-15T12:34:56Z'),
          development: false,
        },
      };
      reader = create([
        { material: certs.material, identity: testIdentity },
        { material: certs.encryptedPkcs8Material, identity: testIdentity },
        { material: certs.encryptedLegacyMaterial, identity: testIdentity },
        apple,
      ]);
    });

    const refuses = (material: SigningMaterial) =>
      expect(() => reader.inspect(material)).toThrow(expect.objectContaining({ code: DomainErrorCode.SigningMaterialInvalid }));

    it('reads pass type, team and expiry of the signer, and calls material under a WWDR not named Apple development', () => {
      expect(reader.inspect(certs.material)).toEqual(testIdentity);
    });

    it('calls material under an Apple-named WWDR production, and tells certificates apart', () => {
      expect(reader.inspect(apple.material)).toEqual(apple.identity);
    });

    it.each([
      ['PKCS#8', () => certs.encryptedPkcs8Material],
      ['legacy PEM', () => certs.encryptedLegacyMaterial],
    ])('reads the same identity through an encrypted %s key opened by its passphrase', (_name, material) => {
      expect(reader.inspect(material())).toEqual(testIdentity);
    });

    it('reads material whose key is not encrypted whatever passphrase comes with it', () => {
      expect(reader.inspect({ ...certs.material, privateKeyPassphrase: 'not needed' })).toEqual(testIdentity);
    });

    it.each([
      ['the key of another certificate', () => ({ ...certs.material, privateKeyPem: apple.material.privateKeyPem })],
      ['a WWDR that did not issue the signer', () => ({ ...certs.material, wwdrCertificatePem: certs.otherCa.certificatePem })],
      ['a WWDR that issued another signer', () => ({ ...apple.material, wwdrCertificatePem: certs.ca.certificatePem })],
      ['a wrong passphrase', () => ({ ...certs.encryptedPkcs8Material, privateKeyPassphrase: `${TEST_KEY_PASSPHRASE}!` })],
      ['an encrypted key without its passphrase', () => ({ ...certs.encryptedLegacyMaterial, privateKeyPassphrase: null })],
      ['a key that is not one', () => ({ ...certs.material, privateKeyPem: 'not a key' })],
    ])('refuses %s as SIGNING_MATERIAL_INVALID', (_name, material) => {
      refuses(material());
    });
  });
}
