import { DomainErrorCode } from '../../../domain/errors';

/**
 * THE table from domain codes to the Wallet web service's statuses; a `Record` over every code, so
 * a new code does not compile until it has one. Wallet understands 200/201/204/304/401 and logs
 * anything else as "unexpected" (the reference's §2); the rest are plain HTTP meanings. Codes no
 * Wallet route can raise (template and Passdock/Skycore validation) are server faults here.
 */
export const WALLET_STATUS: Record<DomainErrorCode, number> = {
  [DomainErrorCode.PassNotAuthorized]: 401,
  [DomainErrorCode.RegistrationInvalid]: 400,
  [DomainErrorCode.PersonalizationInvalid]: 400,
  [DomainErrorCode.TextInvalid]: 400,
  [DomainErrorCode.PersonalizationNotOffered]: 404,
  [DomainErrorCode.PassNotFound]: 404,
  [DomainErrorCode.TemplateNotFound]: 404,
  [DomainErrorCode.PassTypeNotFound]: 404,
  [DomainErrorCode.PassVoided]: 409,
  [DomainErrorCode.PassChangedConcurrently]: 409,
  [DomainErrorCode.AccountNotFound]: 500,
  [DomainErrorCode.AccountNameInvalid]: 500,
  [DomainErrorCode.PassTypeAlreadyExists]: 500,
  [DomainErrorCode.SigningMaterialInvalid]: 500,
  [DomainErrorCode.TemplateInvalid]: 500,
  [DomainErrorCode.TemplateTitleTaken]: 500,
  [DomainErrorCode.StyleInvalid]: 500,
  [DomainErrorCode.FieldDefinitionInvalid]: 500,
  [DomainErrorCode.ImageNotAllowed]: 500,
  [DomainErrorCode.ImageInvalid]: 500,
  [DomainErrorCode.IconMissing]: 500,
  [DomainErrorCode.ColorInvalid]: 500,
  [DomainErrorCode.BarcodeInvalid]: 500,
  [DomainErrorCode.SerialNumberMissing]: 500,
  [DomainErrorCode.SerialNumberInvalid]: 500,
  [DomainErrorCode.SerialNumberTaken]: 500,
  [DomainErrorCode.FieldNotFound]: 500,
  [DomainErrorCode.FieldNotDynamic]: 500,
  [DomainErrorCode.FieldValueInvalid]: 500,
  [DomainErrorCode.DateInvalid]: 500,
  [DomainErrorCode.TooManyLocations]: 500,
  [DomainErrorCode.LocationInvalid]: 500,
  [DomainErrorCode.LocationNotDynamic]: 500,
  [DomainErrorCode.TooManyBeacons]: 500,
  [DomainErrorCode.BeaconInvalid]: 500,
  [DomainErrorCode.BeaconNotDynamic]: 500,
  [DomainErrorCode.BarcodeMessageRequired]: 500,
  [DomainErrorCode.RecipientRequired]: 500,
  [DomainErrorCode.RecipientEmailInvalid]: 500,
  [DomainErrorCode.RecipientPhoneInvalid]: 500,
  [DomainErrorCode.RecipientIdInvalid]: 500,
  [DomainErrorCode.RemoteImageRefused]: 500,
  [DomainErrorCode.CustomPassIdInvalid]: 500,
  [DomainErrorCode.PassInvalid]: 500,
};
