import type { PassTemplateRepository } from '../../src/domain/ports/pass-template.repository';
import type { PassTypeRepository } from '../../src/domain/ports/pass-type.repository';
import type { PassRepository } from '../../src/domain/ports/pass.repository';
import { packageVersionOf } from '../../src/domain/ports/pass-packager';
import { WalletPassIndex } from '../../src/domain/ports/wallet-pass-index';
import { WalletPassEntry } from '../../src/domain/wallet-pass-entry';

/** The index over the in-memory repositories: what they hold now, looked up through their ports. */
export class InMemoryWalletPassIndex extends WalletPassIndex {
  constructor(
    private readonly passTypes: PassTypeRepository,
    private readonly passes: PassRepository,
    private readonly templates: PassTemplateRepository,
  ) {
    super();
  }

  async find(passTypeIdentifier: string, serialNumber: string): Promise<WalletPassEntry | null> {
    const passType = await this.passTypes.findByIdentifier(passTypeIdentifier);
    const pass = passType ? await this.passes.findForWallet(passType.id, serialNumber) : null;
    const template = pass ? await this.templates.findById(pass.templateId) : null;
    if (!passType || !pass || !template) return null;
    return new WalletPassEntry(pass.authenticationToken, pass.lastModified, packageVersionOf({ pass, template, passType }));
  }
}
