import {
  buildPackageFiles,
  buildPassJson,
  escapeStringsLiteral,
  packageImages,
  passStrings,
} from '../../../../src/adapters/outbound/signing/pass-json';
import { validatePassJson } from '../../../../src/adapters/outbound/signing/passkit-schemas';
import type { SigningMaterial } from '../../../../src/domain/pass-type';
import { boardingPassTemplate, issue, NOW, PNG_1X1, signingPassType } from '../../../support/signing-fixtures';

const material: SigningMaterial = {
  certificatePem: 'unused',
  privateKeyPem: 'unused',
  privateKeyPassphrase: null,
  wwdrCertificatePem: 'unused',
};
const URL = 'https://passes.test/wallet';
const location = { latitude: 48.85, longitude: 2.35, altitude: null, relevantText: 'Near the gate' };
const beacon = { proximityUUID: 'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0', major: 1, minor: null, relevantText: null };

describe('buildPassJson', () => {
  const passType = signingPassType(material);

  it('is valid for passkit-generator and carries no generation time', () => {
    const template = boardingPassTemplate();
    const pass = issue(template);

    const json = buildPassJson({ pass, template, passType }, URL);

    expect(validatePassJson(json)).toEqual([]);
    expect(buildPassJson({ pass, template, passType }, URL)).toEqual(json);
    expect(JSON.stringify(json)).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('gives a field without a value an empty string and leaves out null members', () => {
    const template = boardingPassTemplate();

    const json = buildPassJson({ pass: issue(template), template, passType }, URL);

    expect(json.boardingPass!.secondaryFields).toEqual([{ key: 'passenger', label: 'Passenger', value: '' }]);
  });

  it("uses the template's locations and beacons until the pass has its own", () => {
    const template = boardingPassTemplate({
      relevance: { locations: [location], beacons: [beacon], relevantDate: '2026-03-01T09:00:00+01:00', maxDistance: 50 },
    });
    const inherited = buildPassJson({ pass: issue(template), template, passType }, URL);
    const own = buildPassJson(
      {
        pass: issue(template, { locations: [{ ...location, latitude: 1, relevantText: null }], beacons: [], relevantDate: '2026-04-01T10:00:00Z', expirationDate: '2026-05-01T00:00:00Z' }),
        template,
        passType,
      },
      URL,
    );

    expect(inherited).toMatchObject({
      locations: [{ latitude: 48.85, longitude: 2.35, relevantText: 'Near the gate' }],
      beacons: [{ proximityUUID: 'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0', major: 1 }],
      maxDistance: 50,
      relevantDate: '2026-03-01T09:00:00+01:00',
    });
    expect(inherited.locations![0]).not.toHaveProperty('altitude');
    expect(inherited).not.toHaveProperty('expirationDate');
    expect(own.locations).toEqual([{ latitude: 1, longitude: 2.35 }]);
    expect(own).not.toHaveProperty('beacons');
    expect(own).toMatchObject({ relevantDate: '2026-04-01T10:00:00Z', expirationDate: '2026-05-01T00:00:00Z' });
    expect(validatePassJson(own)).toEqual([]);
  });

  it('writes the barcode only as barcodes, alt text included', () => {
    const template = boardingPassTemplate({
      barcode: { format: 'PKBarcodeFormatCode128', message: 'X1', messageEncoding: 'iso-8859-1', altText: 'X 1' },
    });

    const json = buildPassJson({ pass: issue(template), template, passType }, URL);

    expect(json.barcodes).toEqual([{ format: 'PKBarcodeFormatCode128', message: 'X1', messageEncoding: 'iso-8859-1', altText: 'X 1' }]);
    expect(json).not.toHaveProperty('barcode');
  });

  it('writes no barcode when the template has none or its message is empty', () => {
    const none = boardingPassTemplate({ barcode: null });
    const empty = boardingPassTemplate({
      barcode: { format: 'PKBarcodeFormatQR', message: '', messageEncoding: 'iso-8859-1', altText: null },
    });

    for (const template of [none, empty]) {
      const json = buildPassJson({ pass: issue(template, { barcodeMessage: null }), template, passType }, URL);
      expect(json).not.toHaveProperty('barcodes');
      expect(json).not.toHaveProperty('barcode');
    }
  });
});

describe('buildPackageFiles', () => {
  it("overlays the pass's images on the template's and writes one pass.strings per language", () => {
    const template = boardingPassTemplate({ localizations: { fr: { Gate: 'Porte' }, 'pt-BR': { Gate: 'Portão' }, de: {} } });
    const ownIcon = Buffer.concat([PNG_1X1, Buffer.from([1])]);
    const pass = issue(template, { images: { 'icon.png': ownIcon } });

    const files = buildPackageFiles({ pass, template, passType: signingPassType(material) });

    expect(Object.keys(files).sort()).toEqual(['fr.lproj/pass.strings', 'icon.png', 'logo.png', 'pt-BR.lproj/pass.strings']);
    expect(files['icon.png'].equals(ownIcon)).toBe(true);
    expect(files['logo.png'].equals(PNG_1X1)).toBe(true);
    expect(files['pt-BR.lproj/pass.strings'].toString('utf8')).toBe('"Gate" = "Portão";');
  });
});

describe('pass.strings', () => {
  it('escapes quotes, backslashes and control characters', () => {
    expect(escapeStringsLiteral('a "b" \\ c\nd\te\u0001')).toBe('a \\"b\\" \\\\ c\\nd\\te\\U0001');
    expect(passStrings({ 'say "hi"': 'Dis "salut"', two: 'deux' }).toString('utf8')).toBe(
      '"say \\"hi\\"" = "Dis \\"salut\\"";\n"two" = "deux";',
    );
  });
});

describe('packageImages', () => {
  it("leaves out a pass's own images that its template's style no longer shows", () => {
    const template = boardingPassTemplate({ style: 'generic', transitType: null });
    const pass = issue(template, { images: { 'thumbnail.png': PNG_1X1 } });
    expect(Object.keys(packageImages({ pass, template, passType: signingPassType(material) }))).toContain(
      'thumbnail.png',
    );
    template.update({ style: 'boardingPass', transitType: 'PKTransitTypeAir' }, NOW);
    expect(Object.keys(packageImages({ pass, template, passType: signingPassType(material) }))).not.toContain(
      'thumbnail.png',
    );
  });
});
