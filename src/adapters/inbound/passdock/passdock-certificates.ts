import { Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImportPassType } from '../../../application/import-pass-type.use-case';
import { AppConfig } from '../../../config/app-config';
import { readPkcs12 } from '../../outbound/signing/pkcs12';

/**
 * Passdock's `certificate[data]`: the Pass Type ID certificate and its key as a base64 .p12
 * (reference §3.3). It becomes a pass type of the account, chained to the WWDR intermediate in
 * CERTS_DIR, as `passtype:import` does from the command line.
 */
@Injectable()
export class PassdockCertificates {
  constructor(
    private readonly importPassType: ImportPassType,
    private readonly config: AppConfig,
  ) {}

  /** The id of the pass type the certificate holds, imported for the account (or renewed, if it has it). */
  async passTypeIdOf(accountId: number, certificate: { p12: Buffer; password: string | null }): Promise<number> {
    const { certificatePem, privateKeyPem } = readPkcs12(certificate.p12, certificate.password);
    const wwdrCertificatePem = await readFile(join(this.config.certsDir, 'wwdr.pem'), 'utf8');
    const passType = await this.importPassType.execute({
      accountId,
      material: { certificatePem, privateKeyPem, privateKeyPassphrase: null, wwdrCertificatePem },
    });
    return passType.id;
  }
}
