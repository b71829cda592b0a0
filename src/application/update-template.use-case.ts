import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { PassTemplate, TemplateDefinition } from '../domain/pass-template';
import { Clock } from '../domain/ports/clock';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassTypeRepository } from '../domain/ports/pass-type.repository';
import { UnitOfWork } from '../domain/ports/unit-of-work';
import { PassChanges } from './pass-changes';
import { selectPassType } from './pass-type-selection';

export interface UpdateTemplateCommand {
  accountId: number;
  templateId: number;
  changes: Partial<TemplateDefinition>;
}

export interface TemplateUpdated {
  template: PassTemplate;
  /** How many issued passes changed with it (their versions advanced). */
  passesChanged: number;
}

@Injectable()
export class UpdateTemplate {
  constructor(
    private readonly templates: PassTemplateRepository,
    private readonly passTypes: PassTypeRepository,
    private readonly passChanges: PassChanges,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(command: UpdateTemplateCommand): Promise<TemplateUpdated> {
    const template = await this.templates.findForAccount(command.accountId, command.templateId);
    if (!template) throw new DomainError(DomainErrorCode.TemplateNotFound, `No template ${command.templateId}.`);
    const changes = { ...command.changes };
    if (changes.passTypeId !== undefined && changes.passTypeId !== template.passTypeId) {
      // Serial numbers are unique per pass type and devices address passes by (type, serial):
      // moving issued passes to another type would orphan every installed copy.
      throw new DomainError(
        DomainErrorCode.TemplateInvalid,
        'The pass type of a template cannot change; its issued passes are installed under it.',
      );
    }
    if (changes.passTypeId !== undefined) await selectPassType(this.passTypes, command.accountId, changes.passTypeId);
    if (changes.title !== undefined && changes.title !== template.title) {
      const clash = await this.templates.findByTitle(command.accountId, changes.title);
      if (clash && clash.id !== template.id) {
        throw new DomainError(DomainErrorCode.TemplateTitleTaken, `A template titled "${changes.title}" exists.`, {
          title: changes.title,
        });
      }
    }
    const now = this.clock.now();
    const designBefore = template.designFingerprint();
    template.update(changes, now);
    // A change of what the packages show gives every pass of the template a new version (and its
    // devices a push) in the same transaction as the template; the same design resent changes none.
    const touchesPasses = template.designFingerprint() !== designBefore;
    const passesChanged = await this.unitOfWork.atomically(async () => {
      await this.templates.save(template);
      return touchesPasses ? this.passChanges.touchTemplate(template.id, now) : 0;
    });
    this.passChanges.pushesCommitted(passesChanged);
    return { template, passesChanged };
  }
}
