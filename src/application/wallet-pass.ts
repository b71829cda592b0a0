import { DomainError, DomainErrorCode } from '../domain/errors';
import type { Pass } from '../domain/pass';
import type { PassType } from '../domain/pass-type';
import type { PassTypeRepository } from '../domain/ports/pass-type.repository';
import type { PassRepository } from '../domain/ports/pass.repository';
import type { WalletPassIndex } from '../domain/ports/wallet-pass-index';
import { isStorableText } from '../domain/text';
import type { WalletPassEntry } from '../domain/wallet-pass-entry';

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
  const passType = isStorableAddress(request) ? await passTypes.findByIdentifier(request.passTypeIdentifier) : null;
  if (!passType) throw passNotAuthorized();
  return { pass: await loadWalletPassOfType(passes, passType.id, request), passType };
}

/** `loadWalletPass` for a request whose pass type a lookup in this request resolved already. */
export async function loadWalletPassOfType(passes: PassRepository, passTypeId: number, request: WalletPassRequest): Promise<Pass> {
  const pass = isStorableAddress(request) ? await passes.findForWallet(passTypeId, request.serialNumber) : null;
  if (!pass || !opens(pass, request)) throw passNotAuthorized();
  return pass;
}

/** The index entry of the pass a device addresses, under the same rule as `loadWalletPass`. */
export async function findWalletPassEntry(index: WalletPassIndex, request: WalletPassRequest): Promise<WalletPassEntry> {
  const entry = isStorableAddress(request) ? await index.find(request.passTypeIdentifier, request.serialNumber) : null;
  if (!entry || !opens(entry, request)) throw passNotAuthorized();
  return entry;
}

/** A key no row can hold (a NUL byte) matches nothing, and is not sent to the database. */
function isStorableAddress(request: WalletPassRequest): boolean {
  return isStorableText(request.passTypeIdentifier) && isStorableText(request.serialNumber);
}

function opens(pass: { authenticatesWith(token: string): boolean }, request: WalletPassRequest): boolean {
  return request.authenticationToken !== null && pass.authenticatesWith(request.authenticationToken);
}

/** What a request gets whatever it lacks: the answer does not tell which serials exist. */
export function passNotAuthorized(): DomainError {
  return new DomainError(DomainErrorCode.PassNotAuthorized, 'The ApplePass token does not open this pass.');
}
