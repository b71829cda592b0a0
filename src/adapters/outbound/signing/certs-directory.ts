// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { KeyObject, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { Utf8String } from 'asn1js';
import { isDomainError } from '../../../domain/errors';
import type { SigningMaterial } from '../../../domain/pass-type';
import { NodeCryptoCertificateReader } from './node-crypto-certificate.reader';
import { readPkcs12 } from './pkcs12';
import { openPrivateKey } from './private-key';

/** File names inside CERTS_DIR; certs/README.md documents them. */
export const CERTS_FILES = {
  wwdr: 'wwdr.pem',
  signerCertificate: 'signer-cert.pem',
  signerKey: 'signer-key.pem',
  signerP12: 'signer.p12',
  developmentCaKey: 'dev-ca-key.pem',
} as const;

export const DEVELOPMENT_PASS_TYPE_IDENTIFIER = 'pass.dev.passgate.local';
export const DEVELOPMENT_TEAM_IDENTIFIER = 'PASSGATEDV';
export const DEVELOPMENT_CA_NAME = 'passgate Development WWDR stand-in';
const DEVELOPMENT_ORGANIZATION = 'passgate development';

/** Apple's Pass Type ID certificate extension; its value is the pass type identifier as a UTF8String. */
export const PASS_TYPE_ID_EXTENSION_OID = '1.2.840.113635.100.6.1.16';
/**
 * Apple's push-environment extensions (value DER NULL), the ones @parse/node-apn checks before it
 * connects: sandbox for any host but api.push.apple.com, production for that one.
 * @see https://github.com/parse-community/node-apn/blob/8.1.0/lib/credentials/certificate/oids.js
 */
export const APNS_ENVIRONMENT_EXTENSION_OIDS = {
  development: '1.2.840.113635.100.6.3.1',
  production: '1.2.840.113635.100.6.3.2',
} as const;
export type ApnsEnvironment = keyof typeof APNS_ENVIRONMENT_EXTENSION_OIDS;
const DER_NULL = new Uint8Array([0x05, 0x00]);
const UID_OID = '0.9.2342.19200300.100.1.1';

const README = 'certs/README.md';
const DAY_MS = 24 * 60 * 60 * 1000;
const YEAR_MS = 365 * DAY_MS;
const RSA_SHA256: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const crypto = webcrypto;

export interface CertificateAndKey {
  certificatePem: string;
  /** Unencrypted PKCS#8 PEM. */
  privateKeyPem: string;
}

interface Log {
  warn(message: string): void;
  info(message: string): void;
}

/**
 * The signing material configured in CERTS_DIR: `wwdr.pem` and either `signer-cert.pem` +
 * `signer-key.pem` or `signer.p12`, the passphrase of an encrypted key or p12 coming from
 * SIGNER_KEY_PASSPHRASE. An empty (or missing) directory gets development material so a fresh
 * checkout signs passes at once; partial or unreadable material is refused, never replaced.
 */
export async function loadCertsDirectory(
  certsDir: string,
  passphrase: string | null,
  log: Log,
): Promise<{ material: SigningMaterial; createdDevelopmentMaterial: boolean }> {
  await mkdir(certsDir, { recursive: true });
  const present = await presentFiles(certsDir);
  const signerFiles = [CERTS_FILES.signerCertificate, CERTS_FILES.signerKey, CERTS_FILES.signerP12];
  if (!present.has(CERTS_FILES.wwdr) && signerFiles.every((file) => !present.has(file))) {
    const material = await createDevelopmentMaterial(certsDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      throw new Error(
        `${error.path ?? certsDir} appeared while development material was being created in ${certsDir} ` +
          `(another instance starting, or a left-over file): remove the partial files and start again. See ${README}.`,
      );
    });
    log.warn(
      `No signing material in ${certsDir}: created a development CA ("${DEVELOPMENT_CA_NAME}") and a signer ` +
        `certificate for pass type ${DEVELOPMENT_PASS_TYPE_IDENTIFIER} (team ${DEVELOPMENT_TEAM_IDENTIFIER}). ` +
        'Passes signed with this development material are for development only and will not install on an ' +
        `iPhone; bring Apple signing material as ${README} explains.`,
    );
    return { material, createdDevelopmentMaterial: true };
  }

  const material = await readMaterial(certsDir, present, passphrase);
  let development: boolean;
  try {
    development = new NodeCryptoCertificateReader().inspect(material).development;
  } catch (error) {
    if (!isDomainError(error)) throw error;
    throw new Error(`Signing material in ${certsDir} does not fit together: ${error.message} See ${README}.`);
  }
  if (development) {
    log.warn(
      `Signing with development material from ${certsDir} (${CERTS_FILES.wwdr} is not an Apple WWDR certificate): ` +
        `passes will not install on an iPhone; bring Apple signing material as ${README} explains.`,
    );
  } else {
    log.info(`Signing material loaded from ${certsDir}.`);
  }
  return { material, createdDevelopmentMaterial: false };
}

async function readMaterial(certsDir: string, present: Set<string>, passphrase: string | null): Promise<SigningMaterial> {
  const path = (file: string) => join(certsDir, file);
  const hasCert = present.has(CERTS_FILES.signerCertificate);
  const hasKey = present.has(CERTS_FILES.signerKey);
  const hasP12 = present.has(CERTS_FILES.signerP12);
  if (!present.has(CERTS_FILES.wwdr)) {
    throw new Error(
      `${path(CERTS_FILES.wwdr)} is missing: CERTS_DIR has a signer but no WWDR certificate ` +
        `(Apple WWDR G4, AppleWWDRCAG4.cer converted to PEM). See ${README}.`,
    );
  }
  if (hasP12 && (hasCert || hasKey)) {
    throw new Error(
      `${certsDir} has both ${CERTS_FILES.signerP12} and ${hasCert ? CERTS_FILES.signerCertificate : CERTS_FILES.signerKey}: ` +
        `keep either signer.p12 or signer-cert.pem + signer-key.pem. See ${README}.`,
    );
  }
  if (!hasP12 && !hasCert && !hasKey) {
    throw new Error(
      `${certsDir} has ${CERTS_FILES.wwdr} but no signer: add ${CERTS_FILES.signerCertificate} + ` +
        `${CERTS_FILES.signerKey}, or ${CERTS_FILES.signerP12}. See ${README}.`,
    );
  }
  if (!hasP12 && hasCert !== hasKey) {
    const missing = hasCert ? CERTS_FILES.signerKey : CERTS_FILES.signerCertificate;
    const found = hasCert ? CERTS_FILES.signerCertificate : CERTS_FILES.signerKey;
    throw new Error(`${path(missing)} is missing: ${found} needs it (or use ${CERTS_FILES.signerP12}). See ${README}.`);
  }

  const wwdrCertificatePem = await readCertificate(path(CERTS_FILES.wwdr));
  if (hasP12) {
    const bytes = await readBytes(path(CERTS_FILES.signerP12));
    try {
      const identity = readPkcs12(bytes, passphrase);
      return { ...identity, privateKeyPassphrase: null, wwdrCertificatePem };
    } catch (error) {
      const message = isDomainError(error) ? error.message : String(error);
      throw new Error(`${path(CERTS_FILES.signerP12)}: ${message} (SIGNER_KEY_PASSPHRASE holds its password). See ${README}.`);
    }
  }
  const certificatePem = await readCertificate(path(CERTS_FILES.signerCertificate));
  const privateKeyPem = (await readBytes(path(CERTS_FILES.signerKey))).toString('utf8');
  try {
    openPrivateKey(privateKeyPem, passphrase);
  } catch (error) {
    throw new Error(
      `${path(CERTS_FILES.signerKey)}: ${(error as Error).message} (SIGNER_KEY_PASSPHRASE holds its passphrase). See ${README}.`,
    );
  }
  return { certificatePem, privateKeyPem, privateKeyPassphrase: passphrase, wwdrCertificatePem };
}

/** Files of CERTS_FILES that exist; one that exists but cannot be read counts, and fails when read. */
async function presentFiles(certsDir: string): Promise<Set<string>> {
  const present = new Set<string>();
  for (const file of Object.values(CERTS_FILES)) {
    try {
      await stat(join(certsDir, file));
      present.add(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') present.add(file);
    }
  }
  return present;
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}). See ${README}.`);
  }
}

/** Reads a certificate as PEM; a DER file (`.cer` renamed) is converted rather than refused. */
async function readCertificate(path: string): Promise<string> {
  const bytes = await readBytes(path);
  try {
    const certificate = new X509Certificate(bytes);
    return bytes.toString('utf8').includes('-----BEGIN CERTIFICATE-----')
      ? firstPemCertificate(bytes.toString('utf8'))
      : certificate.toString();
  } catch (error) {
    throw new Error(`${path} is not a certificate (${(error as Error).message}). See ${README}.`);
  }
}

function firstPemCertificate(text: string): string {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
  return `${match![0]}\n`;
}

/** Writes a development CA and a signer it issued into `certsDir`; keys are readable by the owner only. */
async function createDevelopmentMaterial(certsDir: string): Promise<SigningMaterial> {
  const ca = await createDevelopmentCa();
  const signer = await issueSignerCertificate(ca, {
    passTypeIdentifier: DEVELOPMENT_PASS_TYPE_IDENTIFIER,
    teamIdentifier: DEVELOPMENT_TEAM_IDENTIFIER,
  });
  await writeSecret(join(certsDir, CERTS_FILES.developmentCaKey), ca.privateKeyPem);
  await writeSecret(join(certsDir, CERTS_FILES.signerKey), signer.privateKeyPem);
  await writeFile(join(certsDir, CERTS_FILES.signerCertificate), signer.certificatePem, { flag: 'wx' });
  // Written last: wwdr.pem present means the set is complete.
  await writeFile(join(certsDir, CERTS_FILES.wwdr), ca.certificatePem, { flag: 'wx' });
  return {
    certificatePem: signer.certificatePem,
    privateKeyPem: signer.privateKeyPem,
    privateKeyPassphrase: null,
    wwdrCertificatePem: ca.certificatePem,
  };
}

/** Exclusive create: two instances starting on one empty folder cannot mix their keys and certificates. */
async function writeSecret(path: string, content: string): Promise<void> {
  await writeFile(path, content, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
}

/**
 * A self-signed CA standing in for Apple's WWDR intermediate. `openssl smime -verify -CAfile` needs
 * it marked as a CA (basicConstraints CA:TRUE, keyUsage keyCertSign) to accept it as an issuer.
 */
export async function createDevelopmentCa(
  options: { commonName?: string; organization?: string; notBefore?: Date; notAfter?: Date } = {},
): Promise<CertificateAndKey> {
  const keys = (await crypto.subtle.generateKey(RSA_SHA256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY_MS);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: [
        { CN: [options.commonName ?? DEVELOPMENT_CA_NAME] },
        { O: [options.organization ?? DEVELOPMENT_ORGANIZATION] },
        { C: ['US'] },
      ],
      notBefore,
      notAfter: options.notAfter ?? new Date(notBefore.getTime() + 20 * YEAR_MS),
      keys,
      signingAlgorithm: RSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certificatePem: certificate.toString('pem') + '\n', privateKeyPem: await pkcs8Pem(keys.privateKey) };
}

/**
 * A Pass Type ID certificate shaped like Apple's (subject, keyUsage digitalSignature, the pass type
 * extension), issued by `ca`. Valid 10 years unless told otherwise. It carries both push-environment
 * extensions unless told otherwise, so that node-apn accepts it for Apple's production host and for
 * any other APNS_HOST (a relay, a test stand-in), which node-apn treats as the sandbox.
 */
export async function issueSignerCertificate(
  ca: CertificateAndKey,
  options: {
    passTypeIdentifier: string;
    teamIdentifier: string;
    organizationName?: string;
    notBefore?: Date;
    notAfter?: Date;
    apnsEnvironments?: readonly ApnsEnvironment[];
  },
): Promise<CertificateAndKey> {
  const apnsEnvironments = options.apnsEnvironments ?? (['development', 'production'] as const);
  const caCertificate = new x509.X509Certificate(ca.certificatePem);
  const caKey = await crypto.subtle.importKey(
    'pkcs8',
    openPrivateKey(ca.privateKeyPem, null).export({ type: 'pkcs8', format: 'der' }),
    RSA_SHA256,
    false,
    ['sign'],
  );
  const keys = (await crypto.subtle.generateKey(RSA_SHA256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY_MS);
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: [
        { [UID_OID]: [options.passTypeIdentifier] },
        { CN: [`Pass Type ID: ${options.passTypeIdentifier}`] },
        { OU: [options.teamIdentifier] },
        { O: [options.organizationName ?? DEVELOPMENT_ORGANIZATION] },
        { C: ['US'] },
      ],
      issuer: caCertificate.subjectName,
      notBefore,
      notAfter: options.notAfter ?? new Date(notBefore.getTime() + 10 * YEAR_MS),
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: RSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCertificate, false, crypto),
        new x509.Extension(
          PASS_TYPE_ID_EXTENSION_OID,
          false,
          new Utf8String({ value: options.passTypeIdentifier }).toBER(false),
        ),
        ...apnsEnvironments.map(
          (environment) => new x509.Extension(APNS_ENVIRONMENT_EXTENSION_OIDS[environment], false, DER_NULL),
        ),
      ],
    },
    crypto,
  );
  return { certificatePem: certificate.toString('pem') + '\n', privateKeyPem: await pkcs8Pem(keys.privateKey) };
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  return KeyObject.from(key)
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

/** 16 random bytes as a positive, non-zero DER integer. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString('hex');
}
