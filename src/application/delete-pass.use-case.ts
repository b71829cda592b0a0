import { Injectable } from '@nestjs/common';
import { Clock } from '../domain/ports/clock';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { loadAccountPass } from './account-passes';
import { retryOnConcurrentChange } from './concurrent-change';
import { PassChanges } from './pass-changes';

/**
 * Deletes a pass for its account. Devices that installed it are told: they get a last, void version
 * without web service keys, and Wallet stops asking for it (Pass.delete).
 */
@Injectable()
export class DeletePass {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
    private readonly passChanges: PassChanges,
    private readonly clock: Clock,
  ) {}

  async execute(accountId: number, passId: number): Promise<void> {
    await retryOnConcurrentChange(async () => {
      const { pass } = await loadAccountPass(this.passes, this.templates, accountId, passId);
      pass.delete(this.clock.now());
      await this.passChanges.save(pass);
    });
  }
}
