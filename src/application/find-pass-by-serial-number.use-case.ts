import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import type { Pass } from '../domain/pass';
import type { PassTemplate } from '../domain/pass-template';
import { isStorableText } from '../domain/text';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';

@Injectable()
export class FindPassBySerialNumber {
  constructor(
    private readonly templates: PassTemplateRepository,
    private readonly passes: PassRepository,
  ) {}

  /** The template's issued pass with this serial number, or null; TEMPLATE_NOT_FOUND for another account's template. */
  async execute(
    accountId: number,
    templateId: number,
    serialNumber: string,
  ): Promise<{ template: PassTemplate; pass: Pass | null }> {
    const template = await this.templates.findForAccount(accountId, templateId);
    if (!template) throw new DomainError(DomainErrorCode.TemplateNotFound, `No template ${templateId}.`);
    const pass = isStorableText(serialNumber) ? await this.passes.findBySerialNumber(template.passTypeId, serialNumber) : null;
    const found = pass !== null && pass.templateId === templateId && pass.isIssued();
    return { template, pass: found ? pass : null };
  }
}
