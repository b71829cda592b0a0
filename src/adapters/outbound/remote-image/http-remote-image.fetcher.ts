import { DomainError, DomainErrorCode } from '../../../domain/errors';
import { RemoteImageFetcher } from '../../../domain/ports/remote-image-fetcher';

export interface HttpRemoteImageFetcherOptions {
  /**
   * Lower-case `host` or `host:port` entries; empty refuses every URL. A bare host allows only the
   * scheme's default port (80, 443): other ports on an image host are other services.
   */
  allowedHosts: readonly string[];
  maxBytes: number;
  /** For the whole fetch: connection, redirects and body. */
  timeoutMs: number;
}

const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

function refused(why: string): DomainError {
  return new DomainError(DomainErrorCode.RemoteImageRefused, why);
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length > signature.length && signature.every((byte, index) => bytes[index] === byte);
}

/**
 * Fetches client-named images over HTTP(S) with Node's fetch. It reaches only hosts and ports an
 * operator listed (the URL comes from an API client, and an open fetcher would let clients probe
 * the internal network), follows at most three redirects and only on the same host, stops reading at
 * `maxBytes` and at `timeoutMs`, and checks by content, not by Content-Type, that it got a PNG or
 * JPEG image.
 */
export class HttpRemoteImageFetcher extends RemoteImageFetcher {
  constructor(private readonly options: HttpRemoteImageFetcherOptions) {
    super();
  }

  async fetch(url: string): Promise<Uint8Array> {
    let target = this.checked(url);
    const hostname = target.hostname;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      for (let redirects = 0; ; redirects += 1) {
        const response = await fetch(target, { redirect: 'manual', signal, headers: { accept: 'image/png, image/jpeg' } });
        if (REDIRECTS.has(response.status)) {
          await response.body?.cancel();
          const location = response.headers.get('location');
          if (location === null) throw refused(`${target.host} answered a redirect without a location.`);
          if (redirects >= MAX_REDIRECTS) throw refused(`the image URL redirects more than ${MAX_REDIRECTS} times.`);
          const next = this.checked(new URL(location, target).toString());
          if (next.hostname !== hostname) throw refused(`the image URL redirects to another host (${next.host}).`);
          target = next;
          continue;
        }
        if (response.status !== 200) {
          await response.body?.cancel();
          throw refused(`${target.host} answered HTTP ${response.status} for the image.`);
        }
        const bytes = await this.body(response);
        if (!startsWith(bytes, PNG) && !startsWith(bytes, JPEG)) throw refused('the URL does not serve a PNG or JPEG image.');
        return bytes;
      }
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (signal.aborted) throw refused(`the image was not fetched within ${this.options.timeoutMs} ms.`);
      // Network details (addresses, resolver errors) stay out of the client's answer.
      throw refused(`${target.host} could not be reached.`);
    }
  }

  /** A URL the fetcher may reach, or REMOTE_IMAGE_REFUSED naming why not. */
  private checked(text: string): URL {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw refused(`"${text.slice(0, 200)}" is not an absolute URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused('only http and https image URLs are fetched.');
    if (url.username !== '' || url.password !== '') throw refused('image URLs with credentials are not fetched.');
    // URL normalises host names (lower case, IPv4 forms, punycode) and drops a default port from `host`.
    const allowed = this.options.allowedHosts;
    const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
    if (!allowed.includes(url.host) && !allowed.includes(`${url.hostname}:${port}`)) {
      throw refused(`the host ${url.host} is not on this server's list of image hosts.`);
    }
    return url;
  }

  private async body(response: Response): Promise<Uint8Array> {
    const max = this.options.maxBytes;
    const declared = Number(response.headers.get('content-length'));
    const tooLarge = () => refused(`the image is larger than ${max} bytes.`);
    if (Number.isFinite(declared) && declared > max) {
      await response.body?.cancel();
      throw tooLarge();
    }
    if (response.body === null) return new Uint8Array();
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
    return new Uint8Array(Buffer.concat(chunks));
  }
}
