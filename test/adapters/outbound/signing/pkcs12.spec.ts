import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPkcs12 } from '../../../../src/adapters/outbound/signing/pkcs12';
import { DomainErrorCode } from '../../../../src/domain/errors';
import { ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';
import { createPrivateKey, X509Certificate } from 'node:crypto';

describe('readPkcs12', () => {
  let certs: ThrowawayCerts;

  beforeAll(async () => {
    certs = await throwawayCerts();
    writeFileSync(join(certs.dir, 'signer-cert.pem'), certs.signer.certificatePem);
    writeFileSync(join(certs.dir, 'signer-key.pem'), certs.signer.privateKeyPem);
  });

  /** `openssl pkcs12 -export` as an operator (OpenSSL 3 defaults) or Keychain Access (`-legacy`) would make it. */
  function exportP12(name: string, password: string, extra: string[] = []): Buffer {
    const out = join(certs.dir, name);
    execFileSync('openssl', [
      'pkcs12', '-export', ...extra,
      '-in', join(certs.dir, 'signer-cert.pem'),
      '-inkey', join(certs.dir, 'signer-key.pem'),
      '-certfile', certs.caFile,
      '-passout', `pass:${password}`,
      '-out', out,
    ]);
    return readFileSync(out);
  }

  it.each([
    ['OpenSSL 3 defaults (AES-256, PBKDF2)', 'modern.p12', []],
    ['-legacy (3DES/RC2, as Keychain exports)', 'legacy.p12', ['-legacy']],
  ])('reads the identity of a .p12 made with %s', (_name, file, extra) => {
    const identity = readPkcs12(exportP12(file, 's3cret', extra), 's3cret');

    const certificate = new X509Certificate(identity.certificatePem);
    expect(certificate.fingerprint256).toBe(new X509Certificate(certs.signer.certificatePem).fingerprint256);
    expect(certificate.checkPrivateKey(createPrivateKey(identity.privateKeyPem))).toBe(true);
  });

  it('reads a .p12 exported with an empty password when none is given', () => {
    const identity = readPkcs12(exportP12('empty.p12', ''), null);

    expect(new X509Certificate(identity.certificatePem).subject).toMatch(/UID=pass\.test\.passgate\.signing/);
  });

  it('refuses a wrong password with a clear message', () => {
    const bytes = exportP12('wrong.p12', 's3cret');

    expect(() => readPkcs12(bytes, 'guess')).toThrow(
      expect.objectContaining({ code: DomainErrorCode.SigningMaterialInvalid, message: 'The password does not open the PKCS#12 file.' }),
    );
    expect(() => readPkcs12(bytes, null)).toThrow(/protected by a password and none was given/);
  });

  it('refuses bytes that are not PKCS#12', () => {
    expect(() => readPkcs12(Buffer.from('not a p12'), 'x')).toThrow(
      expect.objectContaining({ code: DomainErrorCode.SigningMaterialInvalid, message: expect.stringMatching(/not a readable PKCS#12/) }),
    );
  });
});
