import { createHash } from 'node:crypto';
import type { PackageVersion } from '../../../domain/ports/pass-packager';

/**
 * Names everything a signed package is built from, so that a package is served only for exactly
 * that input: the pass and its version (`version` and `updatedAt`, which every change advances),
 * the template's version (its design, images and localizations), the pass type's version (new
 * signing material advances it), and a digest of the webServiceURL written into pass.json (a new
 * PUBLIC_BASE_URL must not serve packages made before).
 */
export function packageCacheKey(version: PackageVersion, webServiceUrl: string): string {
  const context = urlDigest(webServiceUrl);
  return [
    `pass:${version.passId}:${version.passVersion}:${version.passUpdatedAt.getTime()}`,
    `template:${version.templateId}:${version.templateUpdatedAt.getTime()}`,
    `passtype:${version.passTypeId}:${version.passTypeUpdatedAt.getTime()}`,
    `url:${context}`,
  ].join('|');
}

/** The service has one webServiceURL: its digest is made once, not for every package request. */
const urlDigests = new Map<string, string>();

function urlDigest(webServiceUrl: string): string {
  let digest = urlDigests.get(webServiceUrl);
  if (digest === undefined) {
    digest = createHash('sha256').update(webServiceUrl).digest('hex').slice(0, 16);
    urlDigests.set(webServiceUrl, digest);
  }
  return digest;
}
