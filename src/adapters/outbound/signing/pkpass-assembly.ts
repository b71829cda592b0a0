import { createHash } from 'node:crypto';
import type { SigningMaterial } from '../../../domain/pass-type';
import type { PackageInput } from '../../../domain/ports/pass-packager';
import { CmsManifestSigner, RsaSigning } from './cms-signature';
import { buildPackageFiles, buildPassJson } from './pass-json';
import { zipStored } from './pkpass-zip';
import { packageEntries, signablePassJson } from './signable-pass-json';

/**
 * What a package is made of, as plain data: the pass.json object before passkit-generator's schema
 * check, the other files, and the pass version's time. Everything a package build needs from the
 * domain's classes is read out here, so that the build itself (schema check, manifest, signature,
 * zip) can run where those classes are not, on a worker thread (structured clone keeps plain
 * objects, Uint8Arrays and Dates).
 */
export interface PkpassAssembly {
  serialNumber: string;
  passJson: object;
  files: Record<string, Uint8Array>;
  /**
   * The hex SHA-1 of those of `files` whose digest the sender already knows: a template's images,
   * hashed once rather than for every pass (WorkerThreadPassPackager's shared copies).
   */
  knownSha1?: ReadonlyMap<string, string>;
  modifiedAt: Date;
}

export function pkpassAssemblyOf(input: PackageInput, webServiceUrl: string): PkpassAssembly {
  return {
    serialNumber: input.pass.serialNumber,
    passJson: buildPassJson(input, webServiceUrl),
    files: buildPackageFiles(input),
    modifiedAt: input.pass.updatedAt,
  };
}

/**
 * The signed `.pkpass`: pass.json checked and laid out as the reference packager writes it, every
 * file's SHA-1 in manifest.json (Apple's manifest: hex, keyed by the file's path in the package),
 * the manifest's detached CMS signature, and the zip of stored entries.
 * @see https://developer.apple.com/documentation/walletpasses/building-a-pass
 */
export async function assemblePkpass(assembly: PkpassAssembly, signer: Pick<CmsManifestSigner, 'sign'>): Promise<Buffer> {
  const passJson = signablePassJson(assembly.passJson, assembly.serialNumber);
  const entries = packageEntries(assembly.files, passJson);
  const manifest: Record<string, string> = {};
  for (const [name, bytes] of entries) manifest[name] = assembly.knownSha1?.get(name) ?? sha1Hex(bytes);
  const manifestJson = Buffer.from(JSON.stringify(manifest), 'utf8');
  const signature = await signer.sign(manifestJson, new Date());
  return zipStored([...entries, ['manifest.json', manifestJson], ['signature', signature]], assembly.modifiedAt);
}

export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/**
 * Pass type id → its signer, certificates and key parsed once. Keyed also by a fingerprint of the
 * material itself, so a pass type whose certificate, key or WWDR was replaced is parsed again
 * whatever its timestamps say.
 */
export class ManifestSignerCache {
  private readonly signers = new Map<number, { fingerprint: string; signer: CmsManifestSigner }>();

  constructor(private readonly rsaSigning: RsaSigning = 'thread-pool') {}

  signerFor(passTypeId: number, material: SigningMaterial): CmsManifestSigner {
    const fingerprint = materialFingerprint(material);
    const cached = this.signers.get(passTypeId);
    if (cached && cached.fingerprint === fingerprint) return cached.signer;
    const signer = CmsManifestSigner.fromMaterial(material, this.rsaSigning);
    this.signers.set(passTypeId, { fingerprint, signer });
    return signer;
  }
}

/** SHA-256 over the PEM texts and passphrase: microseconds, against milliseconds to parse them again. */
function materialFingerprint(material: SigningMaterial): string {
  const hash = createHash('sha256');
  for (const part of [material.certificatePem, material.wwdrCertificatePem, material.privateKeyPem, material.privateKeyPassphrase ?? '']) {
    hash.update(part).update('\u0000');
  }
  return hash.digest('hex');
}
