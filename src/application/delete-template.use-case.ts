import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';

/** Deletes a template with its passes and their registrations. */
@Injectable()
export class DeleteTemplate {
  constructor(private readonly templates: PassTemplateRepository) {}

  async execute(accountId: number, templateId: number): Promise<void> {
    const template = await this.templates.findForAccount(accountId, templateId);
    if (!template) throw new DomainError(DomainErrorCode.TemplateNotFound, `No template ${templateId}.`);
    await this.templates.remove(template);
  }
}
