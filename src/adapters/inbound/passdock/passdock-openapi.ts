import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { ExampleObject, RequestBodyObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/*
 * OpenAPI description of the Passdock API for Swagger UI at /docs: schemas of the JSON shapes,
 * the create-pass page's six example requests and its example answers, and what each error
 * status means. The request readers and the presenter are the behaviour; this is their manual.
 */

export const PASSDOCK_TAG_TEMPLATES = 'Passdock: templates';
export const PASSDOCK_TAG_PASSES = 'Passdock: passes';

const text = (description: string, example?: unknown): SchemaObject => ({ type: 'string', description, example });

const FIELD: SchemaObject = {
  type: 'object',
  properties: {
    key: text('The key passes use to set the field', 'gate'),
    label: text('Label shown above the value', 'GATE'),
    value: { oneOf: [{ type: 'string' }, { type: 'number' }], description: 'Value; in a template, the default ("" for none)', example: '53' },
    changeMessage: text('Lock-screen message when the value changes; %@ stands for the new value', 'Gate changed to %@'),
    dateStyle: text('PKDateStyleNone/Short/Medium/Long/Full: the value is an ISO 8601 date'),
    timeStyle: text('PKDateStyle… for the time part'),
    isRelative: { type: 'boolean' },
    ignoresTimeZone: { type: 'boolean' },
    numberStyle: text('PKNumberStyleDecimal/Percent/Scientific/SpellOut: the value is a number'),
    currencyCode: text('ISO 4217 code: the value is an amount'),
    textAlignment: text('PKTextAlignmentLeft/Center/Right/Natural (not on primary and back fields)'),
    dynamic: {
      type: 'boolean',
      description:
        'passgate extension, templates only: whether passes may set this field (default true, as every Passdock key is settable); false keeps the template value and refuses per-pass values with 420',
    },
  },
  required: ['key'],
};

const FIELDS = (section: string): SchemaObject => ({ type: 'array', items: FIELD, description: `${section} fields` });

const LOCATION: SchemaObject = {
  type: 'object',
  properties: {
    latitude: { oneOf: [{ type: 'number' }, { type: 'string' }], description: '−90..90', example: 12.122342 },
    longitude: { oneOf: [{ type: 'number' }, { type: 'string' }], description: '−180..180', example: 64.123353 },
    altitude: { oneOf: [{ type: 'number' }, { type: 'string' }] },
    relevantText: text('Shown on the lock screen near the place'),
  },
  required: ['latitude', 'longitude'],
};

const BEACON: SchemaObject = {
  type: 'object',
  properties: {
    proximityUUID: text('iBeacon UUID', 'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0'),
    major: { type: 'integer', minimum: 0, maximum: 65535 },
    minor: { type: 'integer', minimum: 0, maximum: 65535 },
    relevantText: text('Shown on the lock screen near the beacon'),
  },
  required: ['proximityUUID'],
};

const VISUAL: SchemaObject = {
  type: 'object',
  properties: {
    backgroundColor: text('rgb(r, g, b) or #rrggbb', 'rgb(237,184,61)'),
    foregroundColor: text('rgb(r, g, b) or #rrggbb', 'rgb(255,255,255)'),
    labelColor: text('rgb(r, g, b) or #rrggbb', ''),
    logoText: text('Text next to the logo', 'Passdock Airways'),
  },
};

const TEMPLATE_BAR: SchemaObject = {
  type: 'object',
  description: 'The barcode; {} for none',
  properties: {
    format: text('PKBarcodeFormatQR, PKBarcodeFormatPDF417, PKBarcodeFormatAztec or PKBarcodeFormatCode128', 'PKBarcodeFormatQR'),
    message: text("Default message; each pass may set its own", ''),
    messageEncoding: text('Default iso-8859-1', 'iso-8859-1'),
    altText: text('Text under the barcode', ''),
    messageRequired: { type: 'boolean', description: 'passgate extension: every pass must bring its own message (422 otherwise)' },
  },
};

const TEMPLATE_RELEVANCE: SchemaObject = {
  type: 'object',
  properties: {
    relevantDate: text('ISO 8601 date and time with zone, or ""', ''),
    locations: { type: 'array', items: LOCATION, description: 'Default locations of the passes' },
    beacons: { type: 'array', items: BEACON, description: 'passgate extension: default beacons' },
    maxDistance: { type: 'number', description: 'passgate extension: meters' },
    dynamicLocations: {
      type: 'integer',
      minimum: 0,
      maximum: 10,
      description: 'passgate extension: how many location slots passes may fill themselves (absent: all ten; beyond them 420)',
    },
    dynamicBeacons: { type: 'integer', minimum: 0, maximum: 10, description: 'passgate extension: the same for beacons' },
  },
};

const CUSTOM: SchemaObject = {
  type: 'array',
  items: { type: 'object', additionalProperties: { type: 'string' } },
  description: 'Extra pass.json keys; passgate reads transitType (boarding passes: PKTransitTypeAir/Boat/Bus/Generic/Train)',
  example: [{ transitType: 'PKTransitTypeAir' }],
};

const PERSONALIZATION: SchemaObject = {
  type: 'object',
  nullable: true,
  description:
    'passgate extension: rewards enrollment (Apple\'s personalization.json). Store cards (kind 4) only, together with nfc and a ' +
    'personalization_logo image (@2x or @3x). Until the holder enrolls, Wallet offers a sign-up sheet asking for these fields; ' +
    'afterwards template fields keyed fullName, givenName, familyName, emailAddress, postalCode, ISOCountryCode or phoneNumber ' +
    'show the answers. Needs a pass type ID under Apple\'s NFC certificate agreement. null: none.',
  properties: {
    description: text('Shown on the sign-up sheet', 'Join Passdock Rewards and earn points on every visit.'),
    requiredPersonalizationFields: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: {
        type: 'string',
        enum: ['PKPassPersonalizationFieldName', 'PKPassPersonalizationFieldPostalCode', 'PKPassPersonalizationFieldEmailAddress', 'PKPassPersonalizationFieldPhoneNumber'],
      },
      example: ['PKPassPersonalizationFieldName', 'PKPassPersonalizationFieldEmailAddress'],
    },
    termsAndConditions: text('Optional terms shown on the sheet', 'Points expire after a year.'),
  },
  required: ['description', 'requiredPersonalizationFields'],
};

const NFC: SchemaObject = {
  type: 'object',
  nullable: true,
  description:
    "passgate extension: pass.json's nfc dictionary (Value Added Services). Wallet honours it only for pass type IDs under Apple's NFC certificate agreement. null: none.",
  properties: {
    message: text('Sent to the terminal; at most 64 bytes of UTF-8', 'member-0042'),
    encryptionPublicKey: text('Base64 X.509 SubjectPublicKeyInfo of an ECDH P-256 public key', 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…'),
    requiresAuthentication: { type: 'boolean', description: 'The holder authenticates (Face ID, Touch ID, passcode) before the pass is sent' },
  },
  required: ['message', 'encryptionPublicKey'],
};

const SECTIONS: Record<string, SchemaObject> = {
  header: FIELDS('Header'),
  primary: FIELDS('Primary'),
  secondary: FIELDS('Secondary'),
  auxiliary: FIELDS('Auxiliary'),
  back: FIELDS('Back'),
};

const TIMESTAMP = text('ISO 8601, UTC', '2012-10-18T09:40:27Z');

export const TEMPLATE_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'integer', example: 106 },
    installed_passes: {
      type: 'integer',
      description: 'passgate extension: how many of its passes are installed on a device that follows their updates',
      example: 0,
    },
    title: text('Unique among your templates', 'Passdock Airways'),
    description: text('Accessibility description of the passes', 'Boarding pass'),
    kind_id: {
      type: 'integer',
      minimum: 1,
      maximum: 6,
      description: '1 boarding pass, 2 event ticket (background and thumbnail), 3 coupon, 4 store card, 5 generic, 6 event ticket (strip)',
      example: 1,
    },
    organization_name: text('Shown on the lock screen and in notifications', 'Passdock Airways'),
    format_version: { type: 'integer', example: 1 },
    recipient_required: { type: 'boolean', description: 'passgate extension: each pass is locked to one recipient (Skycore addPassData)' },
    personalization: PERSONALIZATION,
    nfc: NFC,
    created_at: TIMESTAMP,
    updated_at: TIMESTAMP,
    ...SECTIONS,
    bar: TEMPLATE_BAR,
    custom: CUSTOM,
    relevance: TEMPLATE_RELEVANCE,
    visual: VISUAL,
  },
};

export const ACK_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    family_id: { type: 'integer', description: 'Template id', example: 217 },
    id: { type: 'integer', description: 'Pass id', example: 314 },
    web_token: text('Secret of the public links, 40 hex digits', '5d16ecabb1d961a3aecd9eeaa2ddec9f45d43875'),
    download: text('Public link to the signed .pkpass', 'https://passes.example.com/passes/314/5d16ecabb1d961a3aecd9eeaa2ddec9f45d43875.pkpass'),
  },
};

/** passgate's addition: a device that installed the pass (GET …/passes/:id/devices, and `devices` in the pass). */
export const DEVICE_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    id: text('Stable digest of the device (not Wallet’s device library identifier, which is the device’s secret)', '4b227777d4dd1fc61c6f'),
    registered_at: TIMESTAMP,
    updated_at: { ...TIMESTAMP, description: 'When the device last registered (its push token may have changed)' },
  },
};

export const PASS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    ...ACK_SCHEMA.properties,
    serial_number: text('Unique within the pass type; never changes', '1234567'),
    render_html_url: text('Landing page: Safari on Apple devices gets the pass, other browsers a page with a download link'),
    redeemed_at: { type: 'string', nullable: true, description: 'When the pass was redeemed, or null' },
    created_at: TIMESTAMP,
    updated_at: TIMESTAMP,
    ...SECTIONS,
    bar: {
      type: 'object',
      properties: { format: text('Barcode format'), message: text('This pass’s message'), messageEncoding: text('Encoding'), altText: text('Text under the barcode') },
    },
    custom: CUSTOM,
    relevance: {
      type: 'object',
      properties: { relevantDate: text('ISO 8601'), locations: { type: 'array', items: LOCATION }, beacons: { type: 'array', items: BEACON } },
    },
    visual: VISUAL,
    devices: { type: 'array', items: DEVICE_SCHEMA, description: 'passgate addition: the devices that installed the pass and follow its updates' },
  },
};

export const COMPACT_PASS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    download: ACK_SCHEMA.properties!.download,
    family_id: ACK_SCHEMA.properties!.family_id,
    id: ACK_SCHEMA.properties!.id,
    redeemed_at: { type: 'string', nullable: true, example: null },
    web_token: ACK_SCHEMA.properties!.web_token,
  },
};

export const SEARCH_ITEM_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    ...COMPACT_PASS_SCHEMA.properties,
    code: text('Barcode message', 'QRRSNDKAIUDS923'),
    serial_number: text('Serial number', '4567891'),
    type: { type: 'integer', description: "The template's kind_id", example: 1 },
  },
};

export const ID_SCHEMA: SchemaObject = { type: 'object', properties: { id: { type: 'integer', example: 12 } } };

const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    status: { type: 'integer', example: 420 },
    errors: {
      type: 'array',
      description: 'Only with errors=true: every problem found',
      items: {
        type: 'object',
        properties: {
          code: text('Stable problem code', 'FIELD_NOT_FOUND'),
          field: { type: 'string', nullable: true, description: 'Parameter path', example: 'pass.seat' },
          message: text('What is wrong', 'The template has no field "seat".'),
        },
      },
    },
  },
};

/** What each status means, for every endpoint's responses. */
const ERROR_MEANINGS: Record<number, string> = {
  400: 'Bad Request: a body or form field that is not valid JSON (MALFORMED_JSON), a body that cannot be read (MALFORMED_REQUEST), a required parameter missing (PARAMETER_MISSING) or of the wrong JSON type (PARAMETER_INVALID)',
  401: 'Unauthorized: api_token missing or unknown (UNAUTHORIZED)',
  404: "Not Found: no such template or pass in your account (TEMPLATE_NOT_FOUND, PASS_NOT_FOUND) — another account's records are not found either",
  409: 'Conflict: the pass kept changing concurrently; send the change again (PASS_CHANGED_CONCURRENTLY)',
  413: 'Payload Too Large: the body is over the limit (REQUEST_TOO_LARGE)',
  420: 'Key Not Found In The Template: a pass key the template lacks (FIELD_NOT_FOUND), a field the template keeps fixed (FIELD_NOT_DYNAMIC), or more locations/beacons than the template opens to passes (LOCATION_NOT_DYNAMIC, BEACON_NOT_DYNAMIC)',
  421: 'Missing serial number (SERIAL_NUMBER_MISSING)',
  422: 'Wrong Field Format: a value of the wrong type or format (VALUE_INVALID, FIELD_VALUE_INVALID, DATE_INVALID, LOCATION_INVALID, IMAGE_INVALID, IMAGE_NOT_ALLOWED, COLOR_INVALID, BARCODE_INVALID, STYLE_INVALID, …), a title or serial number already in use (TEMPLATE_TITLE_TAKEN, SERIAL_NUMBER_TAKEN), a changed serial number (SERIAL_NUMBER_IMMUTABLE), a voided pass (PASS_VOIDED), an unreadable certificate (SIGNING_MATERIAL_INVALID)',
};

export function PassdockErrorResponses(...statuses: Array<keyof typeof ERROR_MEANINGS>): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERROR_MEANINGS[status],
        content: {
          'application/json': {
            schema: ERROR_SCHEMA,
            examples: {
              plain: { summary: 'Without errors=true', value: { status } },
              withErrors: {
                summary: 'With errors=true',
                value: { status, errors: [{ code: exampleCode(status), field: null, message: '…' }] },
              },
            },
          },
        },
      }),
    ),
  );
}

function exampleCode(status: number): string {
  return (
    { 400: 'MALFORMED_JSON', 401: 'UNAUTHORIZED', 404: 'TEMPLATE_NOT_FOUND', 409: 'PASS_CHANGED_CONCURRENTLY', 413: 'REQUEST_TOO_LARGE', 420: 'FIELD_NOT_FOUND', 421: 'SERIAL_NUMBER_MISSING', 422: 'FIELD_VALUE_INVALID' }[status] ??
    'INTERNAL_ERROR'
  );
}

export function JsonResponse(status: number, description: string, schema: SchemaObject, examples?: Record<string, ExampleObject>): MethodDecorator {
  return ApiResponse({ status, description, content: { 'application/json': { schema, ...(examples ? { examples } : {}) } } });
}

export const FLAG = (name: string, description: string): MethodDecorator =>
  ApiQuery({ name, required: false, schema: { type: 'string', enum: ['true', 'false'] }, description });

export const DEBUG_FLAG = FLAG('debug', 'true: answer with the whole object instead of the short acknowledgement');
export const ERRORS_FLAG = FLAG('errors', 'true: error answers carry {"errors":[{code,field,message}]} naming every problem found');

export const TEMPLATE_ID_PARAM = ApiParam({ name: 'template_id', description: 'Template id (a .json suffix is accepted)', example: 106 });
export const PASS_ID_PARAM = ApiParam({ name: 'id', description: 'Pass id (a .json suffix is accepted)', example: 199 });

export function PassdockOperation(summary: string, description: string, requestBody?: RequestBodyObject): MethodDecorator {
  return ApiOperation({ summary, description, ...(requestBody ? { requestBody } : {}) });
}

export const PKPASS_PRODUCES = ApiProduces('application/json', 'application/vnd.apple.pkpass');

// ---- Request bodies: the form encoding (fields holding JSON text) and application/json ----

const COMMON_FORM_FIELDS: Record<string, SchemaObject> = {
  api_token: text('Your API key (or in the query string)'),
  debug: { type: 'string', enum: ['true', 'false'] },
  errors: { type: 'string', enum: ['true', 'false'] },
};

const IMAGE: SchemaObject = {
  type: 'object',
  properties: { filename: text('File name; "@2x"/"@3x" before the extension gives the resolution', 'test.png'), data: text('Base64 PNG (at most 2 MiB decoded)') },
  required: ['data'],
};

const PASS_HASH: SchemaObject = {
  type: 'object',
  description:
    'serial_number, redeemed, bar{message,altText}, relevance{locations[{latitude,longitude,altitude,relevantText}],relevantDate, beacons (extension)}; every other key is a template field: "KEY":"value" or "KEY":{"value","label","changeMessage"} ("message" is accepted for changeMessage)',
  properties: {
    serial_number: text('Required on create; unique, cannot change', '1234567'),
    redeemed: { type: 'boolean', description: 'true redeems the pass, false takes the redemption back' },
    bar: { type: 'object', properties: { message: text('Message of the 2D code'), altText: text('Text under the code') } },
    relevance: {
      type: 'object',
      properties: {
        locations: { type: 'array', items: LOCATION },
        relevantDate: text('ISO 8601 date and time with zone', '2012-12-18T14:34:10-02:00'),
        beacons: { type: 'array', items: BEACON, description: 'passgate extension' },
      },
    },
  },
  additionalProperties: {
    oneOf: [
      { type: 'string' },
      { type: 'object', properties: { value: { type: 'string' }, label: { type: 'string' }, changeMessage: { type: 'string' }, message: { type: 'string' } } },
    ],
  },
};

/** The create-pass page's six example requests, in both encodings. */
const SEED_PASSES: Array<{ name: string; summary: string; form: Record<string, string> }> = [
  { name: 'values', summary: 'Values by shortcut', form: { pass: '{"serial_number":"1234567", "gate":"53", "departure":"2012-12-18T14:34:10-02:00"}' } },
  { name: 'redeemedFalse', summary: 'With redeemed', form: { pass: '{"redeemed":false,"serial_number":"1234567", "gate":"53", "departure":"2012-12-18T14:34:10-02:00"}' } },
  {
    name: 'debugBar',
    summary: 'Barcode message, debug answer',
    form: { debug: 'true', pass: '{"serial_number":"4567891", "bar":{"message":"QRRSNDKAIUDS923", "altText":"QRRSNDKAIUDS923"}, "gate":{"value":"53"},"departure":"2012-11-14T08:12:19-08:00"}' },
  },
  {
    name: 'debugLocations',
    summary: 'Locations, debug answer',
    form: { debug: 'true', pass: '{"serial_number":"7891234", "relevance":{"locations":[{"latitude":12.122342, "longitude":64.123353}]}, "gate":{"value":"98"},"departure":"2012-11-14T08:12:19-08:00"}' },
  },
  {
    name: 'thumbnail',
    summary: 'With a thumbnail (kinds 2 and 5)',
    form: {
      pass: '{"serial_number":"1234567", "gate":"53", "departure":"2012-12-18T14:34:10-02:00"}',
      thumbnail: '{"filename":"test.png","data":"THE_BASE_64_ENCODED_IMAGE"}',
    },
  },
];

function formExamples(examples: Array<{ name: string; summary: string; form: Record<string, string> }>): Record<string, ExampleObject> {
  return Object.fromEntries(examples.map(({ name, summary, form }) => [name, { summary, value: form }]));
}

function jsonExamples(examples: Array<{ name: string; summary: string; form: Record<string, string> }>): Record<string, ExampleObject> {
  return Object.fromEntries(
    examples.map(({ name, summary, form }) => [
      name,
      {
        summary,
        value: Object.fromEntries(Object.entries(form).map(([key, value]) => [key, value.startsWith('{') ? (JSON.parse(value) as unknown) : value])),
      },
    ]),
  );
}

export const PASS_WRITE_BODY: RequestBodyObject = {
  required: false,
  description:
    'Either form fields whose values are JSON text (pass=…, thumbnail=…), as in the examples, or an application/json body with the same members as nested objects. Rails-style names (pass[gate][value]=53) work in forms too, and multipart/form-data takes the same fields, with images also as uploaded PNG files.',
  content: {
    'application/x-www-form-urlencoded': {
      schema: {
        type: 'object',
        properties: { ...COMMON_FORM_FIELDS, pass: text('JSON hash of the pass keys and values'), thumbnail: text('JSON {"filename","data"}: the pass’s own thumbnail (kinds 2 and 5)') },
      },
      examples: formExamples(SEED_PASSES),
    },
    'application/json': {
      schema: { type: 'object', properties: { api_token: text('Your API key'), debug: { type: 'boolean' }, errors: { type: 'boolean' }, pass: PASS_HASH, thumbnail: IMAGE } },
      examples: {
        ...jsonExamples(SEED_PASSES.slice(0, 1)),
        redeem: { summary: 'Redeem (update)', value: { pass: { redeemed: true } } },
        ...jsonExamples(SEED_PASSES.slice(1)),
      },
    },
  },
};

const FAMILY_HASH: SchemaObject = {
  type: 'object',
  description: 'The template definition. title, kind_id, description and organization_name may be given here or as top-level parameters.',
  properties: {
    title: text('Title'),
    kind_id: { type: 'integer' },
    description: text('Description'),
    organization_name: text('Organization (default: the title)'),
    recipient_required: { type: 'boolean', description: 'passgate extension' },
    personalization: PERSONALIZATION,
    nfc: NFC,
    ...SECTIONS,
    bar: TEMPLATE_BAR,
    visual: VISUAL,
    relevance: TEMPLATE_RELEVANCE,
    custom: CUSTOM,
  },
};

const SEED_FAMILY = {
  title: 'Passdock Airways',
  kind_id: 1,
  organization_name: 'Passdock Airways',
  header: [{ key: 'gate', label: 'GATE', value: '', changeMessage: 'Gate changed to %@' }],
  primary: [
    { key: 'from', label: 'FROM', value: '', changeMessage: 'Departure changed in %@' },
    { key: 'to', label: 'TO', value: '', changeMessage: 'Destination changed to %@' },
  ],
  secondary: [{ key: 'name', label: 'NAME', value: '', changeMessage: 'Passenger name changed to %@' }],
  auxiliary: [
    { key: 'departure', label: 'DEPARTURE', value: '', changeMessage: 'Departure time changed to %@', dateStyle: 'PKDateStyleMedium', timeStyle: 'PKDateStyleMedium' },
  ],
  back: [{ key: 'passport', label: 'PASSPORT', value: '', changeMessage: '' }],
  bar: { altText: '', format: 'PKBarcodeFormatQR', message: '', messageEncoding: 'iso-8859-1' },
  custom: [{ transitType: 'PKTransitTypeAir' }],
  relevance: { relevantDate: '' },
  visual: { backgroundColor: 'rgb(237,184,61)', foregroundColor: 'rgb(255,255,255)', labelColor: '', logoText: 'Passdock Airways' },
};

const IMAGE_FORM_FIELDS: Record<string, SchemaObject> = {
  icon: text('JSON {"filename","data"}: required on create'),
  logo: text('JSON {"filename","data"}'),
  strip: text('JSON {"filename","data"}: kinds 3, 4 and 6 only'),
  thumbnail: text('JSON {"filename","data"}: kinds 2 and 5 only'),
  background: text('JSON {"filename","data"}: kind 2 only'),
  footer: text('JSON {"filename","data"}: kind 1 only (passgate extension)'),
  personalization_logo: text(
    'JSON {"filename","data"}: the 150 × 40 pt logo of the sign-up sheet, @2x or @3x required with personalization, allowed only with it (passgate extension)',
  ),
  certificate: text('JSON {"data":"<base64 .p12>","password":"…"}: optional; without it the default pass type signs'),
};

const REWARDS_TEMPLATE = {
  title: 'Passdock Rewards',
  description: 'Rewards card',
  kind_id: 4,
  icon: { filename: 'icon.png', data: '<base64 PNG>' },
  personalization_logo: { filename: 'personalizationLogo@2x.png', data: '<base64 PNG>' },
  nfc: { message: 'member-0042', encryptionPublicKey: '<base64 SubjectPublicKeyInfo of your ECDH P-256 key>' },
  personalization: {
    description: 'Join Passdock Rewards and earn points on every visit.',
    requiredPersonalizationFields: ['PKPassPersonalizationFieldName', 'PKPassPersonalizationFieldEmailAddress'],
    termsAndConditions: 'Points expire after a year.',
  },
  family: {
    primary: [{ key: 'fullName', label: 'MEMBER', value: 'Guest' }],
    secondary: [{ key: 'points', label: 'POINTS', value: 0 }],
  },
};

export function templateWriteBody(required: boolean): RequestBodyObject {
  return {
    required,
    description:
      'Form fields (family, images and certificate as JSON text) or an application/json body with nested objects. ' +
      (required ? 'title, description, kind_id and icon are required.' : 'Every parameter is optional; only what is given changes. An image parameter set to null (JSON) removes that image.'),
    content: {
      'application/x-www-form-urlencoded': {
        schema: {
          type: 'object',
          properties: {
            ...COMMON_FORM_FIELDS,
            title: text('Unique among your templates'),
            description: text('Accessibility description'),
            kind_id: text('1-6'),
            organization_name: text('Organization'),
            family: text('JSON hash: sections, bar, visual, relevance, custom'),
            personalization: text('JSON hash {"description","requiredPersonalizationFields","termsAndConditions"}, or null (passgate extension)'),
            nfc: text('JSON hash {"message","encryptionPublicKey","requiresAuthentication"}, or null (passgate extension)'),
            ...IMAGE_FORM_FIELDS,
          },
        },
        examples: {
          airways: {
            summary: 'The documentation’s Passdock Airways boarding pass',
            value: { description: 'Boarding pass', icon: '{"filename":"icon.png","data":"<base64 PNG>"}', family: JSON.stringify(SEED_FAMILY) },
          },
        },
      },
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            api_token: text('Your API key'),
            debug: { type: 'boolean' },
            errors: { type: 'boolean' },
            title: text('Title'),
            description: text('Description'),
            kind_id: { type: 'integer' },
            organization_name: text('Organization'),
            family: FAMILY_HASH,
            icon: IMAGE,
            logo: IMAGE,
            strip: IMAGE,
            thumbnail: IMAGE,
            background: IMAGE,
            footer: IMAGE,
            personalization_logo: IMAGE,
            personalization: PERSONALIZATION,
            nfc: NFC,
            certificate: { type: 'object', properties: { data: text('Base64 .p12'), password: text('Its password') } },
          },
        },
        examples: {
          airways: {
            summary: 'The documentation’s Passdock Airways boarding pass',
            value: { description: 'Boarding pass', icon: { filename: 'icon.png', data: '<base64 PNG>' }, family: SEED_FAMILY },
          },
          rewards: {
            summary: 'A store card that offers rewards enrollment (passgate extension)',
            value: REWARDS_TEMPLATE,
          },
        },
      },
    },
  };
}

// ---- Example answers from the create-pass page ----

export const ACK_EXAMPLE = {
  family_id: 217,
  id: 314,
  web_token: '5d16ecabb1d961a3aecd9eeaa2ddec9f45d43875',
  download: 'https://api.passdock.com/passes/314/5d16ecabb1d961a3aecd9eeaa2ddec9f45d43875.pkpass',
};

export const PASS_EXAMPLE = {
  auxiliary: [
    { changeMessage: 'Departure time changed to %@', dateStyle: 'PKDateStyleMedium', key: 'departure', label: 'DEPARTURE', timeStyle: 'PKDateStyleMedium', value: '2012-12-18T14:34:10-02:00' },
  ],
  back: [{ changeMessage: '', key: 'passport', label: 'PASSPORT', value: '' }],
  bar: { format: 'PKBarcodeFormatQR', message: '', messageEncoding: 'iso-8859-1' },
  created_at: '2012-10-18T09:40:27Z',
  custom: [{ transitType: 'PKTransitTypeAir' }],
  download: 'https://api.passdock.com/passes/202/36eb5647504035593388c01189089c0512561268.pkpass',
  family_id: 106,
  header: [{ changeMessage: 'Gate changed to %@', key: 'gate', label: 'GATE', value: '53' }],
  id: 202,
  primary: [
    { changeMessage: 'Departure changed in %@', key: 'from', label: 'FROM', value: '' },
    { changeMessage: 'Destination changed to %@', key: 'to', label: 'TO', value: '' },
  ],
  redeemed_at: null,
  relevance: {},
  render_html_url: 'https://api.passdock.com/p/202/36eb5647504035593388c01189089c0512561268',
  secondary: [{ changeMessage: 'Passenger name changed to %@', key: 'name', label: 'NAME', value: '' }],
  serial_number: '1234567',
  updated_at: '2012-10-18T09:40:27Z',
  visual: { backgroundColor: 'rgb(237, 184, 61)', foregroundColor: 'rgb(255, 255, 255)', labelColor: '', logoText: 'Passdock Airways' },
  web_token: '36eb5647504035593388c01189089c0512561268',
};

export const PASS_RESPONSES: Record<string, ExampleObject> = {
  ack: { summary: 'Without debug', value: ACK_EXAMPLE },
  debug: { summary: 'With debug=true: the whole pass', value: PASS_EXAMPLE },
};
