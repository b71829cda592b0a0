import { Injectable } from '@nestjs/common';
import type { Pass } from '../domain/pass';
import type { PassTemplate } from '../domain/pass-template';
import { isStorableText } from '../domain/text';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';

@Injectable()
export class FindPassesByBarcode {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
  ) {}

  /** The account's issued passes whose barcode message is `message`, with their templates, by ascending id. */
  async execute(accountId: number, message: string, limit: number): Promise<{ pass: Pass; template: PassTemplate }[]> {
    const found: { pass: Pass; template: PassTemplate }[] = [];
    if (!isStorableText(message)) return found;
    for (const pass of await this.passes.findByBarcodeMessage(accountId, message, limit)) {
      const template = await this.templates.findForAccount(accountId, pass.templateId);
      if (template) found.push({ pass, template });
    }
    return found;
  }
}
