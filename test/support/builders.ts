import { randomBytes } from 'node:crypto';
import { Account } from '../../src/domain/account';
import { DeviceRegistration } from '../../src/domain/device-registration';
import { emptyFields, type FieldDefinition } from '../../src/domain/fields';
import { Pass, type PassContent } from '../../src/domain/pass';
import { PassTemplate, type TemplateDefinition } from '../../src/domain/pass-template';
import { PassType } from '../../src/domain/pass-type';

export const T0 = new Date('2026-01-01T00:00:00.000Z');

/** A valid 1×1 RGBA PNG. */
export const PNG_1X1 = new Uint8Array(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
);

/** The 1×1 PNG with extra bytes after IEND, so each call gives different content with the same signature. */
export function aPng(marker = 0): Uint8Array {
  return new Uint8Array([...PNG_1X1, marker & 0xff, (marker >> 8) & 0xff, 0x00, 0xff]);
}

/** A PNG of `size` bytes, as large as a real icon or logo: the 1×1 image with random bytes after its IEND. */
export function aLargePng(size: number): Buffer {
  return Buffer.concat([PNG_1X1, randomBytes(size - PNG_1X1.length)]);
}

export function aField(key: string, overrides: Partial<FieldDefinition> = {}): FieldDefinition {
  return {
    key,
    label: key.toUpperCase(),
    value: null,
    changeMessage: null,
    dateStyle: null,
    timeStyle: null,
    isRelative: null,
    ignoresTimeZone: null,
    numberStyle: null,
    currencyCode: null,
    textAlignment: null,
    dynamic: false,
    ...overrides,
  };
}

/** A generic template with one dynamic primary field `name` and an icon; override anything. */
export function aTemplateDefinition(overrides: Partial<TemplateDefinition> = {}): TemplateDefinition {
  return {
    passTypeId: 1,
    style: 'generic',
    transitType: null,
    eventTicketLayout: null,
    title: 'Membership',
    description: 'Membership card',
    organizationName: 'Passgate Test Club',
    logoText: null,
    colors: { foreground: null, background: null, label: null },
    fields: { ...emptyFields(), primary: [aField('name', { dynamic: true, value: 'Member' })] },
    barcode: null,
    images: { 'icon.png': PNG_1X1 },
    relevance: { locations: [], beacons: [], relevantDate: null, maxDistance: null },
    localizations: {},
    recipientRequired: false,
    ...overrides,
  };
}

export function anAccount(name = 'Test account', now: Date = T0): { account: Account; apiKey: string } {
  return Account.create(name, now);
}

const PEM = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

let passTypeCounter = 0;

/** A pass type with placeholder PEM text: enough for persistence, not for signing. */
export function aPassType(
  accountId: number | null,
  overrides: Partial<Parameters<typeof PassType.create>[0]> = {},
  now: Date = T0,
): PassType {
  passTypeCounter += 1;
  return PassType.create(
    {
      accountId,
      passTypeIdentifier: `pass.com.example.test${passTypeCounter}`,
      teamIdentifier: 'ABCDE12345',
      material: {
        certificatePem: PEM('CERTIFICATE', 'MIIBcertificate'),
        privateKeyPem: PEM('PRIVATE KEY', 'MIIBkey'),
        privateKeyPassphrase: null,
        wwdrCertificatePem: PEM('CERTIFICATE', 'MIIBwwdr'),
      },
      development: true,
      certificateExpiresAt: new Date('2027-01-01T00:00:00.000Z'),
      isDefault: false,
      ...overrides,
    },
    now,
  );
}

export function aTemplate(
  accountId: number,
  passTypeId: number,
  overrides: Partial<TemplateDefinition> = {},
  now: Date = T0,
): PassTemplate {
  return PassTemplate.create(accountId, aTemplateDefinition({ passTypeId, ...overrides }), now);
}

/** The template must have its id (be stored) so the pass can point at it. */
export function aPass(template: PassTemplate, serialNumber: string, content: PassContent = {}, now: Date = T0): Pass {
  return Pass.issue(template, serialNumber, content, now);
}

export function aRegistration(
  deviceLibraryIdentifier: string,
  passId: number,
  pushToken = 'token-1',
  now: Date = T0,
): DeviceRegistration {
  return DeviceRegistration.create(deviceLibraryIdentifier, passId, pushToken, now);
}
