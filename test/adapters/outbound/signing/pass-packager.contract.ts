import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPackageFiles } from '../../../../src/adapters/outbound/signing/pass-json';
import { PasskitGeneratorPassPackager } from '../../../../src/adapters/outbound/signing/passkit-generator-pass.packager';
import { verifyPkpass } from '../../../../src/adapters/outbound/signing/pkpass-verifier';
import { AppConfig, loadAppConfig } from '../../../../src/config/app-config';
import { DomainError, DomainErrorCode } from '../../../../src/domain/errors';
import { emptyFields } from '../../../../src/domain/fields';
import type { SigningMaterial } from '../../../../src/domain/pass-type';
import { packageVersionOf, type PackageInput, type PassPackager } from '../../../../src/domain/ports/pass-packager';
import { AN_NFC, AN_OFFER, PERSONALIZATION_LOGOS, personalizableStoreCard } from '../../../support/personalization-fixtures';
import { opensslVerify, passJsonOf, PkpassFiles, sha1Hex, unzipPkpass, zipPkpass } from '../../../support/pkpass';
import { boardingPassTemplate, field, issue, NOW, packageInput, PNG_1X1, signingPassType } from '../../../support/signing-fixtures';
import { TEST_KEY_PASSPHRASE, ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';

export interface PackagerUnderTest {
  packager: PassPackager;
  /** Whether the package's signature is, by this implementation's own check, a signature of its manifest.json. */
  signatureVerifies(files: PkpassFiles, certs: ThrowawayCerts): boolean;
  /** Whether findBuilt answers with the packages it built (a cache), rather than always with null (a packager that only builds). */
  keepsBuilt: boolean;
  close?(): Promise<void>;
}

/** The signature check of the packagers that sign: `openssl smime -verify` against the issuing CA, as a device checks it. */
export function opensslVerifiesSignature(files: PkpassFiles, certs: ThrowawayCerts): boolean {
  return opensslVerify(files, certs.caFile).ok;
}

const CONTRACT_CONFIG = { PUBLIC_BASE_URL: 'https://passes.test' };
const ENROLLMENT_FILES = ['personalization.json', 'personalizationLogo.png', 'personalizationLogo@2x.png'];

/**
 * What every PassPackager must do, the in-memory fake's included: the package's files, pass.json,
 * manifest and a signature of that manifest (each checked the way its implementation says), the
 * same manifest for the same pass version, findBuilt, and the domain errors for the same bad
 * inputs. What only a packager that really signs must do is signingPassPackagerContract's.
 */
export function passPackagerContract(name: string, create: (config: AppConfig) => PackagerUnderTest): void {
  describe(`${name} (PassPackager contract)`, () => {
    let certs: ThrowawayCerts;
    const { packager, signatureVerifies, keepsBuilt, close } = create(loadAppConfig(CONTRACT_CONFIG, '/tmp'));

    beforeAll(async () => {
      certs = await throwawayCerts();
    });

    afterAll(() => close?.());

    function expectManifestOfEveryFile(files: PkpassFiles): void {
      const manifest = JSON.parse(files['manifest.json'].toString('utf8')) as Record<string, string>;
      const hashed = Object.keys(files).filter((file) => file !== 'manifest.json' && file !== 'signature');
      expect(Object.keys(manifest).sort()).toEqual(hashed.sort());
      for (const file of hashed) expect(manifest[file]).toBe(sha1Hex(files[file]));
    }

    it('builds a zip whose manifest hashes every file and whose signature verifies that manifest', async () => {
      const input = ticketedInput(certs.material);

      const files = unzipPkpass(await packager.package(input));

      expect(Object.keys(files).sort()).toEqual(
        ['fr.lproj/pass.strings', 'icon.png', 'logo.png', 'manifest.json', 'pass.json', 'signature'].sort(),
      );
      expectManifestOfEveryFile(files);
      expect(files['icon.png'].length).toBe(PNG_1X1.length + 1);
      expect(signatureVerifies(files, certs)).toBe(true);
    });

    it('writes pass.json from the pass, its template and its pass type', async () => {
      const input = packageInput(certs.material, {
        fields: { gate: { value: 'B7' }, passenger: { value: 'Ada Lovelace', label: 'Traveller' } },
        barcodeMessage: 'PASS-0001',
      });

      const json = passJsonOf(unzipPkpass(await packager.package(input)));

      expect(json).toMatchObject({
        formatVersion: 1,
        passTypeIdentifier: 'pass.test.passgate.signing',
        teamIdentifier: 'TESTTEAM01',
        serialNumber: 'SERIAL-1',
        webServiceURL: 'https://passes.test/wallet',
        authenticationToken: input.pass.authenticationToken,
        organizationName: 'Passgate Air',
        description: 'Boarding pass',
        logoText: 'Passgate Air',
        foregroundColor: 'rgb(255, 255, 255)',
        backgroundColor: 'rgb(0, 0, 128)',
        barcodes: [{ format: 'PKBarcodeFormatQR', message: 'PASS-0001', messageEncoding: 'iso-8859-1' }],
      });
      expect(json).not.toHaveProperty('barcode');
      expect(json).not.toHaveProperty('labelColor');
      expect(json).not.toHaveProperty('voided');
      const style = json.boardingPass as Record<string, Array<Record<string, unknown>>> & { transitType: string };
      expect(style.transitType).toBe('PKTransitTypeAir');
      expect(style.headerFields).toEqual([{ key: 'gate', label: 'Gate', value: 'B7', changeMessage: 'Gate changed to %@' }]);
      expect(style.secondaryFields).toEqual([{ key: 'passenger', label: 'Traveller', value: 'Ada Lovelace' }]);
      expect(style.auxiliaryFields).toEqual([{ key: 'fare', label: 'Fare', value: 120, currencyCode: 'USD' }]);
      expect(style.backFields).toEqual([{ key: 'terms', value: 'Non-refundable. "Fine" print\\here.' }]);
    });

    it('marks voided and redeemed passes as voided', async () => {
      const voided = packageInput(certs.material);
      voided.pass.void(NOW);
      const redeemed = packageInput(certs.material);
      redeemed.pass.redeem(NOW);

      expect(passJsonOf(unzipPkpass(await packager.package(voided))).voided).toBe(true);
      expect(passJsonOf(unzipPkpass(await packager.package(redeemed))).voided).toBe(true);
    });

    it('packages exactly the files buildPackageFiles lists, besides pass.json, manifest.json and signature', async () => {
      const input = packageInput(certs.material);
      input.template.localizations = { fr: { Gate: 'Porte' }, 'pt-BR': { Gate: 'Portão' } };

      const files = unzipPkpass(await packager.package(input));

      const { 'pass.json': _passJson, 'manifest.json': _manifest, signature: _signature, ...rest } = files;
      expect(rest).toEqual(buildPackageFiles(input));
    });

    it('writes localizations as escaped UTF-8 pass.strings', async () => {
      const files = unzipPkpass(await packager.package(packageInput(certs.material)));

      expect(files['fr.lproj/pass.strings'].toString('utf8')).toBe('"Gate" = "Porte \\"principale\\"\\nNord";');
    });

    it('produces the same manifest for the same pass version, so devices see no change', async () => {
      const input = packageInput(certs.material);

      const first = unzipPkpass(await packager.package(input));
      const second = unzipPkpass(await packager.package(input));

      expect(second['manifest.json'].equals(first['manifest.json'])).toBe(true);
    });

    it(`answers findBuilt with ${keepsBuilt ? 'the package built for exactly that version' : 'null: it only builds'}`, async () => {
      const input = packageInput(certs.material);
      expect(await packager.findBuilt(packageVersionOf(input))).toBeNull();

      const built = await packager.package(input);
      const found = await packager.findBuilt(packageVersionOf(input));

      if (keepsBuilt) expect(found?.equals(built)).toBe(true);
      else expect(found).toBeNull();
      input.pass.redeem(NOW);
      expect(await packager.findBuilt(packageVersionOf(input))).toBeNull();
    });

    it.each([
      ['PKCS#8 ENCRYPTED PRIVATE KEY', () => certs.encryptedPkcs8Material],
      ['legacy Proc-Type: 4,ENCRYPTED', () => certs.encryptedLegacyMaterial],
      [
        'PKCS#8 with scrypt, which node-forge cannot open',
        () => ({ ...certs.material, privateKeyPem: scryptEncrypted(certs), privateKeyPassphrase: TEST_KEY_PASSPHRASE }),
      ],
    ])('signs with an encrypted key (%s)', async (_name, material) => {
      const files = unzipPkpass(await packager.package(packageInput(material())));

      expect(signatureVerifies(files, certs)).toBe(true);
    });

    it.each<[string, (certs: ThrowawayCerts) => SigningMaterial, RegExp]>([
      ['no passphrase for an encrypted key', (c) => ({ ...c.encryptedPkcs8Material, privateKeyPassphrase: null }), /no passphrase was given/],
      ['a key that is not PEM', (c) => ({ ...c.material, privateKeyPem: 'not a key' }), /signer private key cannot be opened/],
      ['an unreadable signer certificate', (c) => ({ ...c.material, certificatePem: 'not a certificate' }), /signer certificate cannot be read/],
      ['an unreadable WWDR certificate', (c) => ({ ...c.material, wwdrCertificatePem: 'not a certificate' }), /WWDR certificate cannot be read/],
    ])('refuses %s as invalid signing material', async (_name, material, message) => {
      await expect(packager.package(packageInput(material(certs)))).rejects.toMatchObject({
        code: DomainErrorCode.SigningMaterialInvalid,
        message: expect.stringMatching(message),
      });
    });

    it("turns a pass.json that fails passkit-generator's schema into PASS_INVALID naming the problem", async () => {
      const input = packageInput(certs.material);
      input.template.colors.foreground = 'blue';

      const failure = await packager.package(input).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(DomainError);
      expect(failure).toMatchObject({ code: DomainErrorCode.PassInvalid, details: { field: 'foregroundColor' } });
      expect((failure as Error).message).toMatch(/foregroundColor/);
    });

    describe('personalization (rewards enrollment)', () => {
      const packaged = async (input: PackageInput) => unzipPkpass(await packager.package(input));

      it('offers enrollment before the holder enrolls: nfc in pass.json, personalization.json and its logos', async () => {
        const files = await packaged(personalizableInput(certs.material));

        expect(passJsonOf(files).nfc).toEqual(AN_NFC);
        expect(JSON.parse(files['personalization.json'].toString('utf8'))).toEqual(AN_OFFER);
        expect(Object.keys(files)).toEqual(expect.arrayContaining(ENROLLMENT_FILES));
        expect(files['personalizationLogo@2x.png'].equals(Buffer.from(PERSONALIZATION_LOGOS['personalizationLogo@2x.png']))).toBe(true);
        expectManifestOfEveryFile(files);
        expect(signatureVerifies(files, certs)).toBe(true);
      });

      it("leaves enrollment out once the holder enrolled, and shows the holder's answers", async () => {
        const input = enrolledInput(certs.material);

        const files = await packaged(input);

        expect(Object.keys(files).filter((name) => name.startsWith('personalization'))).toEqual([]);
        const json = passJsonOf(files);
        expect(json.nfc).toEqual(AN_NFC);
        const storeCard = json.storeCard as Record<string, Array<Record<string, unknown>>>;
        expect(storeCard.primaryFields).toEqual([{ key: 'fullName', label: 'Member', value: 'Ada Lovelace' }]);
        expect(storeCard.secondaryFields[0]).toEqual({ key: 'emailAddress', label: 'Email', value: 'ada@example.com' });
        expectManifestOfEveryFile(files);
        expect(signatureVerifies(files, certs)).toBe(true);
      });

      it("turns a personalization.json that fails passkit-generator's Personalize schema into PASS_INVALID, not a pass without it", async () => {
        // PassTemplate refuses such an offer; a row stored before a rule changed would not be checked again.
        const input = personalizableInput(certs.material);
        input.template.personalization = { ...AN_OFFER, requiredPersonalizationFields: ['PKPassPersonalizationFieldShoeSize' as never] };

        const failure = await packager.package(input).catch((error: unknown) => error);

        expect(failure).toMatchObject({
          code: DomainErrorCode.PassInvalid,
          details: { field: 'personalization.requiredPersonalizationFields.0' },
        });
      });

      it('offers no enrollment on a pass that shows as voided', async () => {
        const files = await packaged(redeemedPersonalizableInput(certs.material));

        expect(Object.keys(files).filter((name) => name.startsWith('personalization'))).toEqual([]);
        expectManifestOfEveryFile(files);
        expect(signatureVerifies(files, certs)).toBe(true);
      });
    });

    describe('tampering', () => {
      let files: PkpassFiles;

      beforeAll(async () => {
        files = unzipPkpass(await packager.package(packageInput(certs.material)));
      });

      it('a manifest re-hashed after changing pass.json no longer verifies against the signature', () => {
        const tampered = rehashedAfterChangingPassJson(files);

        expect(signatureVerifies(tampered, certs)).toBe(false);
      });

      it('a flipped byte in the signature no longer verifies', () => {
        expect(signatureVerifies(withFlippedSignatureByte(files), certs)).toBe(false);
      });
    });
  });
}

/**
 * What a packager that signs must do besides passPackagerContract: a CMS signature that `openssl
 * smime -verify` accepts against the issuing CA (DESIGN.md's check), every check of passgate's own
 * verifier (chain, signing time, identifiers, passkit-generator's schema), keys opened for real (a
 * wrong passphrase), and byte for byte the reference packager's pass.json and manifest.
 */
export function signingPassPackagerContract(
  name: string,
  create: (config: AppConfig) => PassPackager,
  close: (packager: PassPackager) => Promise<void> = () => Promise.resolve(),
): void {
  describe(`${name} (signing PassPackager contract)`, () => {
    let certs: ThrowawayCerts;
    const config = loadAppConfig(CONTRACT_CONFIG, '/tmp');
    const packager = create(config);

    beforeAll(async () => {
      certs = await throwawayCerts();
    });

    afterAll(() => close(packager));

    it('signs the manifest so that openssl verifies it against the CA', async () => {
      const input = ticketedInput(certs.material);

      const verified = opensslVerify(unzipPkpass(await packager.package(input)), certs.caFile);

      expect(verified.output).toMatch(/Verification successful/);
      expect(verified.ok).toBe(true);
    });

    it("passes every check of passgate's verifier: chain, signing time, identifiers and schema", async () => {
      const bytes = await packager.package(packageInput(certs.material));

      const report = await verifyPkpass(bytes, { trustedCaPems: [certs.ca.certificatePem] });

      expect(report.checks.filter((check) => !check.ok)).toEqual([]);
      expect(report.valid).toBe(true);
    });

    it('refuses a wrong passphrase as invalid signing material', async () => {
      const material = { ...certs.encryptedPkcs8Material, privateKeyPassphrase: 'wrong' };

      await expect(packager.package(packageInput(material))).rejects.toMatchObject({
        code: DomainErrorCode.SigningMaterialInvalid,
        message: expect.stringMatching(/passphrase does not open/),
      });
    });

    describe('personalization (rewards enrollment)', () => {
      const reference = new PasskitGeneratorPassPackager(config);

      it.each<[string, (material: SigningMaterial) => PackageInput]>([
        ['offers enrollment', personalizableInput],
        ['was enrolled', enrolledInput],
        ['shows as voided', redeemedPersonalizableInput],
      ])("signs the package of a personalizable pass that %s so that passgate's verifier accepts it", async (_state, inputOf) => {
        const bytes = await packager.package(inputOf(certs.material));

        const report = await verifyPkpass(bytes, { trustedCaPems: [certs.ca.certificatePem] });

        expect(report.checks.filter((check) => !check.ok)).toEqual([]);
      });

      it('writes the same pass.json, manifest.json and files as the reference packager, before and after enrollment', async () => {
        for (const input of [personalizableInput(certs.material), enrolledInput(certs.material)]) {
          const ours = unzipPkpass(await packager.package(input));
          const theirs = unzipPkpass(await reference.package(input));
          expect(ours['pass.json'].toString('utf8')).toBe(theirs['pass.json'].toString('utf8'));
          expect(ours['manifest.json'].toString('utf8')).toBe(theirs['manifest.json'].toString('utf8'));
          const unsigned = (files: PkpassFiles) => Object.keys(files).filter((name) => name !== 'signature').sort();
          expect(unsigned(ours)).toEqual(unsigned(theirs));
        }
      });
    });

    describe('tampering', () => {
      let files: PkpassFiles;

      beforeAll(async () => {
        files = unzipPkpass(await packager.package(packageInput(certs.material)));
      });

      it('a changed pass.json no longer matches the signed manifest', async () => {
        const tampered: PkpassFiles = {
          ...files,
          'pass.json': Buffer.from(files['pass.json'].toString().replace('SERIAL-1', 'SERIAL-2')),
        };
        const manifest = JSON.parse(tampered['manifest.json'].toString()) as Record<string, string>;

        expect(manifest['pass.json']).not.toBe(sha1Hex(tampered['pass.json']));
        const report = await verifyPkpass(zipPkpass(tampered), { trustedCaPems: [certs.ca.certificatePem] });
        expect(report.valid).toBe(false);
        expect(report.checks.find((check) => !check.ok)).toMatchObject({ name: 'manifest', detail: expect.stringContaining('pass.json') });
      });

      it('a manifest re-hashed after changing pass.json fails openssl and verifyPkpass', async () => {
        const tampered = rehashedAfterChangingPassJson(files);

        expect(opensslVerify(tampered, certs.caFile).ok).toBe(false);
        const report = await verifyPkpass(zipPkpass(tampered), { trustedCaPems: [certs.ca.certificatePem] });
        expect(report.valid).toBe(false);
        expect(report.checks.filter((check) => !check.ok).map((check) => check.name)).toContain('signature structure');
      });

      it('a flipped byte in the signature fails openssl and verifyPkpass', async () => {
        const tampered = withFlippedSignatureByte(files);

        expect(opensslVerify(tampered, certs.caFile).ok).toBe(false);
        const report = await verifyPkpass(zipPkpass(tampered), { trustedCaPems: [certs.ca.certificatePem] });
        expect(report.valid).toBe(false);
        expect(report.checks.find((check) => check.name === 'signature value')?.ok).toBe(false);
      });
    });
  });
}

/** The seed-like pass with field values, a barcode and an icon of the pass's own. */
function ticketedInput(material: SigningMaterial): PackageInput {
  return packageInput(material, {
    fields: { gate: { value: 'B7' }, passenger: { value: 'Ada Lovelace', label: 'Traveller' } },
    barcodeMessage: 'PASS-0001',
    barcodeAltText: 'PASS 0001',
    images: { 'icon.png': Buffer.concat([PNG_1X1, Buffer.from([0])]) },
  });
}

/** A store card that offers enrollment, with fields named after PersonalizationDictionary keys. */
function personalizableInput(material: SigningMaterial): PackageInput {
  const template = boardingPassTemplate(
    personalizableStoreCard({
      fields: {
        ...emptyFields(),
        primary: [field('fullName', { label: 'Member', value: 'Guest', dynamic: true })],
        secondary: [field('emailAddress', { label: 'Email' }), field('points', { label: 'Points', value: 120, numberStyle: 'PKNumberStyleDecimal' })],
      },
      images: { 'icon.png': PNG_1X1, 'logo.png': PNG_1X1, ...PERSONALIZATION_LOGOS },
    }),
  );
  return { pass: issue(template), template, passType: signingPassType(material) };
}

function enrolledInput(material: SigningMaterial): PackageInput {
  const input = personalizableInput(material);
  input.pass.personalize({ fullName: 'Ada Lovelace', emailAddress: 'ada@example.com' }, NOW);
  return input;
}

function redeemedPersonalizableInput(material: SigningMaterial): PackageInput {
  const input = personalizableInput(material);
  input.pass.redeem(NOW);
  return input;
}

function rehashedAfterChangingPassJson(files: PkpassFiles): PkpassFiles {
  const passJson = Buffer.from(files['pass.json'].toString().replace('SERIAL-1', 'SERIAL-2'));
  const manifest = { ...JSON.parse(files['manifest.json'].toString()), 'pass.json': sha1Hex(passJson) };
  return { ...files, 'pass.json': passJson, 'manifest.json': Buffer.from(JSON.stringify(manifest)) };
}

function withFlippedSignatureByte(files: PkpassFiles): PkpassFiles {
  const signature = Buffer.from(files['signature']);
  signature[signature.length - 10] ^= 0xff;
  return { ...files, signature };
}

export function scryptEncrypted(certs: ThrowawayCerts): string {
  const plain = join(certs.dir, 'plain-key.pem');
  writeFileSync(plain, certs.signer.privateKeyPem, { mode: 0o600 });
  execFileSync('openssl', ['pkcs8', '-topk8', '-scrypt', '-in', plain, '-passout', `pass:${TEST_KEY_PASSPHRASE}`, '-out', `${plain}.enc`]);
  return readFileSync(`${plain}.enc`, 'utf8');
}
