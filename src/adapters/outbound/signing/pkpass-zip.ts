import { ZipFile } from 'yazl';

/**
 * Writes a `.pkpass` zip of stored (uncompressed) entries, in the given order, and resolves with its
 * bytes.
 *
 * yazl rather than fflate's streaming `Zip`: for an entry added as a buffer yazl knows the size and
 * CRC before writing the local header, so it writes them there, like the reference packager's zip.
 * fflate's streaming writer always sets general-purpose bit 3 and puts them in a data descriptor
 * after the data; APPNOTE 4.4.4 permits that for stored entries, but readers that go through the
 * local headers alone cannot find the end of a stored entry that way (Java's ZipInputStream refuses
 * it outright), and which reader Wallet uses is not documented. Images are PNGs, already
 * compressed, so storing costs nothing in size.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
export function zipStored(entries: ReadonlyArray<readonly [name: string, bytes: Buffer]>, mtime: Date): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new ZipFile();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    try {
      // The pass version's time rather than the build's: a package says when its content last changed.
      for (const [name, bytes] of entries) zip.addBuffer(bytes, name, { compress: false, mtime });
      zip.end();
    } catch (error) {
      reject(error);
    }
  });
}
