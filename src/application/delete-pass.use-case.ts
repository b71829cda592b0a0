import { Injectable } from '@nestjs/common';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { loadAccountPass } from './account-passes';

@Injectable()
export class DeletePass {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
  ) {}

  async execute(accountId: number, passId: number): Promise<void> {
    const { pass } = await loadAccountPass(this.passes, this.templates, accountId, passId);
    await this.passes.remove(pass);
  }
}
