import { Injectable } from '@nestjs/common';
import { Pass, PassContent } from '../domain/pass';
import { Clock } from '../domain/ports/clock';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { loadAccountPass } from './account-passes';
import { retryOnConcurrentChange } from './concurrent-change';
import { PassChanges } from './pass-changes';

@Injectable()
export class UpdatePass {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
    private readonly passChanges: PassChanges,
    private readonly clock: Clock,
  ) {}

  /**
   * Changes the pass's values and advances its version; `redeemed` true redeems it in the same
   * change, false takes a redemption back.
   */
  async execute(accountId: number, passId: number, content: PassContent, redeemed?: boolean): Promise<Pass> {
    return retryOnConcurrentChange(async () => {
      const { pass, template } = await loadAccountPass(this.passes, this.templates, accountId, passId);
      const now = this.clock.now();
      const before = pass.version;
      pass.update(template, content, now);
      if (redeemed === true) pass.redeem(now);
      if (redeemed === false) pass.unredeem(now);
      if (pass.version !== before) await this.passChanges.save(pass);
      return pass;
    });
  }
}
