import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import type { Pass } from '../domain/pass';
import type { PassTemplate } from '../domain/pass-template';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';

/**
 * The public download and landing links: `/passes/{id}/{webToken}.pkpass`, `/p/{id}/{webToken}`.
 * An unknown id, a wrong token and unissued data are one PASS_NOT_FOUND, so a caller cannot tell
 * which part was wrong.
 */
@Injectable()
export class OpenPublicPass {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
  ) {}

  async execute(passId: number, webToken: string): Promise<{ pass: Pass; template: PassTemplate }> {
    const pass = await this.passes.findById(passId);
    const template = pass?.opensWith(webToken) ? await this.templates.findById(pass.templateId) : null;
    if (!pass || !template) throw new DomainError(DomainErrorCode.PassNotFound, 'No such pass.');
    return { pass, template };
  }
}
