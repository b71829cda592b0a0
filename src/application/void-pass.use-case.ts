import { Injectable } from '@nestjs/common';
import { Pass } from '../domain/pass';
import { Clock } from '../domain/ports/clock';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { loadAccountPass } from './account-passes';
import { retryOnConcurrentChange } from './concurrent-change';
import { PassChanges } from './pass-changes';

@Injectable()
export class VoidPass {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
    private readonly passChanges: PassChanges,
    private readonly clock: Clock,
  ) {}

  async execute(accountId: number, passId: number): Promise<Pass> {
    return retryOnConcurrentChange(async () => {
      const { pass } = await loadAccountPass(this.passes, this.templates, accountId, passId);
      if (!pass.voided) {
        pass.void(this.clock.now());
        await this.passChanges.save(pass);
      }
      return pass;
    });
  }
}
