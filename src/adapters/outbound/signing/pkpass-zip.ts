import { zipSync, type ZipOptions } from 'fflate';

/**
 * The bytes of a `.pkpass` zip of stored (uncompressed) entries, in the given order.
 *
 * fflate's `zipSync` with level 0 rather than its streaming `Zip` and `ZipPassThrough`: given
 * whole buffers, zipSync knows each entry's size and CRC before writing its local header and puts
 * them there, like the reference packager's zip. The streaming writer always sets general-purpose
 * bit 3 and puts them in a data descriptor after the data instead; APPNOTE 4.4.4 permits that for
 * stored entries, but a reader that goes through the local headers alone cannot find the end of a
 * stored entry that way (Java's ZipInputStream refuses it outright), and which reader Wallet uses
 * is not documented. Streaming would buy nothing here: a package is a few dozen kilobytes held in
 * memory anyway (it is cached whole). yazl also writes sizes in the local headers, but through a
 * Node stream: twice the CPU of zipSync for a 30 KB package, and one more dependency.
 * Stored because the images are PNGs, already compressed, and the rest is a few kilobytes.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
export function zipStored(entries: ReadonlyArray<readonly [name: string, bytes: Uint8Array]>, mtime: Date): Buffer {
  // The pass version's time rather than the build's: a package says when its content last changed.
  const options: ZipOptions = { level: 0, mtime };
  const files: Record<string, [Uint8Array, ZipOptions]> = {};
  for (const [name, bytes] of entries) {
    if (Object.prototype.hasOwnProperty.call(files, name)) throw new Error(`"${name}" is in the package twice`);
    files[name] = [bytes, options];
  }
  const zip = zipSync(files);
  return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}
