import { DomainError, DomainErrorCode } from '../../src/domain/errors';
import type { SigningMaterial } from '../../src/domain/pass-type';
import { CertificateReader, SigningIdentity } from '../../src/domain/ports/certificate-reader';

/**
 * Reads no certificate: a test tells it which signing material is good and what its certificate
 * says. Any other material (another key, another WWDR, a passphrase that does not open the key) is
 * refused as the real reader refuses parts that do not fit together.
 */
export class InMemoryCertificateReader extends CertificateReader {
  private readonly known: Array<{ material: SigningMaterial; identity: SigningIdentity }> = [];

  know(material: SigningMaterial, identity: SigningIdentity): this {
    this.known.push({ material: { ...material }, identity: copy(identity) });
    return this;
  }

  inspect(material: SigningMaterial): SigningIdentity {
    const match = this.known.find((entry) => fits(entry.material, material));
    if (!match) {
      throw new DomainError(
        DomainErrorCode.SigningMaterialInvalid,
        'The private key, signer certificate and WWDR certificate do not fit together.',
      );
    }
    return copy(match.identity);
  }
}

/** A key known without a passphrase is not encrypted, and opens whatever passphrase comes with it, as in OpenSSL. */
function fits(known: SigningMaterial, given: SigningMaterial): boolean {
  return (
    given.certificatePem === known.certificatePem &&
    given.privateKeyPem === known.privateKeyPem &&
    given.wwdrCertificatePem === known.wwdrCertificatePem &&
    (known.privateKeyPassphrase === null || given.privateKeyPassphrase === known.privateKeyPassphrase)
  );
}

function copy(identity: SigningIdentity): SigningIdentity {
  return { ...identity, expiresAt: new Date(identity.expiresAt) };
}
