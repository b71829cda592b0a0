import { Injectable } from '@nestjs/common';
import forge from 'node-forge';
import { PKPass } from 'passkit-generator';
import { AppConfig } from '../../../config/app-config';
import { DomainError, DomainErrorCode, isDomainError } from '../../../domain/errors';
import type { PassType, SigningMaterial } from '../../../domain/pass-type';
import { PackageInput, PassPackager } from '../../../domain/ports/pass-packager';
import { buildPassJson, escapedTranslations, packageImages, PassJson, personalizationJson } from './pass-json';
import { validatePassJson } from './passkit-schemas';
import { openPrivateKey } from './private-key';
import { passJsonInvalid, signingMaterialInvalid } from './signing-errors';

/** What PKPass takes as certificates, with the key already opened. */
export interface PreparedCertificates {
  wwdr: string;
  signerCert: string;
  signerKey: string;
}

/**
 * Builds `.pkpass` files with passkit-generator: it writes manifest.json (SHA-1 of every file) and a
 * detached PKCS#7 signature made with node-forge that carries the signer and WWDR certificates and
 * the signingTime attribute Wallet requires.
 * @see https://developer.apple.com/documentation/walletpasses/building-a-pass
 */
@Injectable()
export class PasskitGeneratorPassPackager extends PassPackager {
  /** Pass type id → signing material opened for its current version (`updatedAt`). */
  private readonly prepared = new Map<number, { updatedAt: number; certificates: PreparedCertificates }>();

  constructor(private readonly config: AppConfig) {
    super();
  }

  async package(input: PackageInput): Promise<Buffer> {
    const passJson = buildPassJson(input, this.config.webServiceUrl);
    assertValid(passJson, input.pass.serialNumber);
    const certificates = this.certificatesFor(input.passType);
    const buffers: Record<string, Buffer> = {
      'pass.json': Buffer.from(JSON.stringify(passJson), 'utf8'),
      ...packageImages(input),
    };
    // PKPass keeps personalization.json only next to `nfc` and a personalizationLogo@XX.png,
    // which the template guarantees whenever the pass offers enrollment.
    const personalization = personalizationJson(input);
    if (personalization !== null) buffers['personalization.json'] = personalization;
    try {
      const pkpass = new PKPass(buffers, certificates);
      for (const [language, translations] of Object.entries(input.template.localizations)) {
        // PKPass writes `"key" = "value";` verbatim, so keys and values go in already escaped.
        if (Object.keys(translations).length > 0) pkpass.localize(language, escapedTranslations(translations));
      }
      return pkpass.getAsBuffer();
    } catch (error) {
      if (isDomainError(error)) throw error;
      throw new DomainError(
        DomainErrorCode.PassInvalid,
        `Pass ${input.pass.serialNumber} could not be packaged: ${(error as Error).message}`,
      );
    }
  }

  /** Opens the key and parses the certificates once per pass type version, not once per pass. */
  private certificatesFor(passType: PassType): PreparedCertificates {
    const updatedAt = passType.updatedAt.getTime();
    const cached = this.prepared.get(passType.id);
    if (cached && cached.updatedAt === updatedAt) return cached.certificates;
    const certificates = prepareCertificates(passType);
    this.prepared.set(passType.id, { updatedAt, certificates });
    return certificates;
  }
}

/**
 * Hands node-forge an unencrypted PKCS#1 RSA key: forge cannot open every encryption OpenSSL writes
 * (e.g. PKCS#8 with PBKDF2/HMAC-SHA256 and AES-256, OpenSSL 3's default), while node:crypto opens
 * them all, legacy `Proc-Type: 4,ENCRYPTED` included. Everything is also parsed by forge here, so a
 * bad certificate fails now with a clear message instead of in the middle of signing.
 */
export function prepareCertificates(material: SigningMaterial): PreparedCertificates {
  let signerKey: string;
  try {
    const key = openPrivateKey(material.privateKeyPem, material.privateKeyPassphrase);
    if (key.asymmetricKeyType !== 'rsa') {
      throw new Error(`it is a ${key.asymmetricKeyType} key; Pass Type ID certificates use RSA keys`);
    }
    signerKey = key.export({ type: 'pkcs1', format: 'pem' }).toString();
  } catch (error) {
    throw signingMaterialInvalid('The signer private key cannot be opened', error);
  }
  try {
    forge.pki.certificateFromPem(material.certificatePem);
  } catch (error) {
    throw signingMaterialInvalid('The signer certificate cannot be read', error);
  }
  try {
    forge.pki.certificateFromPem(material.wwdrCertificatePem);
  } catch (error) {
    throw signingMaterialInvalid('The WWDR certificate cannot be read', error);
  }
  return { wwdr: material.wwdrCertificatePem, signerCert: material.certificatePem, signerKey };
}

function assertValid(passJson: PassJson, serialNumber: string): void {
  const problems = validatePassJson(passJson);
  if (problems.length > 0) throw passJsonInvalid(serialNumber, problems);
}
