import type { Pass } from '../pass';
import type { PassTemplate } from '../pass-template';
import type { PassType } from '../pass-type';

export interface PackageInput {
  pass: Pass;
  template: PassTemplate;
  passType: PassType;
}

/**
 * Names what a package is built from, by identity and version: every change to a pass advances
 * its `version` and `updatedAt`, every change to a template its `updatedAt`, and new signing
 * material its pass type's `updatedAt`. Two inputs with the same PackageVersion make the same
 * package, so a package built once can be served for it without loading anything else.
 */
export interface PackageVersion {
  passId: number;
  passVersion: number;
  passUpdatedAt: Date;
  templateId: number;
  templateUpdatedAt: Date;
  passTypeId: number;
  passTypeUpdatedAt: Date;
}

export function packageVersionOf({ pass, template, passType }: PackageInput): PackageVersion {
  return {
    passId: pass.id,
    passVersion: pass.version,
    passUpdatedAt: pass.updatedAt,
    templateId: template.id,
    templateUpdatedAt: template.updatedAt,
    passTypeId: passType.id,
    passTypeUpdatedAt: passType.updatedAt,
  };
}

/** Builds the signed `.pkpass` (zip of pass.json, images, localizations, manifest.json, signature). */
export abstract class PassPackager {
  abstract package(input: PackageInput): Promise<Buffer>;

  /**
   * The package built before for exactly this version, when one is at hand without loading the
   * pass or signing (a cache in front of a packager); null otherwise. A packager that only builds
   * has none.
   */
  findBuilt(_version: PackageVersion): Promise<Buffer | null> {
    return Promise.resolve(null);
  }
}
