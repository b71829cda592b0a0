import { DomainError, DomainErrorCode } from '../../src/domain/errors';
import type { PassType } from '../../src/domain/pass-type';
import { PersonalizationTokenSigner } from '../../src/domain/ports/personalization-token-signer';

const PRIVATE_KEY_PEM = /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/;

/**
 * Signs by naming the pass type and the token in the bytes, so a test can tell what was signed
 * for whom. Like the real signer it refuses material without a PEM private key.
 */
export class InMemoryPersonalizationTokenSigner extends PersonalizationTokenSigner {
  /** Every signature made, in order. */
  readonly signed: Array<{ passTypeIdentifier: string; personalizationToken: string }> = [];

  static signatureOf(passType: PassType, personalizationToken: string): Buffer {
    return Buffer.from(`signed by ${passType.passTypeIdentifier}: ${personalizationToken}`, 'utf8');
  }

  async sign(passType: PassType, personalizationToken: string): Promise<Buffer> {
    if (!PRIVATE_KEY_PEM.test(passType.privateKeyPem)) {
      throw new DomainError(DomainErrorCode.SigningMaterialInvalid, 'The signer private key cannot be opened: it is not a PEM private key.');
    }
    this.signed.push({ passTypeIdentifier: passType.passTypeIdentifier, personalizationToken });
    return InMemoryPersonalizationTokenSigner.signatureOf(passType, personalizationToken);
  }
}
