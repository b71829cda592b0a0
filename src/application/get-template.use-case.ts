import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import type { PassTemplate } from '../domain/pass-template';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';

@Injectable()
export class GetTemplate {
  constructor(private readonly templates: PassTemplateRepository) {}

  /** TEMPLATE_NOT_FOUND for another account's template too. */
  async execute(accountId: number, templateId: number): Promise<PassTemplate> {
    const template = await this.templates.findForAccount(accountId, templateId);
    if (!template) throw new DomainError(DomainErrorCode.TemplateNotFound, `No template ${templateId}.`);
    return template;
  }
}
