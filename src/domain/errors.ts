/**
 * The closed catalogue of domain failures. Codes are stable: the Passdock, Skycore and Apple
 * adapters each map them to their own protocol in one table. HTTP statuses do not belong here.
 */
export const DomainErrorCode = {
  AccountNotFound: 'ACCOUNT_NOT_FOUND',
  AccountNameInvalid: 'ACCOUNT_NAME_INVALID',
  PassTypeNotFound: 'PASS_TYPE_NOT_FOUND',
  PassTypeAlreadyExists: 'PASS_TYPE_ALREADY_EXISTS',
  SigningMaterialInvalid: 'SIGNING_MATERIAL_INVALID',
  TemplateNotFound: 'TEMPLATE_NOT_FOUND',
  TemplateInvalid: 'TEMPLATE_INVALID',
  TemplateTitleTaken: 'TEMPLATE_TITLE_TAKEN',
  StyleInvalid: 'STYLE_INVALID',
  FieldDefinitionInvalid: 'FIELD_DEFINITION_INVALID',
  ImageNotAllowed: 'IMAGE_NOT_ALLOWED',
  ImageInvalid: 'IMAGE_INVALID',
  IconMissing: 'ICON_MISSING',
  ColorInvalid: 'COLOR_INVALID',
  BarcodeInvalid: 'BARCODE_INVALID',
  PassNotFound: 'PASS_NOT_FOUND',
  PassChangedConcurrently: 'PASS_CHANGED_CONCURRENTLY',
  SerialNumberMissing: 'SERIAL_NUMBER_MISSING',
  SerialNumberInvalid: 'SERIAL_NUMBER_INVALID',
  SerialNumberTaken: 'SERIAL_NUMBER_TAKEN',
  FieldNotFound: 'FIELD_NOT_FOUND',
  FieldNotDynamic: 'FIELD_NOT_DYNAMIC',
  FieldValueInvalid: 'FIELD_VALUE_INVALID',
  DateInvalid: 'DATE_INVALID',
  TextInvalid: 'TEXT_INVALID',
  TooManyLocations: 'TOO_MANY_LOCATIONS',
  LocationInvalid: 'LOCATION_INVALID',
  LocationNotDynamic: 'LOCATION_NOT_DYNAMIC',
  TooManyBeacons: 'TOO_MANY_BEACONS',
  BeaconInvalid: 'BEACON_INVALID',
  BeaconNotDynamic: 'BEACON_NOT_DYNAMIC',
  BarcodeMessageRequired: 'BARCODE_MESSAGE_REQUIRED',
  RecipientRequired: 'RECIPIENT_REQUIRED',
  RecipientEmailInvalid: 'RECIPIENT_EMAIL_INVALID',
  RecipientPhoneInvalid: 'RECIPIENT_PHONE_INVALID',
  RecipientIdInvalid: 'RECIPIENT_ID_INVALID',
  RemoteImageRefused: 'REMOTE_IMAGE_REFUSED',
  CustomPassIdInvalid: 'CUSTOM_PASS_ID_INVALID',
  PassVoided: 'PASS_VOIDED',
  PassInvalid: 'PASS_INVALID',
  /** The Wallet web service's `ApplePass` token is not the one of the pass asked for. */
  PassNotAuthorized: 'PASS_NOT_AUTHORIZED',
  /** A device registration, push token or log batch that is not what Wallet sends. */
  RegistrationInvalid: 'REGISTRATION_INVALID',
  /** The pass's template offers no personalization (no `personalization.json`). */
  PersonalizationNotOffered: 'PERSONALIZATION_NOT_OFFERED',
  /** A personalization request without its token or without the fields the template asks for. */
  PersonalizationInvalid: 'PERSONALIZATION_INVALID',
} as const;

export type DomainErrorCode = (typeof DomainErrorCode)[keyof typeof DomainErrorCode];

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Machine-readable context (the offending key, section, limit...) for protocol adapters. */
    readonly details: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
