import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { PassTemplate, TemplateDefinition } from '../domain/pass-template';
import { Clock } from '../domain/ports/clock';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassTypeRepository } from '../domain/ports/pass-type.repository';
import { selectPassType } from './pass-type-selection';

export interface CreateTemplateCommand {
  accountId: number;
  /** null: the account's default pass type signs. */
  passTypeId: number | null;
  definition: Omit<TemplateDefinition, 'passTypeId'>;
}

@Injectable()
export class CreateTemplate {
  constructor(
    private readonly templates: PassTemplateRepository,
    private readonly passTypes: PassTypeRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: CreateTemplateCommand): Promise<PassTemplate> {
    const passType = await selectPassType(this.passTypes, command.accountId, command.passTypeId);
    const template = PassTemplate.create(
      command.accountId,
      { ...command.definition, passTypeId: passType.id },
      this.clock.now(),
    );
    if (await this.templates.findByTitle(command.accountId, template.title)) {
      throw new DomainError(DomainErrorCode.TemplateTitleTaken, `A template titled "${template.title}" exists.`, {
        title: template.title,
      });
    }
    return this.templates.add(template);
  }
}
