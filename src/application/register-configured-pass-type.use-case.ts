import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { PassType, SigningMaterial } from '../domain/pass-type';
import { CertificateReader } from '../domain/ports/certificate-reader';
import { Clock } from '../domain/ports/clock';
import { PassTypeRepository } from '../domain/ports/pass-type.repository';

/**
 * Records the pass type configured in CERTS_DIR as the shared default (no owning account), or
 * refreshes its material when the files changed since the last start.
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
    const existing = await this.passTypes.findByIdentifier(identity.passTypeIdentifier);
    if (existing) {
      if (existing.accountId !== null) {
        throw new DomainError(
          DomainErrorCode.PassTypeAlreadyExists,
          `Pass type ${identity.passTypeIdentifier} from CERTS_DIR is already imported for account ${existing.accountId}.`,
        );
      }
      if (existing.certificatePem !== material.certificatePem || existing.privateKeyPem !== material.privateKeyPem
        || existing.wwdrCertificatePem !== material.wwdrCertificatePem
        || existing.privateKeyPassphrase !== material.privateKeyPassphrase) {
        existing.replaceMaterial(material, identity.expiresAt, identity.development, now);
        await this.passTypes.save(existing);
      }
      return existing;
    }
    return this.passTypes.add(
      PassType.create(
        {
          accountId: null,
          passTypeIdentifier: identity.passTypeIdentifier,
          teamIdentifier: identity.teamIdentifier,
          material,
          development: identity.development,
          certificateExpiresAt: identity.expiresAt,
          isAccountDefault: false,
        },
        now,
      ),
    );
  }
}
