import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CertificateAndKey,
  createDevelopmentCa,
  issueSignerCertificate,
} from '../../src/adapters/outbound/signing/certs-directory';
import type { SigningMaterial } from '../../src/domain/pass-type';

export const TEST_PASS_TYPE_IDENTIFIER = 'pass.test.passgate.signing';
export const TEST_TEAM_IDENTIFIER = 'TESTTEAM01';
export const TEST_KEY_PASSPHRASE = 'correct horse battery staple';

export interface ThrowawayCerts {
  /** Temporary folder holding `ca.pem` (the CA file for `openssl smime -verify`). */
  dir: string;
  caFile: string;
  ca: CertificateAndKey;
  signer: CertificateAndKey;
  /** Signer + CA, key unencrypted. */
  material: SigningMaterial;
  /** Same signer, key as PKCS#8 `ENCRYPTED PRIVATE KEY` (AES-256-CBC, PBKDF2). */
  encryptedPkcs8Material: SigningMaterial;
  /** Same signer, key as legacy PKCS#1 PEM with `Proc-Type: 4,ENCRYPTED`. */
  encryptedLegacyMaterial: SigningMaterial;
  /** A second CA that issued nothing here, to play a wrong WWDR. */
  otherCa: CertificateAndKey;
}

let shared: Promise<ThrowawayCerts> | undefined;

/** One throwaway CA and signer per test file (RSA key generation is the slow part). */
export function throwawayCerts(): Promise<ThrowawayCerts> {
  shared ??= createThrowawayCerts();
  return shared;
}

export async function createThrowawayCerts(
  options: { passTypeIdentifier?: string; teamIdentifier?: string; notBefore?: Date; notAfter?: Date } = {},
): Promise<ThrowawayCerts> {
  const dir = mkdtempSync(join(tmpdir(), 'passgate-certs-'));
  const ca = await createDevelopmentCa({ commonName: 'passgate Test CA' });
  const otherCa = await createDevelopmentCa({ commonName: 'passgate Unrelated Test CA' });
  const signer = await issueSignerCertificate(ca, {
    passTypeIdentifier: options.passTypeIdentifier ?? TEST_PASS_TYPE_IDENTIFIER,
    teamIdentifier: options.teamIdentifier ?? TEST_TEAM_IDENTIFIER,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
  });
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.certificatePem);
  const key = createPrivateKey(signer.privateKeyPem);
  const encrypt = (type: 'pkcs1' | 'pkcs8') =>
    key.export({ type, format: 'pem', cipher: 'aes-256-cbc', passphrase: TEST_KEY_PASSPHRASE }).toString();
  const material: SigningMaterial = {
    certificatePem: signer.certificatePem,
    privateKeyPem: signer.privateKeyPem,
    privateKeyPassphrase: null,
    wwdrCertificatePem: ca.certificatePem,
  };
  return {
    dir,
    caFile,
    ca,
    signer,
    material,
    encryptedPkcs8Material: { ...material, privateKeyPem: encrypt('pkcs8'), privateKeyPassphrase: TEST_KEY_PASSPHRASE },
    encryptedLegacyMaterial: { ...material, privateKeyPem: encrypt('pkcs1'), privateKeyPassphrase: TEST_KEY_PASSPHRASE },
    otherCa,
  };
}
