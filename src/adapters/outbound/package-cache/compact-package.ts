import { createHash, X509Certificate } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { PackageInput } from '../../../domain/ports/pass-packager';

/**
 * Bytes that every package of a template holds byte for byte, named by their hex SHA-256: the
 * template's images, and the DER of the pass type's certificate and WWDR certificate, which the
 * signature carries.
 */
export interface SharedFile {
  digest: string;
  bytes: Uint8Array;
}

/**
 * Files smaller than this stay in the package: each file cut out costs 40 bytes of header and a
 * lookup, which a few hundred bytes do not repay.
 */
export const MIN_SHARED_FILE_BYTES = 512;

/** Never the start of a zip ("PK\x03\x04", or "PK\x05\x06" when empty), so whole packages stay readable. */
const MAGIC = Buffer.from([0x00, 0x50, 0x47, 0x01]);
const DIGEST_BYTES = 32;
const CUT_BYTES = 4 + 4 + DIGEST_BYTES;
const HEADER_BYTES = MAGIC.length + 2;
const MAX_CUTS = 0xffff;

interface Cut {
  offset: number;
  length: number;
  digest: string;
}

/** Digests already made, per image: a template's images are the same objects for every pass built from it. */
const digests = new WeakMap<Uint8Array, string>();

/**
 * Certificates already decoded, by PEM text: a pass type is read afresh for each package, its
 * certificates are not. Emptied when full; a few pass types are the rule.
 */
const certificates = new Map<string, SharedFile | null>();
const MAX_REMEMBERED_CERTIFICATES = 256;

/**
 * What is large enough to be worth cutting out of a template's packages (MIN_SHARED_FILE_BYTES):
 * its images, and its pass type's two certificates as the signature carries them (DER, 1-2 KiB
 * each; a third of what is left of a package without its images).
 */
export function sharedFilesOf(input: Pick<PackageInput, 'template' | 'passType'>): SharedFile[] {
  const files = new Map<string, SharedFile>();
  for (const bytes of Object.values(input.template.images)) {
    if (bytes.length < MIN_SHARED_FILE_BYTES) continue;
    let digest = digests.get(bytes);
    if (digest === undefined) {
      digest = createHash('sha256').update(bytes).digest('hex');
      digests.set(bytes, digest);
    }
    files.set(digest, { digest, bytes });
  }
  for (const pem of [input.passType.certificatePem, input.passType.wwdrCertificatePem]) {
    const certificate = certificateOf(pem);
    if (certificate !== null && certificate.bytes.length >= MIN_SHARED_FILE_BYTES) files.set(certificate.digest, certificate);
  }
  return [...files.values()];
}

/** The certificate's DER; null when the text is not a certificate, which no package could have been signed with. */
function certificateOf(pem: string): SharedFile | null {
  let certificate = certificates.get(pem);
  if (certificate === undefined) {
    try {
      const bytes = new X509Certificate(pem).raw;
      certificate = { digest: createHash('sha256').update(bytes).digest('hex'), bytes };
    } catch {
      certificate = null;
    }
    if (certificates.size >= MAX_REMEMBERED_CERTIFICATES) certificates.clear();
    certificates.set(pem, certificate);
  }
  return certificate;
}

/**
 * The package with every run of bytes equal to one of `files` cut out and named by its digest
 * instead: a pass's own part of the package (pass.json, manifest, the signature without its
 * certificates, the zip's headers and directory), about 3 KiB of the seed pass's 28 KiB. A
 * template of 10,000 passes then keeps its images and certificates once, in memory and in the
 * database, which reads a ninth of the bytes per package (bench/HISTORY.md). Byte runs rather
 * than zip entries: the cut-out bytes are equal to the file wherever they are (a certificate lies
 * inside the signature's DER), so the package comes back byte for byte without reading the zip.
 * A package with nothing to cut comes back as it is: a whole package is a compact one.
 */
export function compactPackage(bytes: Buffer, files: readonly SharedFile[]): Buffer {
  const cuts: Cut[] = [];
  // Larger files first, so a file that happens to lie inside another one is not cut out of it.
  for (const file of [...files].sort((a, b) => b.bytes.length - a.bytes.length)) {
    if (file.bytes.length < MIN_SHARED_FILE_BYTES) continue;
    const found = foundWhereLastFound(bytes, file) ?? everywhere(bytes, file);
    for (const at of found) {
      const end = at + file.bytes.length;
      if (cuts.length < MAX_CUTS && !cuts.some((cut) => at < cut.offset + cut.length && cut.offset < end)) {
        cuts.push({ offset: at, length: file.bytes.length, digest: file.digest });
      }
    }
  }
  if (cuts.length === 0) return bytes;
  cuts.sort((a, b) => a.offset - b.offset);

  const cutBytes = cuts.reduce((sum, cut) => sum + cut.length, 0);
  const headerBytes = HEADER_BYTES + cuts.length * CUT_BYTES;
  const compact = Buffer.allocUnsafe(headerBytes + bytes.length - cutBytes);
  MAGIC.copy(compact, 0);
  compact.writeUInt16BE(cuts.length, MAGIC.length);
  let header = HEADER_BYTES;
  let literal = headerBytes;
  let from = 0;
  for (const cut of cuts) {
    compact.writeUInt32BE(cut.offset, header);
    compact.writeUInt32BE(cut.length, header + 4);
    compact.write(cut.digest, header + 8, DIGEST_BYTES, 'hex');
    header += CUT_BYTES;
    literal += bytes.copy(compact, literal, from, cut.offset);
    from = cut.offset + cut.length;
  }
  bytes.copy(compact, literal, from);
  return compact;
}

/**
 * Where each file was found in the package before, as offsets from its start and from its end:
 * the packages of one template are laid out alike. Its images come before pass.json in the zip
 * (packageEntries), at the same offsets in each; its certificates lie in the signature, the last
 * entry, whose length and the directory after it are the same in each, at the same distance from
 * the end. Checking those places compares a few kilobytes where searching the whole package for
 * every file took 18 µs of the event loop's time per package.
 */
const lastFound = new LRUCache<string, { fromStart: number[]; fromEnd: number[] }>({ max: 1_024 });

/** The offsets where the file was found last, when it is at each of them here too (from the start, or else from the end); null otherwise. */
function foundWhereLastFound(bytes: Buffer, file: SharedFile): number[] | null {
  const places = lastFound.get(file.digest);
  if (places === undefined) return null;
  const isAt = (at: number) => at >= 0 && at + file.bytes.length <= bytes.length && bytes.compare(file.bytes, 0, file.bytes.length, at, at + file.bytes.length) === 0;
  if (places.fromStart.every(isAt)) return places.fromStart;
  const fromEnd = places.fromEnd.map((distance) => bytes.length - distance);
  return fromEnd.every(isAt) ? fromEnd : null;
}

/** Every offset of the file in the package, remembered for the next package. */
function everywhere(bytes: Buffer, file: SharedFile): number[] {
  const found: number[] = [];
  for (let at = bytes.indexOf(file.bytes); at >= 0 && found.length < MAX_CUTS; at = bytes.indexOf(file.bytes, at + file.bytes.length)) found.push(at);
  if (found.length === 0) return found;
  lastFound.set(file.digest, { fromStart: found, fromEnd: found.map((at) => bytes.length - at) });
  return found;
}

/** The digests of the files a compact package needs back; none for a whole package. */
export function cutFileDigests(compact: Buffer): string[] {
  return cutsOf(compact).map((cut) => cut.digest);
}

/**
 * The package as it was built, the cut-out files put back; null when `fileOf` lacks one of them
 * (or has other bytes under its digest), so that the package is treated as never built.
 */
export function expandPackage(compact: Buffer, fileOf: (digest: string) => Uint8Array | undefined): Buffer | null {
  const cuts = cutsOf(compact);
  if (cuts.length === 0) return compact;
  const literalStart = HEADER_BYTES + cuts.length * CUT_BYTES;
  const size = compact.length - literalStart + cuts.reduce((sum, cut) => sum + cut.length, 0);
  // Not zero-filled: every byte is written below, or the package is refused.
  const bytes = Buffer.allocUnsafe(size);
  let literal = literalStart;
  let at = 0;
  for (const cut of cuts) {
    const file = fileOf(cut.digest);
    if (file === undefined || file.length !== cut.length || cut.offset < at || cut.offset > size - cut.length) return null;
    const gap = cut.offset - at;
    if (compact.copy(bytes, at, literal, literal + gap) !== gap) return null;
    literal += gap;
    bytes.set(file, cut.offset);
    at = cut.offset + cut.length;
  }
  if (compact.copy(bytes, at, literal) !== size - at) return null;
  return bytes;
}

function cutsOf(compact: Buffer): Cut[] {
  if (compact.length < HEADER_BYTES || !compact.subarray(0, MAGIC.length).equals(MAGIC)) return [];
  const count = compact.readUInt16BE(MAGIC.length);
  if (compact.length < HEADER_BYTES + count * CUT_BYTES) throw new Error('compact package header is cut short');
  const cuts: Cut[] = [];
  for (let header = HEADER_BYTES; cuts.length < count; header += CUT_BYTES) {
    cuts.push({
      offset: compact.readUInt32BE(header),
      length: compact.readUInt32BE(header + 4),
      digest: compact.toString('hex', header + 8, header + CUT_BYTES),
    });
  }
  return cuts;
}
