import { DomainError, DomainErrorCode } from '../../src/domain/errors';
import { RemoteImageFetcher } from '../../src/domain/ports/remote-image-fetcher';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

/**
 * Serves images registered by URL; every other URL is refused, as the real fetcher refuses hosts
 * not on its allowlist. Like the real one it checks the content is a PNG or JPEG image.
 */
export class InMemoryRemoteImageFetcher extends RemoteImageFetcher {
  private readonly served = new Map<string, Uint8Array>();
  /** Every URL asked for, in order. */
  readonly requested: string[] = [];

  serve(url: string, bytes: Uint8Array): void {
    this.served.set(url, Uint8Array.from(bytes));
  }

  async fetch(url: string): Promise<Uint8Array> {
    this.requested.push(url);
    const bytes = this.served.get(url);
    if (bytes === undefined) {
      throw new DomainError(DomainErrorCode.RemoteImageRefused, `${url.slice(0, 200)} is not an image this fetcher serves.`);
    }
    const starts = (signature: number[]) => bytes.length > signature.length && signature.every((byte, i) => bytes[i] === byte);
    if (!starts(PNG) && !starts(JPEG)) {
      throw new DomainError(DomainErrorCode.RemoteImageRefused, 'the URL does not serve a PNG or JPEG image.');
    }
    return Uint8Array.from(bytes);
  }
}
