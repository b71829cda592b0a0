import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { PassType, SigningMaterial } from '../domain/pass-type';
import { AccountRepository } from '../domain/ports/account.repository';
import { CertificateReader, SigningIdentity } from '../domain/ports/certificate-reader';
import { Clock } from '../domain/ports/clock';
import { PassTypeRepository } from '../domain/ports/pass-type.repository';
import { UnitOfWork } from '../domain/ports/unit-of-work';

export interface ImportPassTypeCommand {
  accountId: number;
  material: SigningMaterial;
  /** For certificates that do not carry them in UID / OU; must agree with a certificate that does. */
  passTypeIdentifier?: string;
  teamIdentifier?: string;
  /** Sign the account's new templates with this pass type when they name none. */
  makeDefault?: boolean;
}

/** Adds a pass type to an account, or renews the material of one the account already owns. */
@Injectable()
export class ImportPassType {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly passTypes: PassTypeRepository,
    private readonly certificates: CertificateReader,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(command: ImportPassTypeCommand): Promise<PassType> {
    if (!(await this.accounts.findById(command.accountId))) {
      throw new DomainError(DomainErrorCode.AccountNotFound, `No account ${command.accountId}.`);
    }
    const identity = this.certificates.inspect(command.material);
    // Wallet refuses a pass whose identifiers differ from its certificate's: what the certificate
    // says wins, and an override may only fill in what it does not say.
    const passTypeIdentifier = fillIn(identity.passTypeIdentifier, command.passTypeIdentifier, 'pass type identifier');
    const teamIdentifier = fillIn(identity.teamIdentifier, command.teamIdentifier, 'team identifier');
    if (!passTypeIdentifier || !teamIdentifier) {
      throw new DomainError(
        DomainErrorCode.SigningMaterialInvalid,
        'The certificate names no pass type identifier (UID) or team identifier (OU); give them explicitly.',
      );
    }
    const now = this.clock.now();
    // The old default loses its mark only if the new one is stored.
    return this.unitOfWork.atomically(() =>
      this.store(command, { ...identity, passTypeIdentifier, teamIdentifier }, now),
    );
  }

  private async store(
    command: ImportPassTypeCommand,
    identity: SigningIdentity & { passTypeIdentifier: string; teamIdentifier: string },
    now: Date,
  ): Promise<PassType> {
    const { passTypeIdentifier, teamIdentifier } = identity;
    const existing = await this.passTypes.findByIdentifier(passTypeIdentifier);
    if (existing) {
      if (existing.accountId !== command.accountId) {
        throw new DomainError(
          DomainErrorCode.PassTypeAlreadyExists,
          `Pass type ${passTypeIdentifier} is already registered.`,
        );
      }
      existing.replaceMaterial(command.material, identity.expiresAt, identity.development, now);
      if (command.makeDefault) await this.makeOnlyDefault(existing);
      await this.passTypes.save(existing);
      return existing;
    }
    const ownedAlready = (await this.passTypes.listUsableBy(command.accountId)).some(
      (passType) => passType.accountId === command.accountId,
    );
    const passType = PassType.create(
      {
        accountId: command.accountId,
        passTypeIdentifier,
        teamIdentifier,
        material: command.material,
        development: identity.development,
        certificateExpiresAt: identity.expiresAt,
        isDefault: false,
      },
      now,
    );
    if (command.makeDefault || !ownedAlready) await this.makeOnlyDefault(passType);
    return this.passTypes.add(passType);
  }

  private async makeOnlyDefault(passType: PassType): Promise<void> {
    for (const other of await this.passTypes.listUsableBy(passType.accountId!)) {
      if (other.id !== passType.id && other.accountId === passType.accountId && other.isDefault) {
        other.isDefault = false;
        await this.passTypes.save(other);
      }
    }
    passType.isDefault = true;
  }
}

function fillIn(fromCertificate: string | null, given: string | undefined, what: string): string | null {
  if (fromCertificate !== null && given !== undefined && given !== fromCertificate) {
    throw new DomainError(
      DomainErrorCode.SigningMaterialInvalid,
      `The certificate's ${what} is ${fromCertificate}, not ${given}.`,
    );
  }
  return fromCertificate ?? given ?? null;
}
