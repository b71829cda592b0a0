import { DomainErrorCode } from '../../../domain/errors';
import { emptyFields, FIELD_SECTIONS, type FieldDefinition, type FieldSection } from '../../../domain/fields';
import { imageKindOf, type ImageSet } from '../../../domain/images';
import type { BarcodeDefaults, BarcodeFormat, Colors, PassTemplate, TemplateDefinition, TemplateRelevance } from '../../../domain/pass-template';
import { styleOfKind, type ImageKind, type StyleChoice, type TransitType } from '../../../domain/pass-style';
import type { NfcPayload, PersonalizationField, PersonalizationOffer } from '../../../domain/personalization';
import { Problems, RequestProblemCode } from './passdock-errors';
import { readImages } from './passdock-images';
import { isPlainObject, PassdockParams } from './passdock-params';
import { readBeacons, readLocations } from './pass-request';
import { ValueReader } from './passdock-values';

/**
 * Image parameters of template create and update (reference §3.3) and the kind of image each
 * sets; `footer` (boarding passes) and `personalization_logo` (templates that offer
 * personalization) are passgate extensions.
 */
export const TEMPLATE_IMAGE_PARAMS: ReadonlyArray<readonly [param: string, kind: ImageKind]> = [
  ['icon', 'icon'],
  ['logo', 'logo'],
  ['strip', 'strip'],
  ['thumbnail', 'thumbnail'],
  ['background', 'background'],
  ['footer', 'footer'],
  ['personalization_logo', 'personalizationLogo'],
];

/** What a template create or update asks for; absent members are not mentioned by the request. */
export interface TemplateWrite {
  title?: string;
  description?: string;
  organizationName?: string;
  kindId?: number;
  transitType?: TransitType | null;
  logoText?: string | null;
  colors?: Partial<Colors>;
  fields?: Partial<Record<FieldSection, FieldDefinition[]>>;
  barcode?: BarcodeDefaults | null;
  /** Per kind: the new files, or null to remove that kind's images. */
  images?: Partial<Record<ImageKind, ImageSet | null>>;
  relevance?: Partial<TemplateRelevance>;
  recipientRequired?: boolean;
  personalization?: PersonalizationOffer | null;
  nfc?: NfcPayload | null;
  certificate?: { p12: Buffer; password: string | null };
}

const FIELD_ATTRIBUTES = [
  'key', 'label', 'value', 'changeMessage', 'message', 'dateStyle', 'timeStyle', 'isRelative', 'ignoresTimeZone',
  'numberStyle', 'currencyCode', 'textAlignment', 'dynamic',
];
const FAMILY_KEYS = [
  ...FIELD_SECTIONS, 'bar', 'visual', 'relevance', 'custom', 'title', 'description', 'kind_id', 'organization_name',
  'recipient_required', 'personalization', 'nfc',
];
/** Attributes of the template object this API returns; a client that sends one back unchanged is not refused for it. */
const READ_ONLY_FAMILY_KEYS = ['id', 'created_at', 'updated_at', 'format_version', 'pass_type_identifier', 'team_identifier', 'add_serial_to_back', 'installed_passes'];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads a template create or update (reference §3.3, §3.4): top-level `title`, `description`,
 * `kind_id`, `organization_name`, image hashes and `certificate`, and the `family` JSON with the
 * field sections, `bar`, `visual`, `relevance` and `custom`. `title`, `kind_id`,
 * `organization_name` and `description` are accepted inside `family` too, as the docs' example
 * puts them there; the top-level value wins when both are given. So are the passgate extensions
 * `personalization` and `nfc` (JSON hashes, or JSON text in form fields; null removes them).
 */
export function readTemplateWrite(params: PassdockParams, mode: 'create' | 'update'): TemplateWrite {
  const problems = new Problems();
  const reader = new ValueReader(problems);
  const write: TemplateWrite = {};

  const familyParam = params.json('family', problems);
  let family: Record<string, unknown> = {};
  if (familyParam.present && familyParam.value !== undefined) {
    if (isPlainObject(familyParam.value)) family = familyParam.value;
    else problems.add(RequestProblemCode.ParameterInvalid, 'family', 'The "family" parameter must be a JSON hash.');
  }
  for (const key of Object.keys(family)) {
    if (!FAMILY_KEYS.includes(key) && !READ_ONLY_FAMILY_KEYS.includes(key)) {
      reader.invalid(`family.${key}`, `family has no attribute "${key}".`);
    }
  }

  const topLevel = (name: string): { value: unknown; field: string; top: boolean } | undefined => {
    if (params.has(name)) return { value: params.value(name), field: name, top: true };
    if (family[name] !== undefined) return { value: family[name], field: `family.${name}`, top: false };
    return undefined;
  };
  const text = (name: string, what: string): string | undefined => {
    const found = topLevel(name);
    if (!found) {
      if (mode === 'create') problems.add(RequestProblemCode.ParameterMissing, name, `The "${name}" parameter is required: ${what}.`);
      return undefined;
    }
    if (typeof found.value === 'string') return found.value;
    return reader.invalid(found.field, `${found.field} must be a string.`, found.top ? RequestProblemCode.ParameterInvalid : RequestProblemCode.ValueInvalid);
  };
  write.title = text('title', "the template's title, unique among your templates");
  write.description = text('description', 'the accessibility description of its passes');

  const organization = topLevel('organization_name');
  if (organization) write.organizationName = reader.string(organization.value, organization.field, DomainErrorCode.TemplateInvalid);

  const kind = topLevel('kind_id');
  if (!kind) {
    if (mode === 'create') problems.add(RequestProblemCode.ParameterMissing, 'kind_id', 'The "kind_id" parameter is required: 1 to 6.');
  } else {
    write.kindId = reader.integer(kind.value, kind.field, 1, 6, DomainErrorCode.StyleInvalid);
  }

  const recipient = topLevel('recipient_required');
  if (recipient) write.recipientRequired = reader.boolean(recipient.value, recipient.field);

  // JSON hashes or null, parsed from form fields like `family` itself; a top-level parameter of
  // another type is a 400 like a `family` that is not a hash, one inside family a 422.
  const document = (name: string): { value: Record<string, unknown> | null; field: string } | undefined => {
    const param = params.json(name, problems);
    if (param.present) {
      if (param.value === undefined) return undefined;
      if (param.value === null || isPlainObject(param.value)) return { value: param.value, field: name };
      problems.add(RequestProblemCode.ParameterInvalid, name, `The "${name}" parameter must be a JSON hash, or null for none.`);
      return undefined;
    }
    if (family[name] === undefined) return undefined;
    const value = family[name] === null ? null : reader.hash(family[name], `family.${name}`);
    return value === undefined ? undefined : { value, field: `family.${name}` };
  };
  const personalization = document('personalization');
  if (personalization) {
    const offer = personalization.value === null ? null : readPersonalization(reader, personalization.value, personalization.field);
    if (offer !== undefined) write.personalization = offer;
  }
  const nfc = document('nfc');
  if (nfc) {
    const payload = nfc.value === null ? null : readNfc(reader, nfc.value, nfc.field);
    if (payload !== undefined) write.nfc = payload;
  }

  readImageParams(params, reader, write, mode);
  readCertificate(params, reader, write);

  for (const section of FIELD_SECTIONS) {
    if (family[section] === undefined) continue;
    const fields = readFieldDefinitions(reader, family[section], `family.${section}`);
    if (fields) write.fields = { ...write.fields, [section]: fields };
  }
  if (family.bar !== undefined) {
    const barcode = readBar(reader, family.bar);
    if (barcode !== undefined) write.barcode = barcode;
  }
  if (family.visual !== undefined) readVisual(reader, family.visual, write);
  if (family.relevance !== undefined) readTemplateRelevance(reader, family.relevance, write);
  if (family.custom !== undefined) readCustom(reader, family.custom, write);

  problems.throwIfAny();
  return write;
}

function readImageParams(params: PassdockParams, reader: ValueReader, write: TemplateWrite, mode: 'create' | 'update'): void {
  for (const [name, kind] of TEMPLATE_IMAGE_PARAMS) {
    const param = params.json(name, reader.problems);
    if (!param.present) {
      if (kind === 'icon' && mode === 'create') {
        reader.problems.add(RequestProblemCode.ParameterMissing, 'icon', 'The "icon" parameter is required: {"filename":"icon.png","data":"<base64 PNG>"}.');
      }
      continue;
    }
    if (param.value === undefined) continue;
    if (param.value === null && mode === 'update') {
      write.images = { ...write.images, [kind]: null };
      continue;
    }
    if (!isPlainObject(param.value) && !Array.isArray(param.value) && !Buffer.isBuffer(param.value)) {
      reader.problems.add(RequestProblemCode.ParameterInvalid, name, `The "${name}" parameter must be a hash {"filename","data"}.`);
      continue;
    }
    const images = readImages(reader, param.value, kind, name);
    if (images) write.images = { ...write.images, [kind]: images };
  }
}

/**
 * `personalization` (passgate extension): Apple's personalization.json, `{"description",
 * "requiredPersonalizationFields":["PKPassPersonalizationFieldName",…], "termsAndConditions"}`.
 * Types are checked here, Apple's rules (store cards with nfc and a personalization_logo, known
 * field names) by the domain.
 */
function readPersonalization(reader: ValueReader, hash: Record<string, unknown>, field: string): PersonalizationOffer | undefined {
  reader.onlyKnown(hash, ['description', 'requiredPersonalizationFields', 'termsAndConditions'], field);
  const code = DomainErrorCode.TemplateInvalid;
  const description = reader.string(hash.description, `${field}.description`, code);
  const listed = reader.list(hash.requiredPersonalizationFields, `${field}.requiredPersonalizationFields`);
  const names = listed?.map((name, index) => reader.string(name, `${field}.requiredPersonalizationFields[${index}]`, code));
  const terms =
    hash.termsAndConditions === undefined ? null : reader.optionalText(hash.termsAndConditions, `${field}.termsAndConditions`, code);
  if (description === undefined || names === undefined || names.includes(undefined) || terms === undefined) return undefined;
  return {
    description,
    requiredPersonalizationFields: names as PersonalizationField[],
    ...(terms === null ? {} : { termsAndConditions: terms }),
  };
}

/**
 * `nfc` (passgate extension): pass.json's `{"message","encryptionPublicKey","requiresAuthentication"}`.
 * The domain checks the message length and the key's base64.
 */
function readNfc(reader: ValueReader, hash: Record<string, unknown>, field: string): NfcPayload | undefined {
  reader.onlyKnown(hash, ['message', 'encryptionPublicKey', 'requiresAuthentication'], field);
  const code = DomainErrorCode.TemplateInvalid;
  const message = reader.string(hash.message, `${field}.message`, code);
  const encryptionPublicKey = reader.string(hash.encryptionPublicKey, `${field}.encryptionPublicKey`, code);
  const requiresAuthentication =
    hash.requiresAuthentication === undefined || hash.requiresAuthentication === null
      ? null
      : reader.boolean(hash.requiresAuthentication, `${field}.requiresAuthentication`);
  if (message === undefined || encryptionPublicKey === undefined || requiresAuthentication === undefined) return undefined;
  return { message, encryptionPublicKey, ...(requiresAuthentication === null ? {} : { requiresAuthentication }) };
}

/** `certificate={"data":"<base64 .p12>","password":"…"}`: the Pass Type ID certificate with its key. */
function readCertificate(params: PassdockParams, reader: ValueReader, write: TemplateWrite): void {
  const param = params.json('certificate', reader.problems);
  if (!param.present || param.value === undefined) return;
  if (!isPlainObject(param.value)) {
    reader.problems.add(RequestProblemCode.ParameterInvalid, 'certificate', 'The "certificate" parameter must be a hash {"data","password"}.');
    return;
  }
  reader.onlyKnown(param.value, ['data', 'password'], 'certificate');
  const data = reader.string(param.value.data, 'certificate.data', DomainErrorCode.SigningMaterialInvalid);
  const password = param.value.password === undefined ? null : reader.optionalText(param.value.password, 'certificate.password');
  if (data === undefined || password === undefined) return;
  const base64 = data.replace(/\s+/g, '');
  if (base64 === '' || base64.length % 4 === 1 || !BASE64.test(base64)) {
    reader.invalid('certificate.data', 'certificate.data must be a base64 PKCS#12 (.p12) file.', DomainErrorCode.SigningMaterialInvalid);
    return;
  }
  write.certificate = { p12: Buffer.from(base64, 'base64'), password };
}

/**
 * Field hashes as the template object shows them: `key`, `label`, `value`, `changeMessage` and
 * Apple's formatting keys. Passdock has no notion of fixed fields — every key of a template can be
 * set by its passes — so fields are dynamic unless `"dynamic": false` (a passgate extension:
 * such a field keeps the template's value and refuses per-pass values with 420).
 */
function readFieldDefinitions(reader: ValueReader, value: unknown, field: string): FieldDefinition[] | undefined {
  return reader.hashes(value, field, (hash, at) => {
    reader.onlyKnown(hash, FIELD_ATTRIBUTES, at);
    const code = DomainErrorCode.FieldDefinitionInvalid;
    const key = reader.string(hash.key, `${at}.key`, code);
    const optional = (name: string) => (hash[name] === undefined ? null : reader.optionalText(hash[name], `${at}.${name}`, code));
    const flag = (name: string) => (hash[name] === undefined || hash[name] === null ? null : reader.boolean(hash[name], `${at}.${name}`));
    let fieldValue: string | number | null | undefined = null;
    if (typeof hash.value === 'number') fieldValue = Number.isFinite(hash.value) ? hash.value : reader.invalid(`${at}.value`, `${at}.value must be finite.`, code);
    else if (hash.value !== undefined) fieldValue = reader.optionalText(hash.value, `${at}.value`, code);
    const definition = {
      key,
      label: optional('label'),
      value: fieldValue,
      changeMessage: hash.changeMessage !== undefined ? optional('changeMessage') : optional('message'),
      dateStyle: optional('dateStyle'),
      timeStyle: optional('timeStyle'),
      isRelative: flag('isRelative'),
      ignoresTimeZone: flag('ignoresTimeZone'),
      numberStyle: optional('numberStyle'),
      currencyCode: optional('currencyCode'),
      textAlignment: optional('textAlignment'),
      dynamic: hash.dynamic === undefined ? true : reader.boolean(hash.dynamic, `${at}.dynamic`),
    };
    if (Object.values(definition).some((attribute) => attribute === undefined)) return undefined;
    // The domain checks the enumerations (dateStyle, textAlignment...) and the key rules.
    return definition as FieldDefinition;
  });
}

/**
 * `bar` as the template object shows it: `{format, message, messageEncoding, altText}`, with
 * `messageRequired` as a passgate extension (each pass must bring its own message). An empty
 * hash, or null, means no barcode.
 */
function readBar(reader: ValueReader, value: unknown): BarcodeDefaults | null | undefined {
  if (value === null) return null;
  const bar = reader.hash(value, 'family.bar');
  if (!bar) return undefined;
  reader.onlyKnown(bar, ['format', 'message', 'messageEncoding', 'altText', 'messageRequired'], 'family.bar');
  if (Object.keys(bar).length === 0 || bar.format === '' || bar.format === null) return null;
  const code = DomainErrorCode.BarcodeInvalid;
  const format = bar.format === undefined ? 'PKBarcodeFormatQR' : reader.string(bar.format, 'family.bar.format', code);
  const message = bar.message === undefined || bar.message === null ? '' : reader.string(bar.message, 'family.bar.message', code);
  const messageEncoding =
    bar.messageEncoding === undefined || bar.messageEncoding === null || bar.messageEncoding === ''
      ? 'iso-8859-1'
      : reader.string(bar.messageEncoding, 'family.bar.messageEncoding', code);
  const altText = bar.altText === undefined ? null : reader.optionalText(bar.altText, 'family.bar.altText', code);
  const messageRequired = bar.messageRequired === undefined ? undefined : reader.boolean(bar.messageRequired, 'family.bar.messageRequired');
  if (format === undefined || message === undefined || messageEncoding === undefined || altText === undefined) return undefined;
  if (bar.messageRequired !== undefined && messageRequired === undefined) return undefined;
  return {
    format: format as BarcodeFormat,
    message,
    messageEncoding,
    altText,
    ...(messageRequired === undefined ? {} : { messageRequired }),
  };
}

/** `visual{backgroundColor, foregroundColor, labelColor, logoText}`; "" clears a value. */
function readVisual(reader: ValueReader, value: unknown, write: TemplateWrite): void {
  const visual = reader.hash(value, 'family.visual');
  if (!visual) return;
  reader.onlyKnown(visual, ['backgroundColor', 'foregroundColor', 'labelColor', 'logoText'], 'family.visual');
  const colors: Partial<Colors> = {};
  for (const [name, member] of [
    ['backgroundColor', 'background'],
    ['foregroundColor', 'foreground'],
    ['labelColor', 'label'],
  ] as const) {
    if (visual[name] === undefined) continue;
    const color = reader.optionalText(visual[name], `family.visual.${name}`, DomainErrorCode.ColorInvalid);
    if (color !== undefined) colors[member] = color;
  }
  if (Object.keys(colors).length > 0) write.colors = colors;
  if (visual.logoText !== undefined) {
    const logoText = reader.optionalText(visual.logoText, 'family.visual.logoText', DomainErrorCode.TemplateInvalid);
    if (logoText !== undefined) write.logoText = logoText;
  }
}

/**
 * `relevance{relevantDate}` (Passdock) plus the template's default `locations`, and as passgate
 * extensions `beacons`, `maxDistance`, and `dynamicLocations` / `dynamicBeacons`: how many
 * location and beacon slots passes may fill themselves (absent: all ten), which Skycore clients
 * configure through this API.
 */
function readTemplateRelevance(reader: ValueReader, value: unknown, write: TemplateWrite): void {
  const relevance = reader.hash(value, 'family.relevance');
  if (!relevance) return;
  const field = 'family.relevance';
  reader.onlyKnown(relevance, ['relevantDate', 'locations', 'beacons', 'maxDistance', 'dynamicLocations', 'dynamicBeacons'], field);
  const result: Partial<TemplateRelevance> = {};
  if (relevance.relevantDate !== undefined) {
    const date = reader.date(relevance.relevantDate, `${field}.relevantDate`);
    if (date !== undefined) result.relevantDate = date;
  }
  if (relevance.locations !== undefined) {
    const locations = readLocations(reader, relevance.locations, `${field}.locations`);
    if (locations) result.locations = locations;
  }
  if (relevance.beacons !== undefined) {
    const beacons = readBeacons(reader, relevance.beacons, `${field}.beacons`);
    if (beacons) result.beacons = beacons;
  }
  if (relevance.maxDistance !== undefined) {
    const maxDistance =
      relevance.maxDistance === null || relevance.maxDistance === ''
        ? null
        : reader.number(relevance.maxDistance, `${field}.maxDistance`, DomainErrorCode.LocationInvalid);
    if (maxDistance !== undefined) result.maxDistance = maxDistance;
  }
  for (const name of ['dynamicLocations', 'dynamicBeacons'] as const) {
    if (relevance[name] === undefined) continue;
    const count = reader.integer(relevance[name], `${field}.${name}`, 0, 10, DomainErrorCode.TemplateInvalid);
    if (count !== undefined) result[name] = count;
  }
  write.relevance = result;
}

/**
 * `custom` is a list of hashes of extra pass.json keys, e.g. `[{"transitType":"PKTransitTypeAir"}]`
 * (template object, reference §2.1). passgate reads `transitType`; other keys are ignored, as
 * passgate writes only the pass.json keys it models.
 */
function readCustom(reader: ValueReader, value: unknown, write: TemplateWrite): void {
  if (value === null) return;
  const items = isPlainObject(value) ? [value] : reader.list(value, 'family.custom');
  if (!items) return;
  items.forEach((item, index) => {
    const hash = reader.hash(item, `family.custom[${index}]`);
    if (!hash || hash.transitType === undefined) return;
    const transitType = reader.optionalText(hash.transitType, `family.custom[${index}].transitType`, DomainErrorCode.StyleInvalid);
    if (transitType !== undefined) write.transitType = transitType as TransitType | null;
  });
}

function styleChoice(kindId: number, transitType: TransitType | null): StyleChoice {
  // kindId was range-checked while reading; styleOfKind knows every kind from 1 to 6.
  return { ...styleOfKind(kindId)!, transitType };
}

function imagesWith(current: ImageSet, changes: Partial<Record<ImageKind, ImageSet | null>>): ImageSet {
  const replaced = new Set(Object.keys(changes));
  const images: ImageSet = {};
  for (const [fileName, bytes] of Object.entries(current)) {
    const kind = imageKindOf(fileName);
    if (kind === null || !replaced.has(kind)) images[fileName] = bytes;
  }
  for (const set of Object.values(changes)) Object.assign(images, set ?? {});
  return images;
}

/** A new template's definition; `organization_name` defaults to the title, which is what Wallet shows in its place. */
export function newTemplateDefinition(write: TemplateWrite): Omit<TemplateDefinition, 'passTypeId'> {
  const title = write.title!;
  return {
    ...styleChoice(write.kindId!, write.transitType ?? null),
    title,
    description: write.description!,
    organizationName: write.organizationName ?? title,
    logoText: write.logoText ?? null,
    colors: { foreground: null, background: null, label: null, ...write.colors },
    fields: { ...emptyFields(), ...write.fields },
    barcode: write.barcode ?? null,
    images: imagesWith({}, write.images ?? {}),
    relevance: { locations: [], beacons: [], relevantDate: null, maxDistance: null, ...write.relevance },
    localizations: {},
    recipientRequired: write.recipientRequired ?? false,
    personalization: write.personalization ?? null,
    nfc: write.nfc ?? null,
  };
}

/**
 * The parts of the template an update changes, and only those: UpdateTemplate gives every pass a
 * new version unless only the title changes, so nothing unmentioned may appear here.
 */
export function templateChanges(template: PassTemplate, write: TemplateWrite): Partial<TemplateDefinition> {
  const changes: Partial<TemplateDefinition> = {};
  if (write.title !== undefined) changes.title = write.title;
  if (write.description !== undefined) changes.description = write.description;
  if (write.organizationName !== undefined) changes.organizationName = write.organizationName;
  if (write.kindId !== undefined || write.transitType !== undefined) {
    const transitType = write.transitType !== undefined ? write.transitType : template.transitType;
    const style =
      write.kindId !== undefined
        ? styleChoice(write.kindId, transitType)
        : { style: template.style, eventTicketLayout: template.eventTicketLayout, transitType };
    Object.assign(changes, style);
  }
  if (write.logoText !== undefined) changes.logoText = write.logoText;
  if (write.colors !== undefined) changes.colors = { ...template.colors, ...write.colors };
  if (write.fields !== undefined) changes.fields = { ...template.fields, ...write.fields };
  if (write.barcode !== undefined) changes.barcode = write.barcode;
  if (write.images !== undefined) changes.images = imagesWith(template.images, write.images);
  if (write.relevance !== undefined) changes.relevance = { ...template.relevance, ...write.relevance };
  if (write.recipientRequired !== undefined) changes.recipientRequired = write.recipientRequired;
  if (write.personalization !== undefined) changes.personalization = write.personalization;
  if (write.nfc !== undefined) changes.nfc = write.nfc;
  return changes;
}
