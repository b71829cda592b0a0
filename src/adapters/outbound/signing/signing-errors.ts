import { DomainError, DomainErrorCode } from '../../../domain/errors';
import type { PassJsonProblem } from './passkit-schemas';

/** SIGNING_MATERIAL_INVALID naming what could not be used and why (never the secret itself). */
export function signingMaterialInvalid(what: string, error: unknown): DomainError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DomainError(DomainErrorCode.SigningMaterialInvalid, `${what}: ${reason}.`);
}

/** PASS_INVALID listing every schema problem of a pass.json or personalization.json, the first one's path as `field`. */
export function passJsonInvalid(serialNumber: string, problems: PassJsonProblem[]): DomainError {
  return new DomainError(
    DomainErrorCode.PassInvalid,
    `Pass ${serialNumber} would not be accepted by Wallet: ${problems.map((problem) => problem.message).join('; ')}.`,
    { field: problems[0].path },
  );
}
