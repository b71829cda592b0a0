import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import type { Pass } from '../domain/pass';
import type { PassTemplate } from '../domain/pass-template';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { loadAccountPass } from './account-passes';

@Injectable()
export class GetPass {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
  ) {}

  /**
   * An issued pass of the account with its template; when `templateId` is given the pass must be of
   * that template. Anything else is PASS_NOT_FOUND.
   */
  async execute(accountId: number, passId: number, templateId?: number): Promise<{ pass: Pass; template: PassTemplate }> {
    const loaded = await loadAccountPass(this.passes, this.templates, accountId, passId);
    if (!loaded.pass.isIssued() || (templateId !== undefined && loaded.pass.templateId !== templateId)) {
      throw new DomainError(DomainErrorCode.PassNotFound, `No pass ${passId}.`);
    }
    return loaded;
  }
}
