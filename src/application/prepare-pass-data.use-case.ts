import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode, isDomainError } from '../domain/errors';
import { generateSerialNumber, Pass, PassContent } from '../domain/pass';
import { Clock } from '../domain/ports/clock';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import type { Recipient } from '../domain/recipient';

export interface PreparePassDataCommand {
  accountId: number;
  templateId: number;
  content: PassContent;
  recipient: Recipient | null;
}

const SERIAL_ATTEMPTS = 3;

/**
 * Stores a pass's data before it is issued (Skycore's addPassData): the pass gets its serial number,
 * tokens and `passDataId` now, and its links once IssuePreparedPass issues it.
 */
@Injectable()
export class PreparePassData {
  constructor(
    private readonly templates: PassTemplateRepository,
    private readonly passes: PassRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: PreparePassDataCommand): Promise<Pass> {
    const template = await this.templates.findForAccount(command.accountId, command.templateId);
    if (!template) throw new DomainError(DomainErrorCode.TemplateNotFound, `No template ${command.templateId}.`);
    for (let attempt = 1; ; attempt += 1) {
      const pass = Pass.prepare(template, generateSerialNumber(), command.content, this.clock.now(), command.recipient);
      try {
        return await this.passes.add(pass);
      } catch (error) {
        // 80 random bits collide only by astronomic chance, or because a client chose the same serial.
        const taken = isDomainError(error) && error.code === DomainErrorCode.SerialNumberTaken;
        if (!taken || attempt >= SERIAL_ATTEMPTS) throw error;
      }
    }
  }
}
