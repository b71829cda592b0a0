import { Injectable } from '@nestjs/common';
import { Clock } from '../domain/ports/clock';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { retryOnConcurrentChange } from './concurrent-change';
import { loadPassData } from './pass-data';

/**
 * Skycore's deletePassData: the handle stops working. Data never issued goes away; an issued pass
 * stays valid for the devices holding it ("already delivered passes are untouched").
 */
@Injectable()
export class DeletePassData {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
    private readonly clock: Clock,
  ) {}

  async execute(accountId: number, passDataId: string): Promise<void> {
    await retryOnConcurrentChange(async () => {
      const { pass } = await loadPassData(this.passes, this.templates, accountId, passDataId);
      if (!pass.isIssued()) {
        await this.passes.remove(pass);
        return;
      }
      pass.deletePassData(this.clock.now());
      await this.passes.save(pass);
    });
  }
}
