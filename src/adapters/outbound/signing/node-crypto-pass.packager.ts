import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { PackageInput, PassPackager } from '../../../domain/ports/pass-packager';
import { assemblePkpass, ManifestSignerCache, pkpassAssemblyOf } from './pkpass-assembly';

/**
 * Builds `.pkpass` files with node:crypto instead of node-forge, on the calling thread: the same
 * pass.json and file set as the reference packager (passkit-generator's schemas validate every
 * pass.json it signs), SHA-1 hashes in manifest.json from OpenSSL, a detached CMS signature made
 * with pkijs structures and an RSA signature computed off the event loop, and a zip of stored
 * entries (fflate). That costs about a fiftieth of the CPU node-forge (stock passkit-generator)
 * spends on a pass, and only about half of it is on the event loop, where node-forge's whole build
 * blocks it (`npm run bench -- --only packager` prints both). WorkerThreadPassPackager runs the
 * same build on a worker thread.
 * @see https://developer.apple.com/documentation/walletpasses/building-a-pass
 */
@Injectable()
export class NodeCryptoPassPackager extends PassPackager {
  private readonly signers = new ManifestSignerCache();

  constructor(private readonly config: AppConfig) {
    super();
  }

  async package(input: PackageInput): Promise<Buffer> {
    return assemblePkpass(pkpassAssemblyOf(input, this.config.webServiceUrl), this.signers.signerFor(input.passType.id, input.passType));
  }
}
