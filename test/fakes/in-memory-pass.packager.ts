import { createHash } from 'node:crypto';
import { assemblePkpass, pkpassAssemblyOf } from '../../src/adapters/outbound/signing/pkpass-assembly';
import { DomainError, DomainErrorCode } from '../../src/domain/errors';
import type { PassType } from '../../src/domain/pass-type';
import { PackageInput, PackageVersion, packageVersionOf, PassPackager } from '../../src/domain/ports/pass-packager';

const PRIVATE_KEY_PEM = /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/;
const ENCRYPTED_PRIVATE_KEY_PEM = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/;
const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----/;

/**
 * A `.pkpass` without the cryptography: the real packagers' pass.json (passkit-generator's schema
 * check included, so the same passes are PASS_INVALID), files and manifest, zipped with the pass
 * version's time, and in place of the CMS signature a marker naming the pass type and the
 * manifest's digest (signatureOf).
 *
 * Like the real packagers it refuses signing material that is not PEM, or an encrypted key without
 * a passphrase, as SIGNING_MATERIAL_INVALID; a wrong passphrase it cannot tell without opening the
 * key. It keeps every package it built by version and answers findBuilt with it, as the package
 * cache the application puts in front of its packager does.
 */
export class InMemoryPassPackager extends PassPackager {
  /** The version of every package built, in order. */
  readonly built: PackageVersion[] = [];
  /** Every version findBuilt was asked for, in order. */
  readonly lookedUp: PackageVersion[] = [];
  private readonly packages = new Map<string, Buffer>();

  constructor(private readonly webServiceUrl: string) {
    super();
  }

  static signatureOf(passTypeIdentifier: string, manifest: Uint8Array): Buffer {
    return Buffer.from(`unsigned, for ${passTypeIdentifier}: manifest.json sha256 ${createHash('sha256').update(manifest).digest('hex')}`, 'utf8');
  }

  async package(input: PackageInput): Promise<Buffer> {
    assertUsableMaterial(input.passType);
    const unsigned = { sign: async (manifest: Uint8Array) => InMemoryPassPackager.signatureOf(input.passType.passTypeIdentifier, manifest) };
    const bytes = await assemblePkpass(pkpassAssemblyOf(input, this.webServiceUrl), unsigned);
    const version = packageVersionOf(input);
    this.built.push(version);
    this.packages.set(JSON.stringify(version), bytes);
    return bytes;
  }

  override async findBuilt(version: PackageVersion): Promise<Buffer | null> {
    this.lookedUp.push(version);
    return this.packages.get(JSON.stringify(version)) ?? null;
  }
}

/** The real packagers' checks, in their order and wording, as far as they go without parsing. */
function assertUsableMaterial(passType: PassType): void {
  const invalid = (what: string, reason: string) => new DomainError(DomainErrorCode.SigningMaterialInvalid, `${what}: ${reason}.`);
  if (!PRIVATE_KEY_PEM.test(passType.privateKeyPem)) {
    throw invalid('The signer private key cannot be opened', 'it is not a PEM private key');
  }
  if (ENCRYPTED_PRIVATE_KEY_PEM.test(passType.privateKeyPem) && !passType.privateKeyPassphrase) {
    throw invalid('The signer private key cannot be opened', 'the private key is encrypted and no passphrase was given');
  }
  if (!CERTIFICATE_PEM.test(passType.certificatePem)) throw invalid('The signer certificate cannot be read', 'it is not a PEM certificate');
  if (!CERTIFICATE_PEM.test(passType.wwdrCertificatePem)) throw invalid('The WWDR certificate cannot be read', 'it is not a PEM certificate');
}
