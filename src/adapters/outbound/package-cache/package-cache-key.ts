import { createHash } from 'node:crypto';
import type { PackageInput } from '../../../domain/ports/pass-packager';

/**
 * Names everything a signed package is built from, so that a package is served only for exactly
 * that input: the pass and its version (`version` and `updatedAt`, which every change advances),
 * the template's version (its design, images and localizations), the pass type, and a digest of
 * the signing certificate, the WWDR certificate and the webServiceURL written into pass.json (a
 * re-imported certificate or a new PUBLIC_BASE_URL must not serve packages made before).
 * Null for a pass that has no id yet: nothing to key it by.
 */
export function packageCacheKey(input: PackageInput, webServiceUrl: string): string | null {
  const { pass, template, passType } = input;
  if (typeof pass.id !== 'number') return null;
  const context = createHash('sha256')
    .update(passType.certificatePem)
    .update('\u0000')
    .update(passType.wwdrCertificatePem)
    .update('\u0000')
    .update(webServiceUrl)
    .digest('hex')
    .slice(0, 32);
  return [
    `pass:${pass.id}:${pass.version}:${pass.updatedAt.getTime()}`,
    `template:${template.id}:${template.updatedAt.getTime()}`,
    `passtype:${passType.id}:${context}`,
  ].join('|');
}
