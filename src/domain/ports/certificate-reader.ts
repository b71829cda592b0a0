import type { SigningMaterial } from '../pass-type';

export interface SigningIdentity {
  /** From the certificate's UID, as Apple writes it in Pass Type ID certificates. */
  passTypeIdentifier: string | null;
  /** From the certificate's OU. */
  teamIdentifier: string | null;
  expiresAt: Date;
  /** True when the signer is not issued by Apple's WWDR CA. */
  development: boolean;
}

/** Reads what a signer certificate says about itself and checks that key, certificate and WWDR fit together. */
export abstract class CertificateReader {
  /** SIGNING_MATERIAL_INVALID when the key does not open, does not match the certificate, or WWDR did not issue it. */
  abstract inspect(material: SigningMaterial): SigningIdentity;
}
