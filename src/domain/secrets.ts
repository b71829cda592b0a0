import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** URL-safe random text of `bytes` random bytes. */
export function randomUrlSafe(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Compares two secrets in time that depends only on the length of `expected`, so a caller cannot
 * learn a stored secret byte by byte from response times.
 */
export function constantTimeEquals(given: string, expected: string): boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  const givenBytes = Buffer.from(given, 'utf8');
  const comparable = Buffer.alloc(expectedBytes.length);
  givenBytes.copy(comparable, 0, 0, expectedBytes.length);
  return timingSafeEqual(comparable, expectedBytes) && givenBytes.length === expectedBytes.length;
}
