import { DomainError, DomainErrorCode } from '../domain/errors';
import type { Pass } from '../domain/pass';
import type { PassType } from '../domain/pass-type';
import type { PassTypeRepository } from '../domain/ports/pass-type.repository';
import type { PassRepository } from '../domain/ports/pass.repository';
import { isStorableText } from '../domain/text';

export interface WalletPassRequest {
  passTypeIdentifier: string;
  serialNumber: string;
  /** The token of the `Authorization: ApplePass <token>` header; null when the header is missing. */
  authenticationToken: string | null;
}

/**
 * The pass a device addresses by (pass type, serial), opened with that very pass's token: a token
 * of another pass opens nothing (the reference's P-AUTH-2). An unknown pass type or serial is
 * PASS_NOT_AUTHORIZED like a wrong token, so the answer does not tell which serials exist.
 */
export async function loadWalletPass(
  passTypes: PassTypeRepository,
  passes: PassRepository,
  request: WalletPassRequest,
): Promise<{ pass: Pass; passType: PassType }> {
  // A key no row can hold (a NUL byte) matches nothing, and is not sent to the database.
  const storable = isStorableText(request.passTypeIdentifier) && isStorableText(request.serialNumber);
  const passType = storable ? await passTypes.findByIdentifier(request.passTypeIdentifier) : null;
  const pass = passType ? await passes.findForWallet(passType.id, request.serialNumber) : null;
  if (!passType || !pass || request.authenticationToken === null || !pass.authenticatesWith(request.authenticationToken)) {
    throw new DomainError(DomainErrorCode.PassNotAuthorized, 'The ApplePass token does not open this pass.');
  }
  return { pass, passType };
}
