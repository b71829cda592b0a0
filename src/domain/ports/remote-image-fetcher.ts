/**
 * Fetches an image a client names by URL (Skycore's THUMBNAILURL). The adapter decides which hosts
 * may be reached and enforces a size limit, a timeout and an image-type check; anything else is
 * REMOTE_IMAGE_REFUSED with a message that says why.
 */
export abstract class RemoteImageFetcher {
  abstract fetch(url: string): Promise<Uint8Array>;
}
