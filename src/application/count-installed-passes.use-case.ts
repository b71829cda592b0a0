import { Injectable } from '@nestjs/common';
import type { PassTemplate } from '../domain/pass-template';
import { DeviceRegistrationRepository } from '../domain/ports/device-registration.repository';

/** How many passes of each template are installed on at least one device that follows their updates. */
@Injectable()
export class CountInstalledPasses {
  constructor(private readonly registrations: DeviceRegistrationRepository) {}

  /** For templates the caller already loaded for its account, by template id. */
  async ofLoaded(templates: readonly PassTemplate[]): Promise<Map<number, number>> {
    const counts = await Promise.all(
      templates.map(async (template) => [template.id, await this.registrations.countInstalledPasses(template.id)] as const),
    );
    return new Map(counts);
  }
}
