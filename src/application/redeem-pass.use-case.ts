import { Injectable } from '@nestjs/common';
import { Pass } from '../domain/pass';
import { Clock } from '../domain/ports/clock';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { loadAccountPass } from './account-passes';
import { retryOnConcurrentChange } from './concurrent-change';
import { PassChanges } from './pass-changes';

@Injectable()
export class RedeemPass {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
    private readonly passChanges: PassChanges,
    private readonly clock: Clock,
  ) {}

  /** Marks the pass redeemed (`redeemed` true) or takes the redemption back (false). */
  async execute(accountId: number, passId: number, redeemed: boolean): Promise<Pass> {
    return retryOnConcurrentChange(async () => {
      const { pass } = await loadAccountPass(this.passes, this.templates, accountId, passId);
      const before = pass.version;
      if (redeemed) pass.redeem(this.clock.now());
      else pass.unredeem(this.clock.now());
      if (pass.version !== before) await this.passChanges.save(pass);
      return pass;
    });
  }
}
