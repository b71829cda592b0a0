import { DomainError, DomainErrorCode } from '../../../domain/errors';

/**
 * Problems this adapter finds in a request before the core is asked. Together with the domain's
 * codes they are the `code` values of Passdock error bodies.
 */
export const RequestProblemCode = {
  /** No `api_token`, or one that opens no account. */
  Unauthorized: 'UNAUTHORIZED',
  /** A form field or body that should hold JSON does not parse. */
  MalformedJson: 'MALFORMED_JSON',
  /** A body Fastify cannot read at all (unknown content type, broken encoding). */
  MalformedRequest: 'MALFORMED_REQUEST',
  RequestTooLarge: 'REQUEST_TOO_LARGE',
  /** A required parameter (`pass`, `title`, `kind_id`, `icon`...) is absent. */
  ParameterMissing: 'PARAMETER_MISSING',
  /** A top-level parameter of the wrong JSON type (`pass` that is not a hash, `page` that is not a number). */
  ParameterInvalid: 'PARAMETER_INVALID',
  /** A value inside a parameter that has the wrong type or an attribute passgate does not know. */
  ValueInvalid: 'VALUE_INVALID',
  /** `serial_number` on an update that differs from the pass's. */
  SerialNumberImmutable: 'SERIAL_NUMBER_IMMUTABLE',
  NotFound: 'NOT_FOUND',
  InternalError: 'INTERNAL_ERROR',
} as const;
export type RequestProblemCode = (typeof RequestProblemCode)[keyof typeof RequestProblemCode];

export type ProblemCode = DomainErrorCode | RequestProblemCode;

/** 420 and 421 are Passdock's own (create-pass page: "420 Key Not Found In The Template", "421 Missing serial number"). */
export type PassdockStatus = 400 | 401 | 404 | 409 | 413 | 420 | 421 | 422 | 500;

/**
 * THE table from problem codes to Passdock statuses; `Record` over every code, so a code added to
 * the domain does not compile until it has a status here.
 *
 * - 400: the request cannot be read (create-pass page "400 Bad Request").
 * - 404: no such template or pass — also another account's, so ids reveal nothing.
 * - 420: a key the template lacks or does not open to passes; fixed location and beacon slots are
 *   the same mistake for relevance.
 * - 421: no serial number.
 * - 422: "Wrong Field Format": every value the core refuses. Uniqueness clashes (a title or serial
 *   number already used) are 422 as well, Rails' status for a failed uniqueness validation, the
 *   framework Passdock ran on; so is a change to a voided pass, which Skycore clients can void.
 * - 409: a pass that kept changing under five attempts to apply this change; trying again helps.
 */
export const PASSDOCK_STATUS: Readonly<Record<ProblemCode, PassdockStatus>> = {
  [RequestProblemCode.MalformedJson]: 400,
  [RequestProblemCode.MalformedRequest]: 400,
  [RequestProblemCode.ParameterMissing]: 400,
  [RequestProblemCode.ParameterInvalid]: 400,
  [RequestProblemCode.RequestTooLarge]: 413,
  [RequestProblemCode.Unauthorized]: 401,
  [DomainErrorCode.AccountNotFound]: 401,
  [RequestProblemCode.NotFound]: 404,
  [DomainErrorCode.TemplateNotFound]: 404,
  [DomainErrorCode.PassNotFound]: 404,
  [DomainErrorCode.FieldNotFound]: 420,
  [DomainErrorCode.FieldNotDynamic]: 420,
  [DomainErrorCode.LocationNotDynamic]: 420,
  [DomainErrorCode.BeaconNotDynamic]: 420,
  [DomainErrorCode.SerialNumberMissing]: 421,
  [RequestProblemCode.ValueInvalid]: 422,
  [RequestProblemCode.SerialNumberImmutable]: 422,
  [DomainErrorCode.AccountNameInvalid]: 422,
  [DomainErrorCode.PassTypeNotFound]: 422,
  [DomainErrorCode.PassTypeAlreadyExists]: 422,
  [DomainErrorCode.SigningMaterialInvalid]: 422,
  [DomainErrorCode.TemplateInvalid]: 422,
  [DomainErrorCode.TemplateTitleTaken]: 422,
  [DomainErrorCode.StyleInvalid]: 422,
  [DomainErrorCode.FieldDefinitionInvalid]: 422,
  [DomainErrorCode.ImageNotAllowed]: 422,
  [DomainErrorCode.ImageInvalid]: 422,
  [DomainErrorCode.IconMissing]: 422,
  [DomainErrorCode.ColorInvalid]: 422,
  [DomainErrorCode.BarcodeInvalid]: 422,
  [DomainErrorCode.SerialNumberInvalid]: 422,
  [DomainErrorCode.SerialNumberTaken]: 422,
  [DomainErrorCode.FieldValueInvalid]: 422,
  [DomainErrorCode.DateInvalid]: 422,
  [DomainErrorCode.TextInvalid]: 422,
  [DomainErrorCode.TooManyLocations]: 422,
  [DomainErrorCode.LocationInvalid]: 422,
  [DomainErrorCode.TooManyBeacons]: 422,
  [DomainErrorCode.BeaconInvalid]: 422,
  [DomainErrorCode.BarcodeMessageRequired]: 422,
  [DomainErrorCode.RecipientRequired]: 422,
  [DomainErrorCode.RecipientEmailInvalid]: 422,
  [DomainErrorCode.RecipientPhoneInvalid]: 422,
  [DomainErrorCode.RecipientIdInvalid]: 422,
  [DomainErrorCode.RemoteImageRefused]: 422,
  [DomainErrorCode.CustomPassIdInvalid]: 422,
  [DomainErrorCode.PassVoided]: 422,
  [DomainErrorCode.PassInvalid]: 422,
  // The Wallet web service's own failures; no Passdock call reaches them.
  [DomainErrorCode.PassNotAuthorized]: 404,
  [DomainErrorCode.RegistrationInvalid]: 422,
  [DomainErrorCode.PersonalizationNotOffered]: 422,
  [DomainErrorCode.PersonalizationInvalid]: 422,
  [DomainErrorCode.PassChangedConcurrently]: 409,
  [RequestProblemCode.InternalError]: 500,
};

/**
 * When one request has problems of several kinds, the status is that of the kind a client must
 * fix first: a request that cannot be read says nothing reliable about its values.
 */
const STATUS_PRECEDENCE: readonly PassdockStatus[] = [400, 413, 401, 404, 421, 420, 422, 409, 500];

/** One entry of `{"errors":[…]}`: `field` names the parameter path (`pass.relevance.locations[0].latitude`) when there is one. */
export interface Problem {
  code: ProblemCode;
  field: string | null;
  message: string;
}

export function statusOf(problems: readonly Problem[]): PassdockStatus {
  const statuses = new Set(problems.map((problem) => PASSDOCK_STATUS[problem.code] ?? 500));
  return STATUS_PRECEDENCE.find((status) => statuses.has(status)) ?? 500;
}

/** Problems found while reading a request; thrown once with all of them, so `errors=true` names every one. */
export class PassdockRequestError extends Error {
  override readonly name = 'PassdockRequestError';

  constructor(readonly problems: readonly Problem[]) {
    super(problems.map((problem) => problem.message).join(' '));
  }
}

/** Collects problems while a request is read; `throwIfAny` ends the request with all of them. */
export class Problems {
  private readonly found: Problem[] = [];

  add(code: ProblemCode, field: string | null, message: string): void {
    this.found.push({ code, field, message });
  }

  get any(): boolean {
    return this.found.length > 0;
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new PassdockRequestError(this.found);
  }
}

/** The problem a domain error stands for; `field` from the details the domain attaches (a key, a field, an image). */
export function problemOfDomainError(error: DomainError): Problem {
  const { key, field, image } = error.details;
  const named = key ?? field ?? image;
  return { code: error.code, field: named === undefined ? null : String(named), message: error.message };
}
