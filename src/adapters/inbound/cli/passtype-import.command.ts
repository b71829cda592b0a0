import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, CommandRunner, Option } from 'nest-commander';
import { ImportPassType } from '../../../application/import-pass-type.use-case';
import { AppConfig } from '../../../config/app-config';
import { readPkcs12 } from '../../outbound/signing/pkcs12';
import { failCommand, parsePositiveInteger, printJsonLine } from './cli-output';

interface PassTypeImportOptions {
  account?: string;
  p12?: string;
  password?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  wwdr?: string;
  passTypeId?: string;
  teamId?: string;
  default?: boolean;
}

@Command({
  name: 'passtype:import',
  description:
    'Add a Pass Type ID certificate and key (a .p12, or PEM files) to an account; prints the pass type as one JSON line',
})
export class PassTypeImportCommand extends CommandRunner {
  constructor(
    private readonly importPassType: ImportPassType,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async run(_args: string[], options: PassTypeImportOptions): Promise<void> {
    try {
      if (options.account === undefined) throw new Error('--account <id> is required.');
      const accountId = parsePositiveInteger(options.account, '--account');
      const { certificatePem, privateKeyPem, privateKeyPassphrase } = await this.readSignerMaterial(options);
      const wwdrPath = options.wwdr ?? join(this.config.certsDir, 'wwdr.pem');
      const wwdrCertificatePem = await readFile(wwdrPath, 'utf8').catch(() => {
        throw new Error(`Cannot read the WWDR certificate ${wwdrPath}; give it with --wwdr <pem> (see certs/README.md).`);
      });
      const passType = await this.importPassType.execute({
        accountId,
        material: { certificatePem, privateKeyPem, privateKeyPassphrase, wwdrCertificatePem },
        passTypeIdentifier: options.passTypeId,
        teamIdentifier: options.teamId,
        makeDefault: options.default === true,
      });
      printJsonLine({
        id: passType.id,
        accountId: passType.accountId,
        passTypeIdentifier: passType.passTypeIdentifier,
        teamIdentifier: passType.teamIdentifier,
        isDefault: passType.isDefault,
        development: passType.development,
        certificateExpiresAt: passType.certificateExpiresAt.toISOString(),
      });
    } catch (error) {
      failCommand(error);
    }
  }

  private async readSignerMaterial(
    options: PassTypeImportOptions,
  ): Promise<{ certificatePem: string; privateKeyPem: string; privateKeyPassphrase: string | null }> {
    const readOrExplain = (path: string, what: string) =>
      readFile(path).catch(() => {
        throw new Error(`Cannot read ${what} ${path}.`);
      });
    if (options.p12 !== undefined) {
      if (options.cert !== undefined || options.key !== undefined) throw new Error('Give either --p12 or --cert/--key.');
      const pkcs12 = readPkcs12(await readOrExplain(options.p12, 'the .p12 file'), options.password ?? null);
      return { ...pkcs12, privateKeyPassphrase: null };
    }
    if (options.cert === undefined || options.key === undefined) {
      throw new Error('Give the signing material as --p12 <file> [--password <pw>] or --cert <pem> --key <pem>.');
    }
    return {
      certificatePem: (await readOrExplain(options.cert, 'the certificate')).toString('utf8'),
      privateKeyPem: (await readOrExplain(options.key, 'the private key')).toString('utf8'),
      privateKeyPassphrase: options.passphrase ?? null,
    };
  }

  @Option({ flags: '--account <id>', description: 'id of the account the pass type belongs to', required: true })
  parseAccount(value: string): string {
    return value;
  }

  @Option({ flags: '--p12 <file>', description: 'PKCS#12 file with the Pass Type ID certificate and its key' })
  parseP12(value: string): string {
    return value;
  }

  @Option({ flags: '--password <password>', description: 'password of the .p12 file' })
  parsePassword(value: string): string {
    return value;
  }

  @Option({ flags: '--cert <pem>', description: 'Pass Type ID certificate (PEM)' })
  parseCert(value: string): string {
    return value;
  }

  @Option({ flags: '--key <pem>', description: 'its private key (PEM, may be encrypted)' })
  parseKey(value: string): string {
    return value;
  }

  @Option({ flags: '--passphrase <passphrase>', description: 'passphrase of an encrypted PEM key' })
  parsePassphrase(value: string): string {
    return value;
  }

  @Option({ flags: '--wwdr <pem>', description: 'Apple WWDR intermediate (PEM); default CERTS_DIR/wwdr.pem' })
  parseWwdr(value: string): string {
    return value;
  }

  @Option({ flags: '--pass-type-id <identifier>', description: 'pass type identifier, when the certificate has no UID' })
  parsePassTypeId(value: string): string {
    return value;
  }

  @Option({ flags: '--team-id <identifier>', description: 'team identifier, when the certificate has no OU' })
  parseTeamId(value: string): string {
    return value;
  }

  @Option({ flags: '--default', description: "make it the account's default pass type" })
  parseDefault(): boolean {
    return true;
  }
}
