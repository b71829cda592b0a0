import type { FastifyReply } from 'fastify';
import type { Pass } from '../../../domain/pass';

/** @see https://developer.apple.com/documentation/walletpasses/distributing-and-updating-a-pass */
export const PKPASS_CONTENT_TYPE = 'application/vnd.apple.pkpass';

/** A file name for the package that any file system takes: the serial number, reduced to safe characters. */
export function packageFileName(serialNumber: string): string {
  const safe = serialNumber.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 64);
  return `${safe === '' ? 'pass' : safe}.pkpass`;
}

/**
 * Sends a signed package. Safari hands `application/vnd.apple.pkpass` to Wallet; other clients
 * save it under the file name. The links carry the pass's secret token, so neither the package
 * nor the URL may linger in shared caches or be passed on as a referrer.
 */
export function sendPassPackage(reply: FastifyReply, pass: Pass, bytes: Buffer): FastifyReply {
  return reply
    .status(200)
    .header('content-type', PKPASS_CONTENT_TYPE)
    .header('content-disposition', `attachment; filename="${packageFileName(pass.serialNumber)}"`)
    .header('content-length', bytes.length)
    .header('last-modified', pass.updatedAt.toUTCString())
    .header('cache-control', 'private, no-cache')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(bytes);
}
