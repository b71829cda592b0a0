import { X509Certificate } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../../domain/errors';
import type { SigningMaterial } from '../../../domain/pass-type';
import { CertificateReader, SigningIdentity } from '../../../domain/ports/certificate-reader';
import { openPrivateKey } from './private-key';

/** Organization of Apple's WWDR intermediates (G1-G6); anything else is a development stand-in. */
const APPLE_ORGANIZATION = 'Apple Inc.';

/**
 * Reads a Pass Type ID certificate the way Apple issues it: subject
 * `UID=<pass type id>, CN=Pass Type ID: <pass type id>, OU=<team id>, O=<organization>, C=<country>`,
 * issued by the Apple Worldwide Developer Relations intermediate (WWDR G4 since 2022).
 * @see https://developer.apple.com/help/account/certificates/create-pass-type-id-certificates
 */
@Injectable()
export class NodeCryptoCertificateReader extends CertificateReader {
  inspect(material: SigningMaterial): SigningIdentity {
    const signer = parseCertificate(material.certificatePem, 'signer certificate');
    const wwdr = parseCertificate(material.wwdrCertificatePem, 'WWDR certificate');

    let key;
    try {
      key = openPrivateKey(material.privateKeyPem, material.privateKeyPassphrase);
    } catch (error) {
      throw invalid(`The signer private key cannot be opened: ${(error as Error).message}.`);
    }
    if (!signer.checkPrivateKey(key)) {
      throw invalid('The private key does not belong to the signer certificate (their public keys differ).');
    }
    if (!signer.checkIssued(wwdr) || !signer.verify(wwdr.publicKey)) {
      throw invalid(
        `The WWDR certificate (${oneLine(wwdr.subject)}) did not issue the signer certificate ` +
          `(issuer: ${oneLine(signer.issuer)}). Use the WWDR intermediate that issued it (Apple WWDR G4 for ` +
          'Pass Type ID certificates made since 2022).',
      );
    }
    const subject = nameAttributes(signer.subject);
    return {
      passTypeIdentifier: subject.get('UID') ?? null,
      teamIdentifier: subject.get('OU') ?? null,
      expiresAt: new Date(signer.validTo),
      development: nameAttributes(wwdr.subject).get('O') !== APPLE_ORGANIZATION,
    };
  }
}

/** Attributes of a distinguished name as node:crypto prints it: one `TYPE=value` per line. */
export function nameAttributes(name: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const line of name.split('\n')) {
    const separator = line.indexOf('=');
    if (separator <= 0) continue;
    const type = line.slice(0, separator);
    if (!attributes.has(type)) attributes.set(type, line.slice(separator + 1));
  }
  return attributes;
}

function parseCertificate(pem: string, what: string): X509Certificate {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw invalid(`The ${what} is not a PEM certificate (expected -----BEGIN CERTIFICATE-----).`);
  }
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw invalid(`The ${what} cannot be read: ${(error as Error).message}.`);
  }
}

function oneLine(name: string): string {
  return name.split('\n').join(', ');
}

function invalid(message: string): DomainError {
  return new DomainError(DomainErrorCode.SigningMaterialInvalid, message);
}
