import { DomainErrorCode } from '../../src/domain/errors';
import { PassTemplate } from '../../src/domain/pass-template';
import { kindOfStyle, styleOfKind } from '../../src/domain/pass-style';
import { aField, aTemplateDefinition, PNG_1X1, T0 } from '../support/builders';
import { emptyFields } from '../../src/domain/fields';

const withCode = (code: string) => expect.objectContaining({ code });

describe('PassTemplate', () => {
  it('maps Passdock kind ids to styles and back', () => {
    for (const kind of [1, 2, 3, 4, 5, 6]) {
      const style = styleOfKind(kind)!;
      const template = PassTemplate.create(
        1,
        aTemplateDefinition({ style: style.style, eventTicketLayout: style.eventTicketLayout }),
        T0,
      );
      expect(kindOfStyle(template)).toBe(kind);
    }
    expect(styleOfKind(7)).toBeNull();
  });

  it('gives boarding passes a transit type', () => {
    const template = PassTemplate.create(1, aTemplateDefinition({ style: 'boardingPass' }), T0);
    expect(template.transitType).toBe('PKTransitTypeGeneric');
  });

  it.each([
    ['boardingPass', null, 'strip.png'],
    ['boardingPass', null, 'thumbnail@2x.png'],
    ['coupon', null, 'background.png'],
    ['generic', null, 'strip@3x.png'],
    ['storeCard', null, 'footer.png'],
    ['eventTicket', 'strip', 'background.png'],
    ['eventTicket', 'strip', 'thumbnail.png'],
    ['eventTicket', 'backgroundAndThumbnail', 'strip.png'],
  ] as const)('a %s (%s) does not take %s', (style, eventTicketLayout, image) => {
    expect(() =>
      PassTemplate.create(
        1,
        aTemplateDefinition({ style, eventTicketLayout, images: { 'icon.png': PNG_1X1, [image]: PNG_1X1 } }),
        T0,
      ),
    ).toThrow(withCode(DomainErrorCode.ImageNotAllowed));
  });

  it.each([
    ['eventTicket', 'backgroundAndThumbnail', ['background.png', 'thumbnail@2x.png', 'logo@3x.png']],
    ['eventTicket', 'strip', ['strip.png', 'strip@2x.png']],
    ['boardingPass', null, ['footer.png', 'logo.png']],
    ['coupon', null, ['strip.png']],
    ['storeCard', null, ['strip@2x.png']],
    ['generic', null, ['thumbnail.png']],
  ] as const)('a %s (%s) takes %j', (style, eventTicketLayout, images) => {
    const template = PassTemplate.create(
      1,
      aTemplateDefinition({
        style,
        eventTicketLayout,
        images: Object.fromEntries([['icon.png', PNG_1X1], ...images.map((name) => [name, PNG_1X1])]),
      }),
      T0,
    );
    expect(Object.keys(template.images)).toHaveLength(images.length + 1);
  });

  it('needs an icon, PNG content and known image names', () => {
    expect(() => PassTemplate.create(1, aTemplateDefinition({ images: { 'logo.png': PNG_1X1 } }), T0)).toThrow(
      withCode(DomainErrorCode.IconMissing),
    );
    expect(() =>
      PassTemplate.create(1, aTemplateDefinition({ images: { 'icon.png': new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]) } }), T0),
    ).toThrow(withCode(DomainErrorCode.ImageInvalid));
    expect(() =>
      PassTemplate.create(1, aTemplateDefinition({ images: { 'icon.png': PNG_1X1, 'icon.jpg': PNG_1X1 } }), T0),
    ).toThrow(withCode(DomainErrorCode.ImageInvalid));
  });

  it('refuses a key used twice across sections and unknown styles of fields', () => {
    const fields = { ...emptyFields(), header: [aField('gate')], back: [aField('gate')] };
    expect(() => PassTemplate.create(1, aTemplateDefinition({ fields }), T0)).toThrow(
      withCode(DomainErrorCode.FieldDefinitionInvalid),
    );
    const badStyle = { ...emptyFields(), auxiliary: [aField('when', { dateStyle: 'PKDateStyleHuge' as never })] };
    expect(() => PassTemplate.create(1, aTemplateDefinition({ fields: badStyle }), T0)).toThrow(
      withCode(DomainErrorCode.FieldDefinitionInvalid),
    );
    const aligned = { ...emptyFields(), primary: [aField('name', { textAlignment: 'PKTextAlignmentRight' })] };
    expect(() => PassTemplate.create(1, aTemplateDefinition({ fields: aligned }), T0)).toThrow(
      withCode(DomainErrorCode.FieldDefinitionInvalid),
    );
  });

  it('writes colors as rgb() and refuses others', () => {
    const template = PassTemplate.create(
      1,
      aTemplateDefinition({ colors: { foreground: '#FFFFFF', background: 'rgb(237,184,61)', label: null } }),
      T0,
    );
    expect(template.colors).toEqual({ foreground: 'rgb(255, 255, 255)', background: 'rgb(237, 184, 61)', label: null });
    expect(() =>
      PassTemplate.create(1, aTemplateDefinition({ colors: { foreground: 'red', background: null, label: null } }), T0),
    ).toThrow(withCode(DomainErrorCode.ColorInvalid));
    expect(() =>
      PassTemplate.create(1, aTemplateDefinition({ colors: { foreground: 'rgb(256,0,0)', background: null, label: null } }), T0),
    ).toThrow(withCode(DomainErrorCode.ColorInvalid));
  });

  it('refuses an unknown barcode format', () => {
    expect(() =>
      PassTemplate.create(
        1,
        aTemplateDefinition({
          barcode: { format: 'PKBarcodeFormatEAN' as never, message: 'x', messageEncoding: 'iso-8859-1', altText: null },
        }),
        T0,
      ),
    ).toThrow(withCode(DomainErrorCode.BarcodeInvalid));
  });

  it('validates the whole result of an update before changing anything', () => {
    const template = PassTemplate.create(1, aTemplateDefinition(), T0);
    expect(() => template.update({ style: 'boardingPass', images: { 'icon.png': PNG_1X1, 'strip.png': PNG_1X1 } }, T0)).toThrow(
      withCode(DomainErrorCode.ImageNotAllowed),
    );
    expect(template.style).toBe('generic');
    template.update({ description: 'New', organizationName: 'Org' }, new Date(T0.getTime() + 5));
    expect(template.description).toBe('New');
    expect(template.updatedAt).toEqual(new Date(T0.getTime() + 5));
  });

  it('reports unknown field keys before fields that are not dynamic', () => {
    const fields = { ...emptyFields(), header: [aField('gate')], primary: [aField('name', { dynamic: true })] };
    const template = PassTemplate.create(1, aTemplateDefinition({ fields }), T0);
    expect(() => template.assertOverridable({ gate: { value: '1' }, nope: { value: '2' } })).toThrow(
      withCode(DomainErrorCode.FieldNotFound),
    );
    expect(() => template.assertOverridable({ gate: { value: '1' } })).toThrow(withCode(DomainErrorCode.FieldNotDynamic));
    expect(() => template.assertOverridable({ name: { value: 'Ada' } })).not.toThrow();
  });

  it('opens all ten location and beacon slots unless it says fewer, and checks the counts', () => {
    const relevance = { locations: [], beacons: [], relevantDate: null, maxDistance: null };
    const open = PassTemplate.create(1, aTemplateDefinition({ relevance }), T0);
    expect([open.dynamicLocationSlots(), open.dynamicBeaconSlots()]).toEqual([10, 10]);
    const closed = PassTemplate.create(1, aTemplateDefinition({ relevance: { ...relevance, dynamicLocations: 0, dynamicBeacons: 3 } }), T0);
    expect([closed.dynamicLocationSlots(), closed.dynamicBeaconSlots()]).toEqual([0, 3]);
    for (const bad of [-1, 11, 1.5]) {
      expect(() => PassTemplate.create(1, aTemplateDefinition({ relevance: { ...relevance, dynamicLocations: bad } }), T0)).toThrow(
        withCode(DomainErrorCode.TemplateInvalid),
      );
    }
  });

  it('requires per-pass barcode messages only when the barcode says so', () => {
    const barcode = { format: 'PKBarcodeFormatQR' as const, message: '', messageEncoding: 'iso-8859-1', altText: null };
    expect(PassTemplate.create(1, aTemplateDefinition({ barcode }), T0).requiresBarcodeMessage()).toBe(false);
    expect(PassTemplate.create(1, aTemplateDefinition({ barcode: { ...barcode, messageRequired: true } }), T0).requiresBarcodeMessage()).toBe(true);
    expect(() =>
      PassTemplate.create(1, aTemplateDefinition({ barcode: { ...barcode, messageRequired: 'yes' as never } }), T0),
    ).toThrow(withCode(DomainErrorCode.BarcodeInvalid));
  });
});
