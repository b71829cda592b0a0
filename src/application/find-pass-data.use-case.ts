import { Injectable } from '@nestjs/common';
import type { Pass } from '../domain/pass';
import type { PassTemplate } from '../domain/pass-template';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { loadPassData } from './pass-data';

@Injectable()
export class FindPassData {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
  ) {}

  /** The pass behind an account's pass data handle, issued or not, with its template. */
  async execute(accountId: number, passDataId: string): Promise<{ pass: Pass; template: PassTemplate }> {
    return loadPassData(this.passes, this.templates, accountId, passDataId);
  }
}
