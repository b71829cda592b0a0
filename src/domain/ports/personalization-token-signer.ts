import type { PassType } from '../pass-type';

/**
 * Signs the token of a personalization request: Wallet checks the signature against the pass type
 * before it replaces the pass with its personalized version.
 * @see https://developer.apple.com/documentation/walletpasses/return-a-personalized-pass
 */
export abstract class PersonalizationTokenSigner {
  /**
   * DER of a detached PKCS #7 / CMS SignedData over the UTF-8 bytes of `personalizationToken`,
   * made with the pass type's certificate and key, with the WWDR certificate and a signingTime
   * attribute, like a pass's signature. SIGNING_MATERIAL_INVALID when the material cannot sign.
   */
  abstract sign(passType: PassType, personalizationToken: string): Promise<Buffer>;
}
