import { Injectable } from '@nestjs/common';
import type { PassTemplate } from '../domain/pass-template';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';

export interface Page {
  offset: number;
  limit: number;
}

@Injectable()
export class ListTemplates {
  constructor(private readonly templates: PassTemplateRepository) {}

  /** The account's templates by ascending id. */
  async execute(accountId: number, page: Page): Promise<PassTemplate[]> {
    return this.templates.listForAccount(accountId, page);
  }
}
