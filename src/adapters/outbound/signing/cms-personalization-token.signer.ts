import { Injectable } from '@nestjs/common';
import type { PassType } from '../../../domain/pass-type';
import { PersonalizationTokenSigner } from '../../../domain/ports/personalization-token-signer';
import { CmsManifestSigner } from './cms-signature';

/**
 * The personalization token's signature is the same detached CMS signature as a pass's manifest
 * (Apple: "a PKCS #7 signature of the personalization token"), so the pass signer makes it.
 * The signing material is parsed on each call: a holder enrolls once per pass, so keeping parsed
 * keys per pass type (as the packager does, for every download) would buy nothing.
 * @see https://developer.apple.com/documentation/walletpasses/return-a-personalized-pass
 */
@Injectable()
export class CmsPersonalizationTokenSigner extends PersonalizationTokenSigner {
  async sign(passType: PassType, personalizationToken: string): Promise<Buffer> {
    return CmsManifestSigner.fromMaterial(passType).sign(Buffer.from(personalizationToken, 'utf8'), new Date());
  }
}
