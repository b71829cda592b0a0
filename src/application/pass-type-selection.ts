import { DomainError, DomainErrorCode } from '../domain/errors';
import type { PassType } from '../domain/pass-type';
import type { PassTypeRepository } from '../domain/ports/pass-type.repository';

/**
 * The pass type a template of this account signs with: the one asked for if the account may use
 * it, else the account's default, else the shared one configured in CERTS_DIR.
 */
export async function selectPassType(
  passTypes: PassTypeRepository,
  accountId: number,
  requestedId: number | null,
): Promise<PassType> {
  const usable = await passTypes.listUsableBy(accountId);
  const chosen =
    requestedId !== null
      ? usable.find((passType) => passType.id === requestedId)
      : (usable.find((passType) => passType.accountId === accountId && passType.isDefault) ??
        usable.find((passType) => passType.accountId === null && passType.isDefault));
  if (!chosen) {
    throw new DomainError(
      DomainErrorCode.PassTypeNotFound,
      requestedId !== null ? `No pass type ${requestedId} for this account.` : 'This account has no pass type to sign with.',
    );
  }
  return chosen;
}
