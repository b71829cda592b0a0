import { DomainError, DomainErrorCode } from '../domain/errors';
import type { Pass } from '../domain/pass';
import type { PassTemplate } from '../domain/pass-template';
import type { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import type { PassRepository } from '../domain/ports/pass.repository';

/** Loads an account's pass with its template; another account's pass is PASS_NOT_FOUND, like a missing one. */
export async function loadAccountPass(
  passes: PassRepository,
  templates: PassTemplateRepository,
  accountId: number,
  passId: number,
): Promise<{ pass: Pass; template: PassTemplate }> {
  const pass = await passes.findForAccount(accountId, passId);
  const template = pass ? await templates.findForAccount(accountId, pass.templateId) : null;
  if (!pass || !template) throw new DomainError(DomainErrorCode.PassNotFound, `No pass ${passId}.`);
  return { pass, template };
}
