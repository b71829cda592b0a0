import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import type { Pass } from '../domain/pass';
import type { PassTemplate } from '../domain/pass-template';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import type { Page } from './list-templates.use-case';

@Injectable()
export class ListTemplatePasses {
  constructor(
    private readonly templates: PassTemplateRepository,
    private readonly passes: PassRepository,
  ) {}

  /** The template's issued passes by ascending id; TEMPLATE_NOT_FOUND for another account's template. */
  async execute(accountId: number, templateId: number, page: Page): Promise<{ template: PassTemplate; passes: Pass[] }> {
    const template = await this.templates.findForAccount(accountId, templateId);
    if (!template) throw new DomainError(DomainErrorCode.TemplateNotFound, `No template ${templateId}.`);
    return { template, passes: await this.passes.listForTemplate(templateId, page) };
  }
}
