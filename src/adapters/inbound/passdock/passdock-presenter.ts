import { FIELD_SECTIONS, type FieldDefinition, type FieldSection } from '../../../domain/fields';
import type { DeviceRegistration } from '../../../domain/device-registration';
import { sha256Hex } from '../../../domain/secrets';
import type { Pass, ResolvedField } from '../../../domain/pass';
import type { PassTemplate } from '../../../domain/pass-template';
import type { NfcPayload, PersonalizationOffer } from '../../../domain/personalization';
import { kindOfStyle } from '../../../domain/pass-style';
import type { Beacon, Location } from '../../../domain/relevance';
import { passLinks } from '../distribution/pass-links';

/*
 * Plain JSON in the shapes of Passdock's documentation (reference §2, create-pass page). Built
 * member by member from domain objects, never by serialising them: persisted entities carry ORM
 * state that must not leak into responses.
 */

export interface PassdockField {
  key: string;
  label: string;
  value: string | number;
  changeMessage: string;
  dateStyle?: string;
  timeStyle?: string;
  isRelative?: boolean;
  ignoresTimeZone?: boolean;
  numberStyle?: string;
  currencyCode?: string;
  textAlignment?: string;
  /** Template fields only (passgate extension): whether passes may set the field. */
  dynamic?: boolean;
}

export type PassdockSections = Record<FieldSection, PassdockField[]>;

export interface PassdockBar {
  format?: string;
  message?: string;
  messageEncoding?: string;
  altText?: string;
  messageRequired?: boolean;
}

export interface PassdockVisual {
  backgroundColor: string;
  foregroundColor: string;
  labelColor: string;
  logoText: string;
}

export interface PassdockLocation {
  latitude: number;
  longitude: number;
  altitude?: number;
  relevantText?: string;
}

export interface PassdockBeacon {
  proximityUUID: string;
  major?: number;
  minor?: number;
  relevantText?: string;
}

export interface PassdockRelevance {
  relevantDate?: string;
  locations?: PassdockLocation[];
  beacons?: PassdockBeacon[];
  maxDistance?: number;
  dynamicLocations?: number;
  dynamicBeacons?: number;
}

/** What templates and passes both show: the field sections and the looks, as Passdock's template object has them. */
interface PassdockSectionsAndLooks extends PassdockSections {
  bar: PassdockBar;
  custom: Array<Record<string, string>>;
  relevance: PassdockRelevance;
  visual: PassdockVisual;
  created_at: string;
  updated_at: string;
}

export interface PassdockTemplate extends PassdockSectionsAndLooks {
  id: number;
  title: string;
  description: string;
  kind_id: number;
  organization_name: string;
  format_version: 1;
  recipient_required: boolean;
  /** passgate extension: the rewards enrollment offered to holders (personalization.json), or null. */
  personalization: PassdockPersonalization | null;
  /** passgate extension: pass.json's `nfc` dictionary, or null. */
  nfc: PassdockNfc | null;
  /** passgate extension: how many of its passes are installed on a device that follows their updates. */
  installed_passes: number;
}

export interface PassdockPersonalization {
  description: string;
  requiredPersonalizationFields: string[];
  termsAndConditions?: string;
}

export interface PassdockNfc {
  message: string;
  encryptionPublicKey: string;
  requiresAuthentication?: boolean;
}

export interface PassdockAck {
  family_id: number;
  id: number;
  web_token: string;
  download: string;
}

export interface PassdockPass extends PassdockAck, PassdockSectionsAndLooks {
  serial_number: string;
  render_html_url: string;
  redeemed_at: string | null;
  /** The devices that installed the pass and follow its updates (passgate's addition). */
  devices: PassdockDevice[];
}

/**
 * One device following a pass. `id` is derived from Wallet's device library identifier rather
 * than that identifier itself: the identifier is the secret that opens the device's "what changed"
 * list, and the push token is the device's APNs address; neither belongs in an API answer.
 */
export interface PassdockDevice {
  id: string;
  registered_at: string;
  updated_at: string;
}

export function presentDevices(accountId: number, registrations: readonly DeviceRegistration[]): PassdockDevice[] {
  return registrations.map((registration) => ({
    // Per account, so two tenants cannot tell that their passes sit on the same device.
    id: sha256Hex(`${accountId}:${registration.deviceLibraryIdentifier}`).slice(0, 20),
    registered_at: timestamp(registration.createdAt),
    updated_at: timestamp(registration.updatedAt),
  }));
}

export interface PassdockCompactPass {
  download: string;
  family_id: number;
  id: number;
  redeemed_at: string | null;
  web_token: string;
}

export interface PassdockSearchItem extends PassdockCompactPass {
  code: string;
  serial_number: string;
  /** The template's kind_id (passes/search example: `"type": 1`). */
  type: number;
}

/** Rails' JSON times: ISO 8601 in UTC, whole seconds (`2012-10-18T09:40:27Z`). */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function field(definition: Omit<FieldDefinition, 'dynamic'> & { dynamic?: boolean }, withDynamic: boolean): PassdockField {
  const json: PassdockField = {
    key: definition.key,
    label: definition.label ?? '',
    value: definition.value ?? '',
    changeMessage: definition.changeMessage ?? '',
  };
  if (definition.dateStyle !== null) json.dateStyle = definition.dateStyle;
  if (definition.timeStyle !== null) json.timeStyle = definition.timeStyle;
  if (definition.isRelative !== null) json.isRelative = definition.isRelative;
  if (definition.ignoresTimeZone !== null) json.ignoresTimeZone = definition.ignoresTimeZone;
  if (definition.numberStyle !== null) json.numberStyle = definition.numberStyle;
  if (definition.currencyCode !== null) json.currencyCode = definition.currencyCode;
  if (definition.textAlignment !== null) json.textAlignment = definition.textAlignment;
  if (withDynamic) json.dynamic = definition.dynamic === true;
  return json;
}

function sections<T extends Omit<FieldDefinition, 'dynamic'>>(
  bySection: Record<FieldSection, T[]>,
  withDynamic: boolean,
): PassdockSections {
  const result = {} as PassdockSections;
  for (const section of FIELD_SECTIONS) result[section] = bySection[section].map((definition) => field(definition, withDynamic));
  return result;
}

function visual(template: PassTemplate): PassdockVisual {
  return {
    backgroundColor: template.colors.background ?? '',
    foregroundColor: template.colors.foreground ?? '',
    labelColor: template.colors.label ?? '',
    logoText: template.logoText ?? '',
  };
}

function custom(template: PassTemplate): Array<Record<string, string>> {
  return template.transitType ? [{ transitType: template.transitType }] : [];
}

function location(location: Location): PassdockLocation {
  const json: PassdockLocation = { latitude: location.latitude, longitude: location.longitude };
  if (location.altitude !== null) json.altitude = location.altitude;
  if (location.relevantText !== null) json.relevantText = location.relevantText;
  return json;
}

function beacon(beacon: Beacon): PassdockBeacon {
  const json: PassdockBeacon = { proximityUUID: beacon.proximityUUID };
  if (beacon.major !== null) json.major = beacon.major;
  if (beacon.minor !== null) json.minor = beacon.minor;
  if (beacon.relevantText !== null) json.relevantText = beacon.relevantText;
  return json;
}

function personalization(offer: PersonalizationOffer): PassdockPersonalization {
  const json: PassdockPersonalization = {
    description: offer.description,
    requiredPersonalizationFields: [...offer.requiredPersonalizationFields],
  };
  if (offer.termsAndConditions !== undefined) json.termsAndConditions = offer.termsAndConditions;
  return json;
}

function nfc(payload: NfcPayload): PassdockNfc {
  const json: PassdockNfc = { message: payload.message, encryptionPublicKey: payload.encryptionPublicKey };
  if (payload.requiresAuthentication !== undefined) json.requiresAuthentication = payload.requiresAuthentication;
  return json;
}

export function presentTemplate(template: PassTemplate, installedPasses: number): PassdockTemplate {
  const bar: PassdockBar = {};
  if (template.barcode) {
    bar.altText = template.barcode.altText ?? '';
    bar.format = template.barcode.format;
    bar.message = template.barcode.message;
    bar.messageEncoding = template.barcode.messageEncoding;
    bar.messageRequired = template.barcode.messageRequired === true;
  }
  const relevance: PassdockRelevance = { relevantDate: template.relevance.relevantDate ?? '' };
  if (template.relevance.locations.length > 0) relevance.locations = template.relevance.locations.map(location);
  if (template.relevance.beacons.length > 0) relevance.beacons = template.relevance.beacons.map(beacon);
  if (template.relevance.maxDistance !== null) relevance.maxDistance = template.relevance.maxDistance;
  if (template.relevance.dynamicLocations !== undefined) relevance.dynamicLocations = template.relevance.dynamicLocations;
  if (template.relevance.dynamicBeacons !== undefined) relevance.dynamicBeacons = template.relevance.dynamicBeacons;
  return {
    id: template.id,
    title: template.title,
    description: template.description,
    kind_id: kindOfStyle(template),
    organization_name: template.organizationName,
    format_version: 1,
    recipient_required: template.recipientRequired,
    personalization: template.personalization && personalization(template.personalization),
    nfc: template.nfc && nfc(template.nfc),
    installed_passes: installedPasses,
    created_at: timestamp(template.createdAt),
    updated_at: timestamp(template.updatedAt),
    ...sections(template.fields, true),
    bar,
    custom: custom(template),
    relevance,
    visual: visual(template),
  };
}

/**
 * The short answer to a pass create or update. Passdock's example puts the template id in the
 * download path ("passes/217/…" with family_id 217); its list and show examples, and the
 * downloads that work, use the pass id (reference §2.6), as here.
 */
export function presentAck(publicBaseUrl: string, pass: Pass): PassdockAck {
  return {
    family_id: pass.templateId,
    id: pass.id,
    web_token: pass.webToken,
    download: passLinks(publicBaseUrl, pass).download,
  };
}

export function presentCompact(publicBaseUrl: string, pass: Pass): PassdockCompactPass {
  return {
    download: passLinks(publicBaseUrl, pass).download,
    family_id: pass.templateId,
    id: pass.id,
    redeemed_at: pass.redeemedAt ? timestamp(pass.redeemedAt) : null,
    web_token: pass.webToken,
  };
}

export function presentSearchItem(publicBaseUrl: string, pass: Pass, template: PassTemplate): PassdockSearchItem {
  return {
    code: pass.barcodeMessage ?? template.barcode?.message ?? '',
    ...presentCompact(publicBaseUrl, pass),
    serial_number: pass.serialNumber,
    type: kindOfStyle(template),
  };
}

/** The whole pass (the create-pass page's "debug" body, show, list and search): the template's sections with this pass's values. */
export function presentPass(
  publicBaseUrl: string,
  pass: Pass,
  template: PassTemplate,
  devices: readonly DeviceRegistration[],
): PassdockPass {
  const links = passLinks(publicBaseUrl, pass);
  const bar: PassdockBar = {};
  if (template.barcode) {
    bar.format = template.barcode.format;
    bar.message = pass.barcodeMessage ?? template.barcode.message;
    bar.messageEncoding = template.barcode.messageEncoding;
    const altText = pass.barcodeAltText ?? template.barcode.altText;
    if (altText !== null) bar.altText = altText;
  }
  const relevance: PassdockRelevance = {};
  const relevantDate = pass.relevantDate ?? template.relevance.relevantDate;
  if (relevantDate !== null) relevance.relevantDate = relevantDate;
  const locations = pass.locations ?? template.relevance.locations;
  if (locations.length > 0) relevance.locations = locations.map(location);
  const beacons = pass.beacons ?? template.relevance.beacons;
  if (beacons.length > 0) relevance.beacons = beacons.map(beacon);
  const resolved: Record<FieldSection, ResolvedField[]> = pass.resolveFields(template);
  return {
    ...sections(resolved, false),
    bar,
    created_at: timestamp(pass.createdAt),
    custom: custom(template),
    devices: presentDevices(pass.accountId, devices),
    download: links.download,
    family_id: pass.templateId,
    id: pass.id,
    redeemed_at: pass.redeemedAt ? timestamp(pass.redeemedAt) : null,
    relevance,
    render_html_url: links.landingPage,
    serial_number: pass.serialNumber,
    updated_at: timestamp(pass.updatedAt),
    visual: visual(template),
    web_token: pass.webToken,
  };
}
