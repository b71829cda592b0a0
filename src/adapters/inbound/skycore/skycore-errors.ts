import { DomainError, DomainErrorCode, isDomainError } from '../../../domain/errors';

/**
 * A Skycore Failure: the E-code and the human text of `<ERRORINFO>`. Thrown by the request reader,
 * the slot mapping and the actions; the exception filter writes it as the `<RESPONSE>` envelope.
 */
export class SkycoreFailure extends Error {
  override readonly name = 'SkycoreFailure';

  constructor(
    readonly code: string,
    readonly info: string,
  ) {
    super(`${code}: ${info}`);
  }
}

/**
 * Meanings of the codes passgate answers, worded after Appendix B of the Skycore docs
 * (../shared/reference/skycore-xml-api.md §5). Slot codes (E840–E999) carry their own text.
 */
export const ERROR_MEANINGS: Readonly<Record<string, string>> = {
  E100: 'Invalid request.',
  E101: 'The action is missing or invalid.',
  E102: 'The api_key is missing.',
  E104: 'User authentication failed.',
  E107: 'This action is not available to this account.',
  E108: 'XML parse error.',
  E800: 'There are no pass templates in this account.',
  E801: 'The passtemplateid is required.',
  E802: 'Invalid passtemplateid: the pass template does not exist, was deleted or belongs to another user.',
  E803: 'The barcodevalue is required: the pass template takes each pass\'s barcode value from the pass data.',
  E804: 'The email is invalid.',
  E805: 'The phone is invalid (international format, digits only, without + or 00).',
  E806: 'The pass data was not created: internal error.',
  E807: 'The passdataid is required.',
  E808: 'Invalid passdataid: the pass data does not exist, was deleted or belongs to another user.',
  E809: 'The pass was not updated: internal error.',
  E821: 'The pass data was not deleted: internal error.',
  E822: 'The MMS does not contain a pass: passgate keeps no MMS messages; address the template by passtemplateid.',
  E823: 'The email template does not contain a pass: passgate keeps no email templates; address the template by passtemplateid.',
  E824: 'No pass data was supplied in the call.',
  E827: 'One of mmsid, emailid or passtemplateid is required.',
  E828: 'Only one of mmsid, emailid or passtemplateid may be given.',
  E829: 'The custom identifier is invalid (letters, digits and spaces only).',
  E830: 'The pass was not generated: internal error.',
  E833: 'The pass template is set to personalized passes: an email, a phone or a custom identifier is required.',
};

export function failure(code: string, detail?: string): SkycoreFailure {
  const meaning = ERROR_MEANINGS[code] ?? 'Invalid request.';
  return new SkycoreFailure(code, detail ? `${meaning} ${detail}` : meaning);
}

/**
 * The code of an internal failure depends on the action (Appendix B: E806 addPassData, E809
 * updatePass, E821 deletePassData, E830 generatePass/generatePassById). The template reads have
 * no internal code in Skycore's catalogue; they answer E100.
 */
const INTERNAL_CODES: Readonly<Record<string, string>> = {
  addpassdata: 'E806',
  updatepass: 'E809',
  deletepassdata: 'E821',
  generatepassbyid: 'E830',
  generatepass: 'E830',
};

type Mapping = 'internal' | ((error: DomainError) => SkycoreFailure);

const code = (skycoreCode: string): Mapping => () => failure(skycoreCode);
/** E100 with the domain's own message, which names what was wrong without internals. */
const invalid: Mapping = (error) => new SkycoreFailure('E100', `Invalid request: ${error.message}`);

/** E870–E879: relevance location slot n (1–10) is not dynamic in the template. */
export function locationNotDynamic(n: number): SkycoreFailure {
  return new SkycoreFailure(`E${869 + n}`, `Relevance location ${n} is not accepted: location ${n} must be set Dynamic in the pass template.`);
}

/** E950–E959: iBeacon slot n (1–10) is not dynamic in the template. */
export function beaconNotDynamic(n: number): SkycoreFailure {
  return new SkycoreFailure(`E${949 + n}`, `iBeacon ${n} is not accepted: iBeacon ${n} must be set Dynamic in the pass template.`);
}

/**
 * The one table from domain error codes to Skycore codes. Every domain code has an entry, so a new
 * one cannot go unmapped; `internal` means the client cannot cause or fix it: the action's internal
 * code is answered and the real error only logged. Slot-specific codes (E840–E999) mostly come from
 * the slot mapping, which checks the template before any use case runs (skycore-pass-data.ts).
 */
export const DOMAIN_ERROR_TABLE: Readonly<Record<DomainErrorCode, Mapping>> = {
  [DomainErrorCode.AccountNotFound]: 'internal',
  [DomainErrorCode.AccountNameInvalid]: 'internal',
  [DomainErrorCode.PassTypeNotFound]: 'internal',
  [DomainErrorCode.PassTypeAlreadyExists]: 'internal',
  [DomainErrorCode.SigningMaterialInvalid]: 'internal',
  [DomainErrorCode.TemplateNotFound]: code('E802'),
  [DomainErrorCode.TemplateInvalid]: 'internal',
  [DomainErrorCode.TemplateTitleTaken]: 'internal',
  [DomainErrorCode.StyleInvalid]: 'internal',
  [DomainErrorCode.FieldDefinitionInvalid]: 'internal',
  // THUMBNAILURL on a style without thumbnails, or an image Wallet cannot take (not PNG, too big).
  [DomainErrorCode.ImageNotAllowed]: invalid,
  [DomainErrorCode.ImageInvalid]: invalid,
  [DomainErrorCode.IconMissing]: 'internal',
  [DomainErrorCode.ColorInvalid]: 'internal',
  [DomainErrorCode.BarcodeInvalid]: 'internal',
  [DomainErrorCode.PassNotFound]: code('E808'),
  [DomainErrorCode.PassChangedConcurrently]: 'internal',
  [DomainErrorCode.SerialNumberMissing]: 'internal',
  [DomainErrorCode.SerialNumberInvalid]: 'internal',
  [DomainErrorCode.SerialNumberTaken]: 'internal',
  // Only when the template changed between the slot check and the use case.
  [DomainErrorCode.FieldNotFound]: invalid,
  [DomainErrorCode.FieldNotDynamic]: invalid,
  // A value the field's date or number style cannot take (Skycore's old E810–E820 are gone).
  [DomainErrorCode.FieldValueInvalid]: invalid,
  [DomainErrorCode.DateInvalid]: invalid,
  [DomainErrorCode.TextInvalid]: invalid,
  [DomainErrorCode.TooManyLocations]: invalid,
  [DomainErrorCode.LocationInvalid]: invalid,
  [DomainErrorCode.LocationNotDynamic]: (error) => locationNotDynamic(Number(error.details.slot)),
  [DomainErrorCode.TooManyBeacons]: invalid,
  [DomainErrorCode.BeaconInvalid]: invalid,
  [DomainErrorCode.BeaconNotDynamic]: (error) => beaconNotDynamic(Number(error.details.slot)),
  [DomainErrorCode.BarcodeMessageRequired]: code('E803'),
  [DomainErrorCode.RecipientRequired]: code('E833'),
  [DomainErrorCode.RecipientEmailInvalid]: code('E804'),
  [DomainErrorCode.RecipientPhoneInvalid]: code('E805'),
  [DomainErrorCode.RecipientIdInvalid]: code('E829'),
  [DomainErrorCode.RemoteImageRefused]: (error) => new SkycoreFailure('E100', `Invalid request: THUMBNAILURL refused: ${error.message}`),
  [DomainErrorCode.CustomPassIdInvalid]: invalid,
  [DomainErrorCode.PassVoided]: invalid,
  [DomainErrorCode.PassInvalid]: 'internal',
  // The Wallet web service's own failures; no Skycore action reaches them.
  [DomainErrorCode.PassNotAuthorized]: 'internal',
  [DomainErrorCode.RegistrationInvalid]: 'internal',
  [DomainErrorCode.PersonalizationNotOffered]: 'internal',
  [DomainErrorCode.PersonalizationInvalid]: 'internal',
};

/**
 * What a thrown error becomes: a Skycore failure as is, a domain error through the table, anything
 * else (and `internal` entries) the action's internal failure. `internal` tells the caller to log.
 */
export function failureFor(error: unknown, action: string | null): { failure: SkycoreFailure; internal: boolean } {
  if (error instanceof SkycoreFailure) return { failure: error, internal: false };
  const mapping = isDomainError(error) ? DOMAIN_ERROR_TABLE[error.code] : 'internal';
  if (mapping !== 'internal' && mapping !== undefined) return { failure: mapping(error as DomainError), internal: false };
  const internalCode = (action && INTERNAL_CODES[action]) ?? 'E100';
  return {
    failure:
      internalCode === 'E100'
        ? new SkycoreFailure('E100', 'Internal error; the request can be tried again.')
        : failure(internalCode),
    internal: true,
  };
}
