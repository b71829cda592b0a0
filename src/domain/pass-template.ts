import { DomainError, DomainErrorCode } from './errors';
import { FIELD_SECTIONS, FieldDefinition, FieldOverride, FieldSection, TemplateFields, validateFields } from './fields';
import { hasIcon, ImageSet, validateImages } from './images';
import { allowedImageKinds, StyleChoice, validateStyleChoice } from './pass-style';
import { NfcPayload, PersonalizationOffer, validateNfc, validatePersonalizationOffer } from './personalization';
import { sha256Hex } from './secrets';
import { assertNoNulCharacter } from './text';
import {
  Beacon,
  Location,
  MAX_BEACONS,
  MAX_LOCATIONS,
  validateBeacons,
  validateDate,
  validateLocations,
} from './relevance';

/** @see https://developer.apple.com/documentation/walletpasses/pass/barcodes-data.dictionary */
export const BARCODE_FORMATS = [
  'PKBarcodeFormatQR',
  'PKBarcodeFormatPDF417',
  'PKBarcodeFormatAztec',
  'PKBarcodeFormatCode128',
] as const;
export type BarcodeFormat = (typeof BARCODE_FORMATS)[number];

export interface BarcodeDefaults {
  format: BarcodeFormat;
  message: string;
  messageEncoding: string;
  altText: string | null;
  /**
   * Every pass brings its own message (Skycore's "Barcode Value Source: Dynamic Value"); a pass
   * without one is refused. Absent: false.
   */
  messageRequired?: boolean;
}

export interface Colors {
  foreground: string | null;
  background: string | null;
  label: string | null;
}

export interface TemplateRelevance {
  locations: Location[];
  beacons: Beacon[];
  relevantDate: string | null;
  maxDistance: number | null;
  /**
   * How many of a pass's location slots (1..n) the pass may fill itself, Skycore's "location n is
   * Dynamic". Absent: all ten.
   */
  dynamicLocations?: number;
  /** The same for beacon slots. Absent: all ten. */
  dynamicBeacons?: number;
}

/** Language code → (localizable key → text), written to `<lang>.lproj/pass.strings`. */
export type Localizations = Record<string, Record<string, string>>;

export interface TemplateDefinition extends StyleChoice {
  passTypeId: number;
  title: string;
  description: string;
  organizationName: string;
  logoText: string | null;
  colors: Colors;
  fields: TemplateFields;
  barcode: BarcodeDefaults | null;
  images: ImageSet;
  relevance: TemplateRelevance;
  localizations: Localizations;
  /** Each pass is locked to one recipient (email, phone or custom id) when its data is stored. */
  recipientRequired: boolean;
  /**
   * Rewards enrollment offered to holders (`personalization.json`): store cards with `nfc` and a
   * personalizationLogo image only. Absent: none.
   */
  personalization?: PersonalizationOffer | null;
  /** The pass.json `nfc` dictionary. Absent: none. */
  nfc?: NfcPayload | null;
}

const RGB = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/;
const HEX = /^#([0-9a-fA-F]{6})$/;
const LANGUAGE = /^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;

/** Wallet takes colors only as `rgb(r, g, b)`; `#rrggbb` is accepted and converted. */
export function normalizeColor(color: string | null, which: string): string | null {
  if (color === null) return null;
  const hex = HEX.exec(color);
  if (hex) {
    const value = parseInt(hex[1], 16);
    return `rgb(${value >> 16}, ${(value >> 8) & 0xff}, ${value & 0xff})`;
  }
  const rgb = RGB.exec(color);
  if (rgb && rgb.slice(1).every((part) => Number(part) <= 255)) return `rgb(${rgb[1]}, ${rgb[2]}, ${rgb[3]})`;
  throw new DomainError(DomainErrorCode.ColorInvalid, `${which} color "${color}" must be rgb(r, g, b) or #rrggbb.`, {
    field: which,
  });
}

function validateBarcode(barcode: BarcodeDefaults | null): BarcodeDefaults | null {
  if (barcode === null) return null;
  if (!BARCODE_FORMATS.includes(barcode.format)) {
    throw new DomainError(DomainErrorCode.BarcodeInvalid, `"${String(barcode.format)}" is not a barcode format.`);
  }
  if (typeof barcode.messageEncoding !== 'string' || barcode.messageEncoding.trim() === '') {
    throw new DomainError(DomainErrorCode.BarcodeInvalid, 'A barcode needs a message encoding.');
  }
  if (barcode.messageRequired !== undefined && typeof barcode.messageRequired !== 'boolean') {
    throw new DomainError(DomainErrorCode.BarcodeInvalid, 'messageRequired is true or false.');
  }
  return { ...barcode };
}

function validateSlotCount(count: number | undefined, limit: number, what: string): number | undefined {
  if (count === undefined) return undefined;
  if (!Number.isInteger(count) || count < 0 || count > limit) {
    throw new DomainError(DomainErrorCode.TemplateInvalid, `${what} is a whole number from 0 to ${limit}.`, {
      field: what,
    });
  }
  return count;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function requireText(value: string, what: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new DomainError(DomainErrorCode.TemplateInvalid, `A template needs a ${what} of 1 to ${max} characters.`, {
      field: what,
    });
  }
  return value;
}

function validateLocalizations(localizations: Localizations): Localizations {
  for (const language of Object.keys(localizations)) {
    if (!LANGUAGE.test(language)) {
      throw new DomainError(DomainErrorCode.TemplateInvalid, `"${language}" is not a language code.`, {
        field: 'localizations',
      });
    }
  }
  return localizations;
}

/** A template: the design every pass issued from it shares, and the defaults its fields start from. */
export class PassTemplate implements TemplateDefinition {
  id!: number;
  accountId!: number;
  passTypeId!: number;
  style!: StyleChoice['style'];
  transitType!: StyleChoice['transitType'];
  eventTicketLayout!: StyleChoice['eventTicketLayout'];
  title!: string;
  description!: string;
  organizationName!: string;
  logoText!: string | null;
  colors!: Colors;
  fields!: TemplateFields;
  barcode!: BarcodeDefaults | null;
  images!: ImageSet;
  relevance!: TemplateRelevance;
  localizations!: Localizations;
  recipientRequired!: boolean;
  personalization!: PersonalizationOffer | null;
  nfc!: NfcPayload | null;
  createdAt!: Date;
  updatedAt!: Date;

  static create(accountId: number, definition: TemplateDefinition, now: Date): PassTemplate {
    const template = new PassTemplate();
    template.accountId = accountId;
    template.createdAt = now;
    template.apply(definition, now);
    return template;
  }

  /** Replaces the given parts of the definition; the whole result is validated before anything changes. */
  update(changes: Partial<TemplateDefinition>, now: Date): void {
    this.apply({ ...this.definition(), ...changes }, now);
  }

  /**
   * Everything of the template that ends up in its passes' packages, images by their SHA-256, in
   * one comparable string: a change that leaves it equal (a resent template, a new title, the
   * recipient rule) gives no pass a new version, so no device is pushed for nothing.
   */
  designFingerprint(): string {
    const { title: _title, recipientRequired: _recipientRequired, images, ...design } = this.definition();
    const imageHashes = Object.keys(images)
      .sort()
      .map((name) => [name, sha256Hex(images[name])]);
    return JSON.stringify([design, imageHashes]);
  }

  definition(): TemplateDefinition {
    return {
      passTypeId: this.passTypeId,
      style: this.style,
      transitType: this.transitType,
      eventTicketLayout: this.eventTicketLayout,
      title: this.title,
      description: this.description,
      organizationName: this.organizationName,
      logoText: this.logoText,
      colors: this.colors,
      fields: this.fields,
      barcode: this.barcode,
      images: this.images,
      relevance: this.relevance,
      localizations: this.localizations,
      recipientRequired: this.recipientRequired,
      personalization: this.personalization,
      nfc: this.nfc,
    };
  }

  /** Location slots 1..n that a pass may fill with its own locations. */
  dynamicLocationSlots(): number {
    return this.relevance.dynamicLocations ?? MAX_LOCATIONS;
  }

  dynamicBeaconSlots(): number {
    return this.relevance.dynamicBeacons ?? MAX_BEACONS;
  }

  requiresBarcodeMessage(): boolean {
    return this.barcode?.messageRequired === true;
  }

  findField(key: string): { section: FieldSection; definition: FieldDefinition } | null {
    for (const section of FIELD_SECTIONS) {
      const definition = this.fields[section].find((field) => field.key === key);
      if (definition) return { section, definition };
    }
    return null;
  }

  /**
   * Rejects overrides for keys the template lacks (FIELD_NOT_FOUND) before those of fields it has but
   * does not open to passes (FIELD_NOT_DYNAMIC), so a caller learns about typos first.
   */
  assertOverridable(overrides: Record<string, FieldOverride>): void {
    const keys = Object.keys(overrides);
    const unknown = keys.find((key) => this.findField(key) === null);
    if (unknown !== undefined) {
      throw new DomainError(DomainErrorCode.FieldNotFound, `The template has no field "${unknown}".`, { key: unknown });
    }
    const fixed = keys.find((key) => !this.findField(key)!.definition.dynamic);
    if (fixed !== undefined) {
      throw new DomainError(DomainErrorCode.FieldNotDynamic, `Field "${fixed}" is not dynamic in the template.`, {
        key: fixed,
      });
    }
  }

  private apply(definition: TemplateDefinition, now: Date): void {
    const { images: _images, ...text } = definition;
    assertNoNulCharacter(text, 'template');
    const style = validateStyleChoice(definition);
    const images = { ...definition.images };
    const nfc = validateNfc(definition.nfc ?? null);
    const personalization = validatePersonalizationOffer(definition.personalization ?? null, { style: style.style, nfc, images });
    validateImages(images, allowedImageKinds({ ...style, personalization }));
    if (!hasIcon(images)) {
      throw new DomainError(DomainErrorCode.IconMissing, 'A template needs an icon image (icon.png, @2x or @3x).');
    }
    if (definition.relevance.maxDistance !== null && !(definition.relevance.maxDistance > 0)) {
      throw new DomainError(DomainErrorCode.LocationInvalid, 'maxDistance must be a positive number of meters.');
    }
    const validated: TemplateDefinition = {
      passTypeId: definition.passTypeId,
      ...style,
      title: requireText(definition.title, 'title', 200),
      description: requireText(definition.description, 'description', 500),
      organizationName: requireText(definition.organizationName, 'organization name', 200),
      logoText: definition.logoText,
      colors: {
        foreground: normalizeColor(definition.colors.foreground, 'foreground'),
        background: normalizeColor(definition.colors.background, 'background'),
        label: normalizeColor(definition.colors.label, 'label'),
      },
      fields: validateFields(definition.fields),
      barcode: validateBarcode(definition.barcode),
      images,
      relevance: {
        locations: validateLocations(definition.relevance.locations),
        beacons: validateBeacons(definition.relevance.beacons),
        relevantDate: validateDate(definition.relevance.relevantDate, 'relevantDate'),
        maxDistance: definition.relevance.maxDistance,
        ...optional('dynamicLocations', validateSlotCount(definition.relevance.dynamicLocations, MAX_LOCATIONS, 'dynamicLocations')),
        ...optional('dynamicBeacons', validateSlotCount(definition.relevance.dynamicBeacons, MAX_BEACONS, 'dynamicBeacons')),
      },
      localizations: validateLocalizations(definition.localizations),
      recipientRequired: definition.recipientRequired === true,
      personalization,
      nfc,
    };
    Object.assign(this, validated);
    // Later than the version it replaces even within one millisecond (or with a clock set back):
    // built packages and templates kept in memory are found by it.
    const previous = this.updatedAt as Date | undefined;
    this.updatedAt = previous !== undefined && now.getTime() <= previous.getTime() ? new Date(previous.getTime() + 1) : now;
  }
}
