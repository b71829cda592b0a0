import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import { fromBER } from 'asn1js';
import { unzipSync } from 'fflate';
import * as pkijs from 'pkijs';
import { nameAttributes } from './node-crypto-certificate.reader';
import { validatePassJson, validatePersonalizationJson } from './passkit-schemas';

export interface PkpassCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PkpassReport {
  valid: boolean;
  checks: PkpassCheck[];
}

/** Check names, in report order. */
export const PKPASS_CHECKS = {
  zip: 'zip',
  passJson: 'pass.json',
  manifest: 'manifest',
  signatureStructure: 'signature structure',
  signatureValue: 'signature value',
  chain: 'certificate chain',
  expiry: 'signer expiry',
  identifiers: 'identifiers',
  schema: 'pass.json schema',
  personalization: 'personalization.json schema',
} as const;

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
};
const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
/** Wallet packages are small (Apple caps a .pkpasses bundle of 10 passes at 150 MB). */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_TOTAL_BYTES = 100 * 1024 * 1024;
const MAX_FILES = 1000;
const MAX_MANIFEST_BYTES = 1024 * 1024;
const MAX_CHAIN_DEPTH = 5;

const engine = new pkijs.CryptoEngine({
  name: 'node',
  crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'],
});

class CheckFailed extends Error {}

interface Parsed {
  files?: Record<string, Uint8Array>;
  passJson?: Record<string, unknown>;
  manifestBytes?: Uint8Array;
  signedData?: pkijs.SignedData;
  signer?: X509Certificate;
  embedded?: X509Certificate[];
}

/**
 * Checks a `.pkpass` the way Wallet does: the zip, manifest SHA-1 hashes of every file, the detached
 * CMS signature over manifest.json with contentType, messageDigest and signingTime, the signer
 * certificate chained through the embedded WWDR to a trusted CA, expiry, that pass.json names
 * the certificate's pass type and team, and pass.json and personalization.json against
 * passkit-generator's schemas. Never throws: malformed input is a failed check.
 * @see https://developer.apple.com/documentation/walletpasses/building-a-pass
 */
export async function verifyPkpass(
  bytes: Buffer,
  options: { trustedCaPems: string[]; now?: Date },
): Promise<PkpassReport> {
  const now = options.now ?? new Date();
  const parsed: Parsed = {};
  const checks: PkpassCheck[] = [];
  const run = async (name: string, needs: Array<keyof Parsed>, check: () => string | Promise<string>) => {
    const missing = needs.find((need) => parsed[need] === undefined);
    if (missing !== undefined) {
      checks.push({ name, ok: false, detail: `not checked: ${describe(missing)} unavailable` });
      return;
    }
    try {
      checks.push({ name, ok: true, detail: await check() });
    } catch (error) {
      const detail = error instanceof CheckFailed ? error.message : `unexpected error: ${(error as Error)?.message ?? error}`;
      checks.push({ name, ok: false, detail });
    }
  };

  await run(PKPASS_CHECKS.zip, [], () => {
    parsed.files = unzip(bytes);
    return `${Object.keys(parsed.files).length} files`;
  });

  await run(PKPASS_CHECKS.passJson, ['files'], () => {
    const file = parsed.files!['pass.json'];
    if (!file) throw new CheckFailed('pass.json is missing');
    const json = jsonOf('pass.json', file);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CheckFailed('pass.json is not a JSON object');
    parsed.passJson = json as Record<string, unknown>;
    return `serialNumber ${String(parsed.passJson.serialNumber)}`;
  });

  await run(PKPASS_CHECKS.manifest, ['files'], () => {
    const { files } = parsed;
    const manifestFile = files!['manifest.json'];
    if (!manifestFile) throw new CheckFailed('manifest.json is missing');
    if (manifestFile.length > MAX_MANIFEST_BYTES) throw new CheckFailed(`manifest.json is larger than ${MAX_MANIFEST_BYTES} bytes`);
    parsed.manifestBytes = manifestFile;
    let manifest: unknown;
    try {
      manifest = JSON.parse(Buffer.from(manifestFile).toString('utf8'));
    } catch {
      throw new CheckFailed('manifest.json is not JSON');
    }
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
      throw new CheckFailed('manifest.json is not a JSON object');
    }
    const entries = manifest as Record<string, unknown>;
    const problems: string[] = [];
    const hashed = Object.keys(files!).filter((name) => name !== 'manifest.json' && name !== 'signature');
    for (const name of hashed) {
      const expected = entries[name];
      if (expected === undefined) {
        problems.push(`${name} is not in the manifest`);
        continue;
      }
      const actual = createHash('sha1').update(files![name]).digest('hex');
      if (typeof expected !== 'string' || expected.toLowerCase() !== actual) {
        problems.push(`${name}: manifest says ${String(expected).slice(0, 40)}, file hashes to ${actual}`);
      }
    }
    const missing = Object.keys(entries).filter((name) => !Object.hasOwn(files!, name) || name === 'manifest.json' || name === 'signature');
    for (const name of missing) problems.push(`manifest lists ${name.slice(0, 200)}, which the package does not hold`);
    if (problems.length > 0) throw new CheckFailed(summarize(problems));
    return `${hashed.length} files, every SHA-1 matches`;
  });

  await run(PKPASS_CHECKS.signatureStructure, ['files'], () => {
    const file = parsed.files!['signature'];
    if (!file) throw new CheckFailed('signature is missing');
    const asn1 = fromBER(Uint8Array.from(file));
    if (asn1.offset === -1) throw new CheckFailed('signature is not DER');
    let signedData: pkijs.SignedData;
    try {
      const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
      if (contentInfo.contentType !== OID.signedData) throw new CheckFailed(`signature content type is ${contentInfo.contentType}, not SignedData`);
      signedData = new pkijs.SignedData({ schema: contentInfo.content });
    } catch (error) {
      if (error instanceof CheckFailed) throw error;
      throw new CheckFailed(`signature is not a CMS SignedData: ${(error as Error).message ?? error}`);
    }
    if (signedData.encapContentInfo.eContent) throw new CheckFailed('signature is not detached (it embeds content)');
    if (signedData.signerInfos.length !== 1) throw new CheckFailed(`signature has ${signedData.signerInfos.length} signers, expected 1`);
    const signerInfo = signedData.signerInfos[0];
    const attributes = signerInfo.signedAttrs?.attributes ?? [];
    const attribute = (oid: string) => attributes.find((item) => item.type === oid);
    // Wallet rejects a signature without signingTime ("Signature must contain a signing date").
    const absent = [
      ['contentType', OID.contentType],
      ['messageDigest', OID.messageDigest],
      ['signingTime', OID.signingTime],
    ].filter(([, oid]) => !attribute(oid));
    if (absent.length > 0) throw new CheckFailed(`signed attributes lack ${absent.map(([name]) => name).join(', ')}`);

    const embedded = (signedData.certificates ?? [])
      .filter((item): item is pkijs.Certificate => item instanceof pkijs.Certificate)
      .map((item) => new X509Certificate(Buffer.from(item.toSchema().toBER(false))));
    const signerIndex = (signedData.certificates ?? []).findIndex(
      (item) =>
        item instanceof pkijs.Certificate &&
        signerInfo.sid instanceof pkijs.IssuerAndSerialNumber &&
        item.issuer.isEqual(signerInfo.sid.issuer) &&
        item.serialNumber.isEqual(signerInfo.sid.serialNumber),
    );
    if (signerIndex === -1) throw new CheckFailed('the signer certificate is not embedded in the signature');
    parsed.signedData = signedData;
    parsed.embedded = embedded;
    parsed.signer = embedded[signerIndex];

    const digestAlgorithm = DIGESTS[signerInfo.digestAlgorithm.algorithmId];
    if (!digestAlgorithm) throw new CheckFailed(`unknown digest algorithm ${signerInfo.digestAlgorithm.algorithmId}`);
    if (!parsed.manifestBytes) throw new CheckFailed('manifest.json unavailable, messageDigest not compared');
    const digestValue = attribute(OID.messageDigest)!.values[0];
    const signedDigest = Buffer.from((digestValue as { valueBlock: { valueHexView: Uint8Array } }).valueBlock.valueHexView);
    const manifestDigest = createHash(digestAlgorithm).update(parsed.manifestBytes).digest();
    if (!signedDigest.equals(manifestDigest)) {
      throw new CheckFailed(`messageDigest does not match the ${digestAlgorithm} of manifest.json`);
    }
    const signingTime = attribute(OID.signingTime)!.values[0] as { toDate?: () => Date };
    const when = typeof signingTime?.toDate === 'function' ? signingTime.toDate().toISOString() : 'present';
    return `detached SignedData, ${digestAlgorithm}, signingTime ${when}, ${embedded.length} certificates`;
  });

  await run(PKPASS_CHECKS.signatureValue, ['signedData', 'manifestBytes'], async () => {
    const manifest = parsed.manifestBytes!;
    const data = manifest.buffer.slice(manifest.byteOffset, manifest.byteOffset + manifest.byteLength) as ArrayBuffer;
    let verified: boolean;
    try {
      verified = await parsed.signedData!.verify({ signer: 0, data, checkChain: false }, engine);
    } catch (error) {
      const reason = (error as { message?: string })?.message ?? String(error);
      throw new CheckFailed(`the signature does not verify: ${reason}`);
    }
    if (!verified) throw new CheckFailed('the signature does not verify with the signer certificate');
    return 'verifies with the signer certificate';
  });

  await run(PKPASS_CHECKS.chain, ['signer', 'embedded'], () => {
    const trusted = options.trustedCaPems.flatMap(parsePems);
    if (trusted.length === 0) throw new CheckFailed('no trusted CA given');
    const path = chainToTrusted(parsed.signer!, parsed.embedded!, trusted);
    return path;
  });

  await run(PKPASS_CHECKS.expiry, ['signer'], () => {
    const signer = parsed.signer!;
    const notBefore = new Date(signer.validFrom);
    const notAfter = new Date(signer.validTo);
    if (now.getTime() > notAfter.getTime()) throw new CheckFailed(`signer certificate expired on ${notAfter.toISOString()}`);
    if (now.getTime() < notBefore.getTime()) throw new CheckFailed(`signer certificate is not valid before ${notBefore.toISOString()}`);
    return `valid until ${notAfter.toISOString()}`;
  });

  await run(PKPASS_CHECKS.identifiers, ['signer', 'passJson'], () => {
    const subject = nameAttributes(parsed.signer!.subject);
    const uid = subject.get('UID');
    const ou = subject.get('OU');
    const { passTypeIdentifier, teamIdentifier } = parsed.passJson!;
    const problems: string[] = [];
    if (passTypeIdentifier !== uid) problems.push(`passTypeIdentifier "${String(passTypeIdentifier)}" ≠ certificate UID "${uid ?? ''}"`);
    if (teamIdentifier !== ou) problems.push(`teamIdentifier "${String(teamIdentifier)}" ≠ certificate OU "${ou ?? ''}"`);
    if (problems.length > 0) throw new CheckFailed(problems.join('; '));
    return `${uid} / ${ou}`;
  });

  await run(PKPASS_CHECKS.schema, ['passJson'], () => {
    const problems = validatePassJson(parsed.passJson);
    if (problems.length > 0) throw new CheckFailed(summarize(problems.map((problem) => problem.message)));
    return "valid against passkit-generator's schemas";
  });

  await run(PKPASS_CHECKS.personalization, ['files'], () => {
    const file = parsed.files!['personalization.json'];
    if (!file) return 'none: the pass offers no enrollment';
    const problems = validatePersonalizationJson(jsonOf('personalization.json', file));
    if (problems.length > 0) throw new CheckFailed(summarize(problems.map((problem) => problem.message)));
    return "valid against passkit-generator's Personalize schema";
  });

  return { valid: checks.every((check) => check.ok), checks };
}

/** A JSON file of the package; CheckFailed naming it when it is not UTF-8 JSON. */
function jsonOf(name: string, file: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file));
  } catch (error) {
    throw new CheckFailed(`${name} is not UTF-8 JSON: ${(error as Error).message}`);
  }
}

function unzip(bytes: Buffer): Record<string, Uint8Array> {
  const oversized: string[] = [];
  let count = 0;
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(Uint8Array.from(bytes), {
      filter(file) {
        count += 1;
        total += file.originalSize;
        if (file.originalSize > MAX_FILE_BYTES || total > MAX_TOTAL_BYTES || count > MAX_FILES) {
          oversized.push(file.name);
          return false;
        }
        return true;
      },
    });
  } catch (error) {
    throw new CheckFailed(`not a zip archive: ${(error as Error).message ?? error}`);
  }
  if (oversized.length > 0) {
    throw new CheckFailed(`too large: ${summarize(oversized)} (limits: ${MAX_FILES} files, ${MAX_FILE_BYTES} bytes each)`);
  }
  const names = Object.keys(files).filter((name) => !name.endsWith('/'));
  if (names.length === 0) throw new CheckFailed('the zip archive is empty');
  // No prototype: entry names such as `__proto__` or `constructor` stay plain keys.
  const result: Record<string, Uint8Array> = Object.create(null);
  for (const name of names) result[name] = files[name];
  return result;
}

/** Walks issuer links from the signer through embedded certificates until one is trusted. */
function chainToTrusted(signer: X509Certificate, embedded: X509Certificate[], trusted: X509Certificate[]): string {
  const isTrusted = (cert: X509Certificate) => trusted.some((ca) => ca.fingerprint256 === cert.fingerprint256);
  const issuerOf = (cert: X509Certificate, pool: X509Certificate[]) =>
    pool.find((candidate) => candidate.fingerprint256 !== cert.fingerprint256 && issued(candidate, cert));
  const names = [commonName(signer)];
  let current = signer;
  for (let depth = 0; depth < MAX_CHAIN_DEPTH; depth += 1) {
    const next = issuerOf(current, embedded);
    if (next) {
      names.push(commonName(next));
      if (isTrusted(next)) return `${names.join(' → ')} (trusted)`;
      current = next;
      continue;
    }
    const trustedIssuer = issuerOf(current, trusted);
    if (trustedIssuer && depth > 0) return `${names.join(' → ')} → ${commonName(trustedIssuer)} (trusted)`;
    if (trustedIssuer) {
      // Wallet needs the WWDR intermediate inside the signature; a trusted copy elsewhere does not help it.
      throw new CheckFailed(`${names.join(' → ')}: the issuing WWDR certificate is not embedded in the signature`);
    }
    throw new CheckFailed(
      `${names.join(' → ')}: no embedded or trusted certificate issued "${commonName(current)}" ` +
        `(issuer: ${current.issuer.split('\n').join(', ')})`,
    );
  }
  throw new CheckFailed(`${names.join(' → ')}: chain longer than ${MAX_CHAIN_DEPTH} certificates`);
}

function issued(issuer: X509Certificate, subject: X509Certificate): boolean {
  try {
    return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function commonName(cert: X509Certificate): string {
  return nameAttributes(cert.subject).get('CN') ?? cert.subject.split('\n').join(', ');
}

function parsePems(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.flatMap((block) => {
    try {
      return [new X509Certificate(block)];
    } catch {
      return [];
    }
  });
}

function summarize(items: string[]): string {
  return items.length <= 5 ? items.join('; ') : `${items.slice(0, 5).join('; ')}; and ${items.length - 5} more`;
}

function describe(need: keyof Parsed): string {
  switch (need) {
    case 'files':
      return 'package contents';
    case 'passJson':
      return 'pass.json';
    case 'manifestBytes':
      return 'manifest.json';
    case 'signedData':
      return 'signature';
    case 'signer':
    case 'embedded':
      return 'signer certificate';
  }
}
