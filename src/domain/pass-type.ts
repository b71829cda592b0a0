import { DomainError, DomainErrorCode } from './errors';

/** Apple's pass type identifiers are reverse-DNS strings that start with `pass.`. */
const PASS_TYPE_IDENTIFIER = /^pass\.[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const TEAM_IDENTIFIER = /^[A-Z0-9]{10}$/;

export interface SigningMaterial {
  certificatePem: string;
  privateKeyPem: string;
  /** Passphrase of an encrypted private key, or null when the key is not encrypted. */
  privateKeyPassphrase: string | null;
  /** The issuing intermediate (Apple WWDR G4 in production, the development CA otherwise). */
  wwdrCertificatePem: string;
}

/**
 * A Pass Type ID with its signing material. `accountId` null marks the pass type configured from
 * `CERTS_DIR`: it signs for every account that has no default pass type of its own.
 */
export class PassType implements SigningMaterial {
  id!: number;
  accountId!: number | null;
  passTypeIdentifier!: string;
  teamIdentifier!: string;
  certificatePem!: string;
  privateKeyPem!: string;
  privateKeyPassphrase!: string | null;
  wwdrCertificatePem!: string;
  /** True when the chain does not lead to Apple: packages sign fine but no iPhone installs them. */
  development!: boolean;
  /**
   * Signs new templates that name no pass type: an account's own default for that account's
   * templates; the shared default (the one CERTS_DIR holds now) for accounts without their own.
   */
  isDefault!: boolean;
  certificateExpiresAt!: Date;
  createdAt!: Date;
  updatedAt!: Date;

  static create(
    props: {
      accountId: number | null;
      passTypeIdentifier: string;
      teamIdentifier: string;
      material: SigningMaterial;
      development: boolean;
      certificateExpiresAt: Date;
      isDefault: boolean;
    },
    now: Date,
  ): PassType {
    if (!PASS_TYPE_IDENTIFIER.test(props.passTypeIdentifier)) {
      throw new DomainError(
        DomainErrorCode.SigningMaterialInvalid,
        `"${props.passTypeIdentifier}" is not a pass type identifier (expected pass.<reverse-dns>).`,
      );
    }
    if (!TEAM_IDENTIFIER.test(props.teamIdentifier)) {
      throw new DomainError(
        DomainErrorCode.SigningMaterialInvalid,
        `"${props.teamIdentifier}" is not a team identifier (expected 10 upper-case letters or digits).`,
      );
    }
    const passType = new PassType();
    passType.accountId = props.accountId;
    passType.passTypeIdentifier = props.passTypeIdentifier;
    passType.teamIdentifier = props.teamIdentifier;
    passType.development = props.development;
    passType.isDefault = props.isDefault;
    passType.createdAt = now;
    passType.replaceMaterial(props.material, props.certificateExpiresAt, props.development, now);
    return passType;
  }

  replaceMaterial(material: SigningMaterial, certificateExpiresAt: Date, development: boolean, now: Date): void {
    this.certificatePem = material.certificatePem;
    this.privateKeyPem = material.privateKeyPem;
    this.privateKeyPassphrase = material.privateKeyPassphrase;
    this.wwdrCertificatePem = material.wwdrCertificatePem;
    this.certificateExpiresAt = certificateExpiresAt;
    this.development = development;
    // Strictly later than before: packages are cached by the pass type's updatedAt, and one signed
    // with the replaced material must not be served for the new one.
    const previous = (this.updatedAt as Date | undefined)?.getTime() ?? Number.NEGATIVE_INFINITY;
    this.updatedAt = new Date(Math.max(now.getTime(), previous + 1));
  }

  isUsableBy(accountId: number): boolean {
    return this.accountId === null || this.accountId === accountId;
  }
}
