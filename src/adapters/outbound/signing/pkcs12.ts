import { createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { DomainError, DomainErrorCode } from '../../../domain/errors';

/**
 * Reads the identity (certificate and private key) of a PKCS#12 file as Keychain Access exports it
 * (3DES/RC2, `openssl pkcs12 -legacy`) or as OpenSSL 3 writes it by default (AES-256-CBC with
 * PBKDF2/HMAC-SHA256 and a SHA-256 MAC); node-forge reads both. The key comes back unencrypted.
 */
export function readPkcs12(bytes: Buffer, password: string | null): { certificatePem: string; privateKeyPem: string } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (/MAC could not be verified|Invalid password/i.test(message)) {
      throw invalid(
        password === null || password === ''
          ? 'The PKCS#12 file is protected by a password and none was given.'
          : 'The password does not open the PKCS#12 file.',
      );
    }
    throw invalid(`The file is not a readable PKCS#12 (.p12) file: ${message}.`);
  }

  const keys = bagsOf(p12, forge.pki.oids.pkcs8ShroudedKeyBag).concat(bagsOf(p12, forge.pki.oids.keyBag));
  const key = keys.find((bag) => bag.key)?.key;
  if (!key) throw invalid('The PKCS#12 file holds no private key (export the certificate together with its key).');
  const privateKeyPem = forge.pki.privateKeyToPem(key);

  // Keychain may export the intermediate too; the identity is the certificate whose key is in the file.
  const certificates = bagsOf(p12, forge.pki.oids.certBag)
    .map((bag) => bag.cert)
    .filter((cert): cert is forge.pki.Certificate => cert !== undefined)
    .map((cert) => forge.pki.certificateToPem(cert));
  const certificatePem = certificates.find((pem) => matchesKey(pem, privateKeyPem));
  if (!certificatePem) {
    throw invalid('The PKCS#12 file holds no certificate for its private key.');
  }
  return { certificatePem, privateKeyPem };
}

function bagsOf(p12: forge.pkcs12.Pkcs12Pfx, bagType: string): forge.pkcs12.Bag[] {
  return p12.getBags({ bagType })[bagType] ?? [];
}

function matchesKey(certificatePem: string, privateKeyPem: string): boolean {
  try {
    return new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(privateKeyPem));
  } catch {
    return false;
  }
}

function invalid(message: string): DomainError {
  return new DomainError(DomainErrorCode.SigningMaterialInvalid, message);
}
