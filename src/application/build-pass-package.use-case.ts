import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { Pass } from '../domain/pass';
import type { PassTemplate } from '../domain/pass-template';
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
    return this.forLoaded(await loadAccountPass(this.passes, this.templates, accountId, passId));
  }

  /**
   * The package of a pass its caller already loaded for its account or opened by its web token
   * (GetPass, OpenPublicPass), so a download reads the pass and its template once, not twice.
   */
  async forLoaded({ pass, template }: { pass: Pass; template: PassTemplate }): Promise<PassPackage> {
    // Stored data has no package until it is issued (Skycore's generatePassById).
    if (!pass.isIssued()) throw new DomainError(DomainErrorCode.PassNotFound, `No pass ${pass.id}.`);
    const passType = await this.passTypes.findById(pass.passTypeId);
    if (!passType) throw new DomainError(DomainErrorCode.PassTypeNotFound, `No pass type ${pass.passTypeId}.`);
    return { pass, bytes: await this.packager.package({ pass, template, passType }) };
  }
}
