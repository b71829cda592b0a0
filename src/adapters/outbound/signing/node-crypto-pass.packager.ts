import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import type { PassType } from '../../../domain/pass-type';
import { PackageInput, PassPackager } from '../../../domain/ports/pass-packager';
import { CmsManifestSigner } from './cms-signature';
import { packageEntries, signablePassJson } from './signable-pass-json';
import { zipStored } from './pkpass-zip';

/**
 * Builds `.pkpass` files with node:crypto instead of node-forge: the same pass.json and file set as
 * the reference packager (passkit-generator's schemas validate every pass.json it signs), SHA-1
 * hashes in manifest.json from OpenSSL, a detached CMS signature made with pkijs structures and an
 * RSA signature computed off the event loop, and a zip of stored entries (fflate). About 1.2 ms of
 * CPU per pass, 0.8 ms of it on the event loop (a third of that is the schema check), where
 * node-forge takes about 60 ms, all of it blocking the event loop (`npm run bench`): no worker
 * threads needed.
 * @see https://developer.apple.com/documentation/walletpasses/building-a-pass
 */
@Injectable()
export class NodeCryptoPassPackager extends PassPackager {
  /**
   * Pass type id → its signer, parsed once. Keyed also by a fingerprint of the material itself, so
   * a pass type whose certificate, key or WWDR was replaced is parsed again whatever its timestamps say.
   */
  private readonly signers = new Map<number, { fingerprint: string; signer: CmsManifestSigner }>();

  constructor(private readonly config: AppConfig) {
    super();
  }

  async package(input: PackageInput): Promise<Buffer> {
    const passJson = signablePassJson(input, this.config.webServiceUrl);
    const signer = this.signerFor(input.passType);
    const entries = packageEntries(input, passJson);
    // Apple's manifest: every file's SHA-1 in hex, keyed by its path in the package.
    const manifest: Record<string, string> = {};
    for (const [name, bytes] of entries) manifest[name] = createHash('sha1').update(bytes).digest('hex');
    const manifestJson = Buffer.from(JSON.stringify(manifest), 'utf8');
    const signature = await signer.sign(manifestJson, new Date());
    return zipStored([...entries, ['manifest.json', manifestJson], ['signature', signature]], input.pass.updatedAt);
  }

  private signerFor(passType: PassType): CmsManifestSigner {
    const fingerprint = materialFingerprint(passType);
    const cached = this.signers.get(passType.id);
    if (cached && cached.fingerprint === fingerprint) return cached.signer;
    const signer = CmsManifestSigner.fromMaterial(passType);
    this.signers.set(passType.id, { fingerprint, signer });
    return signer;
  }
}

/** SHA-256 over the PEM texts and passphrase: microseconds, against milliseconds to parse them again. */
function materialFingerprint(passType: PassType): string {
  const hash = createHash('sha256');
  for (const part of [passType.certificatePem, passType.wwdrCertificatePem, passType.privateKeyPem, passType.privateKeyPassphrase ?? '']) {
    hash.update(part).update('\u0000');
  }
  return hash.digest('hex');
}
