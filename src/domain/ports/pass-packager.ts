import type { Pass } from '../pass';
import type { PassTemplate } from '../pass-template';
import type { PassType } from '../pass-type';

export interface PackageInput {
  pass: Pass;
  template: PassTemplate;
  passType: PassType;
}

/** Builds the signed `.pkpass` (zip of pass.json, images, localizations, manifest.json, signature). */
export abstract class PassPackager {
  abstract package(input: PackageInput): Promise<Buffer>;
}
