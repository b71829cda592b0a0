import { emptyFields, FieldDefinition, TemplateFields } from '../../src/domain/fields';
import { Pass, PassContent } from '../../src/domain/pass';
import { PassTemplate, TemplateDefinition } from '../../src/domain/pass-template';
import { PassType, SigningMaterial } from '../../src/domain/pass-type';
import type { PackageInput } from '../../src/domain/ports/pass-packager';
import { aField, PNG_1X1 as PNG_BYTES, T0 } from './builders';
import { TEST_PASS_TYPE_IDENTIFIER, TEST_TEAM_IDENTIFIER } from './throwaway-certs';

export const NOW = T0;

export const PNG_1X1 = Buffer.from(PNG_BYTES);

/** A field without a label unless given one. */
export function field(key: string, overrides: Partial<FieldDefinition> = {}): FieldDefinition {
  return aField(key, { label: null, ...overrides });
}

let nextPassTypeId = 1;

/** A pass type over `material`; each gets its own id, so packagers never reuse another's opened key. */
export function signingPassType(material: SigningMaterial, id = nextPassTypeId++): PassType {
  const passType = PassType.create(
    {
      accountId: null,
      passTypeIdentifier: TEST_PASS_TYPE_IDENTIFIER,
      teamIdentifier: TEST_TEAM_IDENTIFIER,
      material,
      development: true,
      certificateExpiresAt: new Date('2035-01-01T00:00:00Z'),
      isDefault: true,
    },
    NOW,
  );
  passType.id = id;
  return passType;
}

export function boardingPassTemplate(overrides: Partial<TemplateDefinition> = {}): PassTemplate {
  const fields: TemplateFields = {
    ...emptyFields(),
    header: [field('gate', { label: 'Gate', value: 'A1', dynamic: true, changeMessage: 'Gate changed to %@' })],
    primary: [field('from', { label: 'From', value: 'SFO' }), field('to', { label: 'To', value: 'JFK' })],
    secondary: [field('passenger', { label: 'Passenger', dynamic: true })],
    auxiliary: [field('fare', { label: 'Fare', value: 120, currencyCode: 'USD', dynamic: true })],
    back: [field('terms', { value: 'Non-refundable. "Fine" print\\here.' })],
  };
  const template = PassTemplate.create(
    7,
    {
      passTypeId: 1,
      style: 'boardingPass',
      transitType: 'PKTransitTypeAir',
      eventTicketLayout: null,
      title: 'Flight',
      description: 'Boarding pass',
      organizationName: 'Passgate Air',
      logoText: 'Passgate Air',
      colors: { foreground: '#ffffff', background: 'rgb(0, 0, 128)', label: null },
      fields,
      barcode: { format: 'PKBarcodeFormatQR', message: 'TEMPLATE', messageEncoding: 'iso-8859-1', altText: null },
      images: { 'icon.png': PNG_1X1, 'logo.png': PNG_1X1 },
      relevance: { locations: [], beacons: [], relevantDate: null, maxDistance: null },
      localizations: { fr: { Gate: 'Porte "principale"\nNord' } },
      recipientRequired: false,
      ...overrides,
    },
    NOW,
  );
  template.id = 3;
  return template;
}

export function issue(template: PassTemplate, content: PassContent = {}, serialNumber = 'SERIAL-1'): Pass {
  const pass = Pass.issue(template, serialNumber, content, NOW);
  pass.id = 11;
  return pass;
}

export function packageInput(material: SigningMaterial, content: PassContent = {}): PackageInput {
  const template = boardingPassTemplate();
  return { pass: issue(template, content), template, passType: signingPassType(material) };
}
