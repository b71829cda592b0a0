import { Injectable } from '@nestjs/common';
import type { Pass } from '../domain/pass';
import { Clock } from '../domain/ports/clock';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { retryOnConcurrentChange } from './concurrent-change';
import { loadPassData } from './pass-data';

/** Skycore's generatePassById: issues stored data; for an issued pass it returns the same pass again. */
@Injectable()
export class IssuePreparedPass {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
    private readonly clock: Clock,
  ) {}

  async execute(accountId: number, passDataId: string): Promise<Pass> {
    return retryOnConcurrentChange(async () => {
      const { pass } = await loadPassData(this.passes, this.templates, accountId, passDataId);
      if (pass.isIssued()) return pass;
      pass.markIssued(this.clock.now());
      await this.passes.save(pass);
      return pass;
    });
  }
}
