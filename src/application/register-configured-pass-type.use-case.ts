import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode, isDomainError } from '../domain/errors';
import { PassType, SigningMaterial } from '../domain/pass-type';
import { CertificateReader, SigningIdentity } from '../domain/ports/certificate-reader';
import { Clock } from '../domain/ports/clock';
import { PassTypeRepository } from '../domain/ports/pass-type.repository';

/**
 * Records the pass type configured in CERTS_DIR as the shared default (no owning account), or
 * refreshes its material when the files changed since the last start. Idempotent, and safe when
 * several instances start together.
 */
@Injectable()
export class RegisterConfiguredPassType {
  constructor(
    private readonly passTypes: PassTypeRepository,
    private readonly certificates: CertificateReader,
    private readonly clock: Clock,
  ) {}

  async execute(material: SigningMaterial): Promise<PassType> {
    const identity = this.certificates.inspect(material);
    if (!identity.passTypeIdentifier || !identity.teamIdentifier) {
      throw new DomainError(
        DomainErrorCode.SigningMaterialInvalid,
        'The signer certificate in CERTS_DIR names no pass type identifier (UID) or team identifier (OU).',
      );
    }
    const now = this.clock.now();
    const named = { ...identity, passTypeIdentifier: identity.passTypeIdentifier, teamIdentifier: identity.teamIdentifier };
    const passType = await this.upsert(material, named, now);
    // Material moved out of CERTS_DIR keeps its row (its passes stay verifiable) but stops being the default.
    for (const other of await this.passTypes.listShared()) {
      if (other.id !== passType.id && other.isDefault) {
        other.isDefault = false;
        await this.passTypes.save(other);
      }
    }
    if (!passType.isDefault) {
      passType.isDefault = true;
      await this.passTypes.save(passType);
    }
    return passType;
  }

  private async upsert(
    material: SigningMaterial,
    identity: SigningIdentity & { passTypeIdentifier: string; teamIdentifier: string },
    now: Date,
  ): Promise<PassType> {
    const existing = await this.passTypes.findByIdentifier(identity.passTypeIdentifier);
    if (!existing) {
      try {
        return await this.passTypes.add(
          PassType.create(
            {
              accountId: null,
              passTypeIdentifier: identity.passTypeIdentifier,
              teamIdentifier: identity.teamIdentifier,
              material,
              development: identity.development,
              certificateExpiresAt: identity.expiresAt,
              isDefault: false,
            },
            now,
          ),
        );
      } catch (error) {
        // Another instance sharing the database registered it first: use theirs.
        if (!(isDomainError(error) && error.code === DomainErrorCode.PassTypeAlreadyExists)) throw error;
        return this.upsert(material, identity, now);
      }
    }
    if (existing.accountId !== null) {
      throw new DomainError(
        DomainErrorCode.PassTypeAlreadyExists,
        `Pass type ${identity.passTypeIdentifier} from CERTS_DIR is already imported for account ${existing.accountId}.`,
      );
    }
    const changed =
      existing.certificatePem !== material.certificatePem ||
      existing.privateKeyPem !== material.privateKeyPem ||
      existing.wwdrCertificatePem !== material.wwdrCertificatePem ||
      existing.privateKeyPassphrase !== material.privateKeyPassphrase;
    if (changed) {
      existing.replaceMaterial(material, identity.expiresAt, identity.development, now);
      await this.passTypes.save(existing);
    }
    return existing;
}
}
