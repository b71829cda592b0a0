import type { FieldSection } from '../../../domain/fields';
import { imageKindOf } from '../../../domain/images';
import { allowedImageKinds } from '../../../domain/pass-style';
import type { ResolvedField } from '../../../domain/pass';
import type { PackageInput } from '../../../domain/ports/pass-packager';
import type { Beacon, Location } from '../../../domain/relevance';
import { validatePersonalizationJson } from './passkit-schemas';
import { passJsonInvalid } from './signing-errors';

/** One field dictionary of pass.json. @see https://developer.apple.com/documentation/walletpasses/passfieldcontent */
export interface PassJsonField {
  key: string;
  value: string | number;
  label?: string;
  changeMessage?: string;
  dateStyle?: string;
  timeStyle?: string;
  isRelative?: boolean;
  ignoresTimeZone?: boolean;
  numberStyle?: string;
  currencyCode?: string;
  textAlignment?: string;
}

export interface PassJsonStyle {
  transitType?: string;
  headerFields: PassJsonField[];
  primaryFields: PassJsonField[];
  secondaryFields: PassJsonField[];
  auxiliaryFields: PassJsonField[];
  backFields: PassJsonField[];
}

export interface PassJsonBarcode {
  format: string;
  message: string;
  messageEncoding: string;
  altText?: string;
}

/** Apple's top-level pass.json keys that passgate writes. @see https://developer.apple.com/documentation/walletpasses/pass */
export interface PassJson {
  formatVersion: 1;
  passTypeIdentifier: string;
  serialNumber: string;
  teamIdentifier: string;
  webServiceURL?: string;
  authenticationToken?: string;
  organizationName: string;
  description: string;
  logoText?: string;
  foregroundColor?: string;
  backgroundColor?: string;
  labelColor?: string;
  boardingPass?: PassJsonStyle;
  coupon?: PassJsonStyle;
  eventTicket?: PassJsonStyle;
  generic?: PassJsonStyle;
  storeCard?: PassJsonStyle;
  barcodes?: PassJsonBarcode[];
  locations?: Array<{ latitude: number; longitude: number; altitude?: number; relevantText?: string }>;
  maxDistance?: number;
  beacons?: Array<{ proximityUUID: string; major?: number; minor?: number; relevantText?: string }>;
  relevantDate?: string;
  expirationDate?: string;
  voided?: true;
  nfc?: { message: string; encryptionPublicKey: string; requiresAuthentication?: boolean };
}

const SECTION_KEYS: Record<FieldSection, keyof Omit<PassJsonStyle, 'transitType'>> = {
  header: 'headerFields',
  primary: 'primaryFields',
  secondary: 'secondaryFields',
  auxiliary: 'auxiliaryFields',
  back: 'backFields',
};

/**
 * Apple's pass.json for one pass. Deterministic on purpose: devices decide whether a pass changed
 * from the manifest hashes, so nothing here (no generation time, no key order change) may vary
 * between two builds of the same pass version.
 */
export function buildPassJson(input: PackageInput, webServiceUrl: string): PassJson {
  const { pass, template, passType } = input;
  const json: PassJson = {
    formatVersion: 1,
    passTypeIdentifier: passType.passTypeIdentifier,
    serialNumber: pass.serialNumber,
    teamIdentifier: passType.teamIdentifier,
    organizationName: template.organizationName,
    description: template.description,
  };
  // A voided or deleted pass will never change again: without the web service keys Wallet stops
  // asking for it (Apple DTS, https://developer.apple.com/forums/thread/795413). A redeemed pass
  // keeps them, because a redemption can be taken back.
  if (!pass.voided && !pass.isDeleted()) {
    json.webServiceURL = webServiceUrl;
    json.authenticationToken = pass.authenticationToken;
  }
  setText(json, 'logoText', template.logoText);
  setText(json, 'foregroundColor', template.colors.foreground);
  setText(json, 'backgroundColor', template.colors.background);
  setText(json, 'labelColor', template.colors.label);

  const resolved = pass.resolveFields(template);
  const style: PassJsonStyle = {
    headerFields: [],
    primaryFields: [],
    secondaryFields: [],
    auxiliaryFields: [],
    backFields: [],
  };
  if (template.style === 'boardingPass') style.transitType = template.transitType ?? 'PKTransitTypeGeneric';
  for (const section of Object.keys(SECTION_KEYS) as FieldSection[]) {
    style[SECTION_KEYS[section]] = resolved[section].map(fieldJson);
  }
  json[template.style] = style;

  if (template.barcode !== null) {
    const message = pass.barcodeMessage ?? template.barcode.message;
    // Wallet cannot draw a barcode without a message; a template whose per-pass message was never
    // filled in yields a pass without a barcode rather than one Wallet refuses.
    if (message !== '') {
      const barcode: PassJsonBarcode = {
        format: template.barcode.format,
        message,
        messageEncoding: template.barcode.messageEncoding,
      };
      setText(barcode, 'altText', pass.barcodeAltText ?? template.barcode.altText);
      // Only `barcodes`: the singular `barcode` key serves iOS 6-8, which no longer run Wallet passes.
      json.barcodes = [barcode];
    }
  }

  const locations = pass.locations ?? template.relevance.locations;
  if (locations.length > 0) json.locations = locations.map(locationJson);
  if (template.relevance.maxDistance !== null) json.maxDistance = template.relevance.maxDistance;
  const beacons = pass.beacons ?? template.relevance.beacons;
  if (beacons.length > 0) json.beacons = beacons.map(beaconJson);
  setText(json, 'relevantDate', pass.relevantDate ?? template.relevance.relevantDate);
  setText(json, 'expirationDate', pass.expirationDate);
  if (pass.showsAsVoided) json.voided = true;
  if (template.nfc !== null) {
    json.nfc = { message: template.nfc.message, encryptionPublicKey: template.nfc.encryptionPublicKey };
    if (template.nfc.requiresAuthentication !== undefined) json.nfc.requiresAuthentication = template.nfc.requiresAuthentication;
  }
  return json;
}

/**
 * Package files other than pass.json, manifest.json and signature: images, personalization.json
 * while the pass offers enrollment, and localizations.
 */
export function buildPackageFiles(input: PackageInput): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const [name, bytes] of Object.entries(packageImages(input))) files[name] = bytes;
  const personalization = personalizationJson(input);
  if (personalization !== null) files['personalization.json'] = personalization;
  for (const [language, translations] of Object.entries(input.template.localizations)) {
    if (Object.keys(translations).length === 0) continue;
    files[`${language}.lproj/pass.strings`] = passStrings(translations);
  }
  return files;
}

/**
 * The template's images with the pass's own images replacing those of the same name; the
 * personalizationLogo images only while the pass offers enrollment.
 */
export function packageImages(input: PackageInput): Record<string, Buffer> {
  const images = { ...input.template.images, ...input.pass.images };
  // A pass keeps its own images when its template later changes style; only those the style shows go in.
  const allowed = new Set(allowedImageKinds(input.template));
  if (!input.pass.offersPersonalization(input.template)) allowed.delete('personalizationLogo');
  const files: Record<string, Buffer> = {};
  for (const name of Object.keys(images).sort()) {
    const kind = imageKindOf(name);
    // A Buffer over the image's own bytes, not a copy: a package build only reads them.
    if (kind !== null && allowed.has(kind)) files[name] = Buffer.from(images[name].buffer, images[name].byteOffset, images[name].byteLength);
  }
  return files;
}

/**
 * `personalization.json` while the pass offers enrollment, else null: once the holder enrolled
 * (or the pass shows as voided) the package leaves it out and Wallet stops offering enrollment.
 * Checked against passkit-generator's Personalize schema, as its PKPass checks the file: one that
 * fails is PASS_INVALID here, where PKPass would drop it and sign a pass that no longer offers
 * enrollment (PassTemplate accepts only offers that pass, so a failure is a bug to report).
 * @see https://developer.apple.com/documentation/walletpasses/personalize
 */
export function personalizationJson(input: PackageInput): Buffer | null {
  const offer = input.template.personalization;
  if (offer === null || !input.pass.offersPersonalization(input.template)) return null;
  const json: { description: string; requiredPersonalizationFields: string[]; termsAndConditions?: string } = {
    description: offer.description,
    requiredPersonalizationFields: [...offer.requiredPersonalizationFields],
  };
  if (offer.termsAndConditions !== undefined) json.termsAndConditions = offer.termsAndConditions;
  const problems = validatePersonalizationJson(json);
  if (problems.length > 0) throw passJsonInvalid(input.pass.serialNumber, problems);
  return Buffer.from(JSON.stringify(json), 'utf8');
}

/** `"key" = "value";` lines of a `pass.strings` file, UTF-8. */
export function passStrings(translations: Record<string, string>): Buffer {
  const lines = Object.entries(escapedTranslations(translations)).map(([key, value]) => `"${key}" = "${value}";`);
  return Buffer.from(lines.join('\n'), 'utf8');
}

/** Keys and values escaped for a `.strings` literal (the quoted form Apple's property-list parser reads). */
export function escapedTranslations(translations: Record<string, string>): Record<string, string> {
  const escaped: Record<string, string> = {};
  for (const [key, value] of Object.entries(translations)) escaped[escapeStringsLiteral(key)] = escapeStringsLiteral(value);
  return escaped;
}

export function escapeStringsLiteral(text: string): string {
  return text.replace(/[\\"\u0000-\u001f\u007f]/g, (char) => {
    switch (char) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\U${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}

function fieldJson(field: ResolvedField): PassJsonField {
  const value = field.value ?? '';
  const json: PassJsonField = { key: field.key, value };
  if (field.label !== null) json.label = field.label;
  setText(json, 'changeMessage', field.changeMessage);
  setText(json, 'dateStyle', field.dateStyle);
  setText(json, 'timeStyle', field.timeStyle);
  if (field.isRelative !== null) json.isRelative = field.isRelative;
  if (field.ignoresTimeZone !== null) json.ignoresTimeZone = field.ignoresTimeZone;
  // Apple formats numberStyle and currencyCode only on number values; on an empty value they are
  // meaningless and passkit-generator's schema forbids them.
  if (typeof value === 'number') {
    setText(json, 'numberStyle', field.numberStyle);
    setText(json, 'currencyCode', field.currencyCode);
  }
  setText(json, 'textAlignment', field.textAlignment);
  return json;
}

function locationJson(location: Location): NonNullable<PassJson['locations']>[number] {
  const json: NonNullable<PassJson['locations']>[number] = {
    latitude: location.latitude,
    longitude: location.longitude,
  };
  if (location.altitude !== null) json.altitude = location.altitude;
  setText(json, 'relevantText', location.relevantText);
  return json;
}

function beaconJson(beacon: Beacon): NonNullable<PassJson['beacons']>[number] {
  const json: NonNullable<PassJson['beacons']>[number] = { proximityUUID: beacon.proximityUUID };
  if (beacon.major !== null) json.major = beacon.major;
  if (beacon.minor !== null) json.minor = beacon.minor;
  setText(json, 'relevantText', beacon.relevantText);
  return json;
}

/** Sets an optional text key, leaving it out when null or empty (Apple's optional strings are never empty). */
function setText<T extends object, K extends keyof T>(target: T, key: K, value: string | null | undefined): void {
  if (value !== null && value !== undefined && value !== '') (target as Record<K, string>)[key] = value;
}
