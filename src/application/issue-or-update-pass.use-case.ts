import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode, isDomainError } from '../domain/errors';
import { Pass, PassContent, validateSerialNumber } from '../domain/pass';
import { Clock } from '../domain/ports/clock';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { retryOnConcurrentChange } from './concurrent-change';
import { PassChanges } from './pass-changes';

export interface IssueOrUpdatePassCommand {
  accountId: number;
  templateId: number;
  serialNumber: string;
  content: PassContent;
  /** true redeems, false takes a redemption back, absent leaves it. */
  redeemed?: boolean;
}

export interface IssueOrUpdatePassResult {
  pass: Pass;
  /** false: the template already had a pass with this serial number, and it was updated. */
  created: boolean;
}

/**
 * Passdock's create call: a serial number that the template already has updates that pass instead
 * of failing or making a second one ("201 Created OR 200 OK", the create-pass page). A serial that
 * another template of the same pass type holds stays SERIAL_NUMBER_TAKEN.
 */
@Injectable()
export class IssueOrUpdatePass {
  constructor(
    private readonly templates: PassTemplateRepository,
    private readonly passes: PassRepository,
    private readonly passChanges: PassChanges,
    private readonly clock: Clock,
  ) {}

  async execute(command: IssueOrUpdatePassCommand): Promise<IssueOrUpdatePassResult> {
    const template = await this.templates.findForAccount(command.accountId, command.templateId);
    if (!template) throw new DomainError(DomainErrorCode.TemplateNotFound, `No template ${command.templateId}.`);
    const serialNumber = validateSerialNumber(command.serialNumber);
    // Two creates of one new serial race to the unique constraint; the loser updates the winner's pass.
    for (let attempt = 1; ; attempt += 1) {
      const updated = await this.updateExisting(command, serialNumber, template.passTypeId);
      if (updated) return { pass: updated, created: false };
      const pass = Pass.issue(template, serialNumber, command.content, this.clock.now());
      if (command.redeemed === true) pass.redeem(this.clock.now());
      try {
        return { pass: await this.passes.add(pass), created: true };
      } catch (error) {
        const lostRace = isDomainError(error) && error.code === DomainErrorCode.SerialNumberTaken;
        if (!lostRace || attempt >= 2) throw error;
      }
    }
  }

  private async updateExisting(
    command: IssueOrUpdatePassCommand,
    serialNumber: string,
    passTypeId: number,
  ): Promise<Pass | null> {
    return retryOnConcurrentChange(async () => {
      const existing = await this.passes.findBySerialNumber(passTypeId, serialNumber);
      if (!existing) return null;
      if (existing.templateId !== command.templateId || existing.accountId !== command.accountId) {
        throw new DomainError(
          DomainErrorCode.SerialNumberTaken,
          `Serial number ${existing.serialNumber} belongs to a pass of another template.`,
          { serialNumber: existing.serialNumber },
        );
      }
      const template = await this.templates.findForAccount(command.accountId, command.templateId);
      if (!template) throw new DomainError(DomainErrorCode.TemplateNotFound, `No template ${command.templateId}.`);
      const now = this.clock.now();
      const before = existing.version;
      existing.update(template, command.content, now);
      if (command.redeemed === true) existing.redeem(now);
      if (command.redeemed === false) existing.unredeem(now);
      existing.markIssued(now);
      if (existing.version !== before) await this.passChanges.save(existing);
      return existing;
    });
  }
}
