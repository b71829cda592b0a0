import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { Pass, PassContent } from '../domain/pass';
import { Clock } from '../domain/ports/clock';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';

export interface IssuePassCommand {
  accountId: number;
  templateId: number;
  serialNumber: string;
  content: PassContent;
}

@Injectable()
export class IssuePass {
  constructor(
    private readonly templates: PassTemplateRepository,
    private readonly passes: PassRepository,
    private readonly clock: Clock,
  ) {}

  /** SERIAL_NUMBER_TAKEN when the template's pass type already has a pass with this serial. */
  async execute(command: IssuePassCommand): Promise<Pass> {
    const template = await this.templates.findForAccount(command.accountId, command.templateId);
    if (!template) throw new DomainError(DomainErrorCode.TemplateNotFound, `No template ${command.templateId}.`);
    const pass = Pass.issue(template, command.serialNumber, command.content, this.clock.now());
    if (await this.passes.findBySerialNumber(pass.passTypeId, pass.serialNumber)) {
      throw new DomainError(DomainErrorCode.SerialNumberTaken, `Serial number ${pass.serialNumber} is taken.`, {
        serialNumber: pass.serialNumber,
      });
    }
    return this.passes.add(pass);
  }
}
