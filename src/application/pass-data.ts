import { DomainError, DomainErrorCode } from '../domain/errors';
import type { Pass } from '../domain/pass';
import type { PassTemplate } from '../domain/pass-template';
import type { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import type { PassRepository } from '../domain/ports/pass.repository';

/**
 * Loads a pass by its pass data handle. Another account's handle, an unknown one and a deleted one
 * are the same PASS_NOT_FOUND, so a handle reveals nothing about other accounts.
 */
export async function loadPassData(
  passes: PassRepository,
  templates: PassTemplateRepository,
  accountId: number,
  passDataId: string,
): Promise<{ pass: Pass; template: PassTemplate }> {
  const pass = await passes.findByPassDataId(passDataId);
  const owned = pass !== null && pass.accountId === accountId && pass.hasPassData();
  const template = owned ? await templates.findForAccount(accountId, pass.templateId) : null;
  if (!owned || !template) throw new DomainError(DomainErrorCode.PassNotFound, 'No such pass data.');
  return { pass, template };
}
