import { Injectable } from '@nestjs/common';
import type { DeviceRegistration } from '../domain/device-registration';
import type { Pass } from '../domain/pass';
import { DeviceRegistrationRepository } from '../domain/ports/device-registration.repository';
import { PassTemplateRepository } from '../domain/ports/pass-template.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { loadAccountPass } from './account-passes';

/** The devices that installed an account's passes and follow their updates. */
@Injectable()
export class ListPassDevices {
  constructor(
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
    private readonly registrations: DeviceRegistrationRepository,
  ) {}

  async execute(accountId: number, passId: number): Promise<DeviceRegistration[]> {
    const { pass } = await loadAccountPass(this.passes, this.templates, accountId, passId);
    return this.registrations.listForPass(pass.id);
  }

  /** The registrations of passes the caller already loaded for its account, by pass id. */
  async ofLoaded(passes: readonly Pass[]): Promise<Map<number, DeviceRegistration[]>> {
    const entries = await Promise.all(
      passes.map(async (pass) => [pass.id, await this.registrations.listForPass(pass.id)] as const),
    );
    return new Map(entries);
  }
}
