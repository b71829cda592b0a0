import { readPassData } from '../../../../src/adapters/inbound/skycore/skycore-pass-data';
import { emptyFields } from '../../../../src/domain/fields';
import type { TemplateDefinition } from '../../../../src/domain/pass-template';
import { aField, aPass, aTemplate } from '../../../support/builders';

const UUID = 'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0';

function template(overrides: Partial<TemplateDefinition> = {}) {
  const created = aTemplate(1, 1, overrides);
  created.id = 5;
  return created;
}

const codeOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as { code: string }).code;
  }
  throw new Error('accepted');
};

const everySection = template({
  fields: {
    header: [aField('h1', { dynamic: true })],
    primary: [aField('p1', { dynamic: true }), aField('p2', { dynamic: true })],
    secondary: [aField('s1', { dynamic: true }), aField('s2')],
    auxiliary: [aField('a1', { dynamic: true })],
    back: [aField('b1'), aField('b2', { dynamic: true })],
  },
  barcode: { format: 'PKBarcodeFormatQR', message: 'default', messageEncoding: 'iso-8859-1', altText: null },
  relevance: { locations: [], beacons: [], relevantDate: null, maxDistance: null, dynamicLocations: 3, dynamicBeacons: 2 },
});

describe('Skycore pass data slots', () => {
  it('address the template\'s fields by section and position', () => {
    const { content } = readPassData(
      everySection,
      { HEADERVALUE1: 'h', PRIMARYLABEL1: 'Name', PRIMARYVALUE1: 'Ada', SECVALUE1: 's', AUXLABEL1: 'aux', BACKVALUE2: 'b' },
      'new',
      null,
    );
    expect(content.fields).toEqual({
      h1: { value: 'h' },
      p1: { label: 'Name', value: 'Ada' },
      s1: { value: 's' },
      a1: { label: 'aux' },
      b2: { value: 'b' },
    });
  });

  it('refuse a slot whose field is not dynamic or does not exist, naming the element, label before value', () => {
    expect(codeOf(() => readPassData(everySection, { SECVALUE2: 'x' }, 'new', null))).toBe('E849');
    expect(codeOf(() => readPassData(everySection, { SECLABEL2: 'x', SECVALUE2: 'x' }, 'new', null))).toBe('E848');
    expect(codeOf(() => readPassData(everySection, { SECVALUE3: 'x' }, 'new', null))).toBe('E851');
    expect(codeOf(() => readPassData(everySection, { BACKLABEL1: 'x' }, 'new', null))).toBe('E862');
    expect(codeOf(() => readPassData(everySection, { AUXVALUE4: 'x' }, 'new', null))).toBe('E861');
    // The first refused slot in code order wins.
    expect(codeOf(() => readPassData(everySection, { BACKVALUE4: 'x', HEADERLABEL1: 'ok', SECVALUE2: 'x' }, 'new', null))).toBe('E849');
  });

  it('ignore PRIMARY…2 except on boarding passes (§2)', () => {
    expect(readPassData(everySection, { PRIMARYVALUE2: 'x' }, 'new', null).content.fields).toBeUndefined();
    const boarding = template({
      style: 'boardingPass',
      transitType: 'PKTransitTypeBus',
      fields: { ...emptyFields(), primary: [aField('from', { dynamic: true }), aField('to')] },
    });
    expect(readPassData(boarding, { PRIMARYVALUE1: 'x' }, 'new', null).content.fields).toEqual({ from: { value: 'x' } });
    expect(codeOf(() => readPassData(boarding, { PRIMARYVALUE2: 'x' }, 'new', null))).toBe('E845');
  });

  it('take barcode values only when the template has a barcode', () => {
    expect(readPassData(everySection, { BARCODEVALUE: '1', BARCODETEXT: 'one' }, 'new', null).content).toMatchObject({
      barcodeMessage: '1',
      barcodeAltText: 'one',
    });
    expect(readPassData(template(), { BARCODEVALUE: '1', BARCODETEXT: 'one' }, 'new', null)).toMatchObject({
      content: {},
      setsAnything: false,
    });
  });

  it('merge location slots into the pass\'s own locations and refuse gaps', () => {
    const first = readPassData(everySection, { RELLATITUDE1: '1', RELLONGITUDE1: '2', RELTEXT1: 'here' }, 'new', null).content;
    expect(first.locations).toEqual([{ latitude: 1, longitude: 2, altitude: null, relevantText: 'here' }]);
    const pass = aPass(everySection, 'S1', first);
    const second = readPassData(everySection, { RELLATITUDE2: '-3.5', RELLONGITUDE2: '+4' }, 'update', pass).content;
    expect(second.locations).toEqual([
      { latitude: 1, longitude: 2, altitude: null, relevantText: 'here' },
      { latitude: -3.5, longitude: 4, altitude: null, relevantText: null },
    ]);
    const replaced = readPassData(everySection, { RELLATITUDE1: '5', RELLONGITUDE1: '6' }, 'update', pass).content;
    expect(replaced.locations).toEqual([{ latitude: 5, longitude: 6, altitude: null, relevantText: null }]);
    expect(codeOf(() => readPassData(everySection, { RELLATITUDE3: '1', RELLONGITUDE3: '1' }, 'update', pass))).toBe('E881');
    expect(codeOf(() => readPassData(everySection, { RELLATITUDE4: '1', RELLONGITUDE4: '1' }, 'update', pass))).toBe('E873');
    // RELTEXT alone is ignored.
    expect(readPassData(everySection, { RELTEXT1: 'only text' }, 'update', pass).content.locations).toBeUndefined();
    for (const bad of ['1e2', '0x10', 'NaN', '1 ', '90.0001']) {
      expect(codeOf(() => readPassData(everySection, { RELLATITUDE1: bad, RELLONGITUDE1: '0' }, 'new', null))).toBe('E880');
    }
  });

  it('merge beacon slots the same way', () => {
    const pass = aPass(everySection, 'S2', readPassData(everySection, { IBEACONUUID1: UUID }, 'new', null).content);
    expect(readPassData(everySection, { IBEACONUUID2: UUID, IBEACONMAJOR2: '7', IBEACONTEXT2: 'door' }, 'update', pass).content.beacons).toEqual([
      { proximityUUID: UUID, major: null, minor: null, relevantText: null },
      { proximityUUID: UUID, major: 7, minor: null, relevantText: 'door' },
    ]);
    expect(codeOf(() => readPassData(everySection, { IBEACONUUID2: UUID }, 'new', null))).toBe('E990');
    expect(codeOf(() => readPassData(everySection, { IBEACONUUID3: UUID }, 'update', pass))).toBe('E952');
    expect(codeOf(() => readPassData(everySection, { IBEACONUUID1: UUID, IBEACONMAJOR1: '1.5' }, 'new', null))).toBe('E970');
  });

  it('take CUSTOMPASSID and the recipient only for new data', () => {
    const data = { CUSTOMPASSID: 'ORDER-1', EMAIL: 'a@b.example', CUSTOMID: 'x 1' };
    expect(readPassData(everySection, data, 'new', null)).toMatchObject({
      content: { customPassId: 'ORDER-1' },
      recipient: { email: 'a@b.example', phone: null, customId: 'x 1' },
    });
    expect(readPassData(everySection, data, 'update', null)).toEqual({ content: {}, recipient: null, thumbnailUrl: null, setsAnything: false });
  });

  it('accept THUMBNAILURL only for styles that show a thumbnail', () => {
    expect(readPassData(everySection, { THUMBNAILURL: 'https://x/t.png' }, 'update', null)).toMatchObject({
      thumbnailUrl: 'https://x/t.png',
      setsAnything: true,
    });
    expect(codeOf(() => readPassData(template({ style: 'storeCard' }), { THUMBNAILURL: 'https://x/t.png' }, 'new', null))).toBe('E100');
  });
});
