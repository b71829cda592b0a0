import { createPrivateKey, KeyObject } from 'node:crypto';

/**
 * Opens a PEM private key, encrypted or not, with node:crypto (OpenSSL): it reads every format
 * OpenSSL writes, legacy `Proc-Type: 4,ENCRYPTED` PKCS#1 and PKCS#8 `ENCRYPTED PRIVATE KEY` with
 * PBKDF2 or scrypt alike. Throws an Error whose message says what is wrong, without the secret.
 */
export function openPrivateKey(pem: string, passphrase: string | null): KeyObject {
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(pem);
  if (encrypted && (passphrase === null || passphrase === '')) {
    throw new Error('the private key is encrypted and no passphrase was given');
  }
  try {
    return createPrivateKey({ key: pem, format: 'pem', passphrase: passphrase ?? undefined });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    // A wrong passphrase usually fails the CBC padding check (BAD_DECRYPT); about 1 in 256 times the
    // padding happens to look right and the garbage fails to decode instead (UNSUPPORTED, ASN.1
    // errors). An encrypted key that does not open is a passphrase problem either way.
    if (encrypted && /BAD_DECRYPT|INTERRUPTED_OR_CANCELLED|MISSING_PASSPHRASE|UNSUPPORTED|ASN1|DECODER/.test(code)) {
      throw new Error('the passphrase does not open the encrypted private key');
    }
    throw new Error(`it is not a PEM private key (${(error as Error).message})`);
  }
}
