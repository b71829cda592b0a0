import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { Pass } from '../domain/pass';
import { PassPackager } from '../domain/ports/pass-packager';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { PassTypeRepository } from '../domain/ports/pass-type.repository';
import { loadAccountPass } from './account-passes';

export interface PassPackage {
  pass: Pass;
  /** The signed `.pkpass` bytes. */
  bytes: Buffer;
}

@Injectable()
export class BuildPassPackage {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
    private readonly passTypes: PassTypeRepository,
    private readonly packager: PassPackager,
  ) {}

  async execute(accountId: number, passId: number): Promise<PassPackage> {
    const { pass, template } = await loadAccountPass(this.passes, this.templates, accountId, passId);
    // Stored data has no package until it is issued (Skycore's generatePassById).
    if (!pass.isIssued()) throw new DomainError(DomainErrorCode.PassNotFound, `No pass ${passId}.`);
    const passType = await this.passTypes.findById(pass.passTypeId);
    if (!passType) throw new DomainError(DomainErrorCode.PassTypeNotFound, `No pass type ${pass.passTypeId}.`);
    return { pass, bytes: await this.packager.package({ pass, template, passType }) };
  }
}
