import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { PackageInput, PassPackager } from '../../../domain/ports/pass-packager';
import { assemblePkpass, ManifestSignerCache, pkpassAssemblyOf } from './pkpass-assembly';

/**
 * Builds `.pkpass` files with node:crypto instead of node-forge, on the calling thread: the same
 * pass.json and file set as the reference packager (passkit-generator's schemas validate every
 * pass.json it signs), SHA-1 hashes in manifest.json from OpenSSL, a detached CMS signature made
 * with pkijs structures and an RSA signature computed off the event loop, and a zip of stored
 * entries (fflate). About 0.8 ms of CPU per pass, 0.4 ms of it on the event loop (a fifth of that
 * is the schema check), where node-forge takes about 33 ms, all of it blocking the event loop
 * (`npm run bench`, Intel Xeon). WorkerThreadPassPackager runs the same build on a worker thread.
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
