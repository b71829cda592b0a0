import { createHash, KeyObject, sign, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SigningMaterial } from '../../../domain/pass-type';
import { openPrivateKey } from './private-key';
import { signingMaterialInvalid } from './signing-errors';

/** Object identifiers of RFC 5652 (CMS), RFC 5911 and RFC 8017 (PKCS #1) used below. */
const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

/**
 * Makes the detached CMS (PKCS #7) signature of a pass's manifest.json: SignedData over id-data
 * without the content, signed attributes contentType, signingTime and messageDigest, RSA PKCS #1
 * v1.5 with SHA-256 (what `openssl smime -sign` writes, the command Apple's "Building a pass"
 * uses), and the signer plus WWDR certificates so a device can build the chain to Apple's root.
 * The ASN.1 structures come from pkijs/asn1js; node:crypto (OpenSSL) does the hashing and the RSA
 * signature, on libuv's thread pool so the event loop never waits for it.
 *
 * Certificates and key are parsed once, in {@link CmsManifestSigner.fromMaterial}: a signer is
 * meant to be kept per pass type.
 * @see https://developer.apple.com/documentation/walletpasses/building-a-pass
 * @see https://www.rfc-editor.org/rfc/rfc5652#section-5
 */
export class CmsManifestSigner {
  private constructor(
    private readonly key: KeyObject,
    private readonly signer: pkijs.Certificate,
    private readonly certificates: pkijs.Certificate[],
  ) {}

  /**
   * Opens the key and parses both certificates; throws SIGNING_MATERIAL_INVALID (the same code and
   * wording as the reference packager) when any of them cannot be used.
   */
  static fromMaterial(material: SigningMaterial): CmsManifestSigner {
    let key: KeyObject;
    try {
      key = openPrivateKey(material.privateKeyPem, material.privateKeyPassphrase);
      if (key.asymmetricKeyType !== 'rsa') {
        throw new Error(`it is a ${key.asymmetricKeyType} key; Pass Type ID certificates use RSA keys`);
      }
    } catch (error) {
      throw signingMaterialInvalid('The signer private key cannot be opened', error);
    }
    const signer = parseCertificate(material.certificatePem, 'The signer certificate cannot be read');
    const wwdr = parseCertificate(material.wwdrCertificatePem, 'The WWDR certificate cannot be read');
    // A key of another certificate would still make a signature, one no device accepts; say so now.
    if (!signer.x509.checkPrivateKey(key)) {
      throw signingMaterialInvalid(
        'The signer private key cannot be used',
        new Error('it does not belong to the signer certificate'),
      );
    }
    return new CmsManifestSigner(key, signer.pkijs, [signer.pkijs, wwdr.pkijs]);
  }

  /** DER of a ContentInfo holding the detached SignedData over `content`. */
  async sign(content: Uint8Array, signingTime: Date): Promise<Buffer> {
    const attributes = signedAttributes(createHash('sha256').update(content).digest(), signingTime);
    // RFC 5652 5.4: the signature covers the DER of the attributes as an explicit SET OF, not the
    // [0] IMPLICIT form they travel in.
    const toBeSigned = new asn1js.Set({ value: attributes.map((attribute) => attribute.toSchema()) }).toBER();
    const signature = await rsaSha256(Buffer.from(toBeSigned), this.key);

    const sha256 = () => new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() });
    const signerInfo = new pkijs.SignerInfo({
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: this.signer.issuer, serialNumber: this.signer.serialNumber }),
      digestAlgorithm: sha256(),
      signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() }),
      signature: new asn1js.OctetString({ valueHex: signature }),
    });
    const signedData = new pkijs.SignedData({
      version: 1,
      digestAlgorithms: [sha256()],
      // Detached: eContent is absent, manifest.json travels next to the signature in the package.
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
      certificates: this.certificates,
      signerInfos: [signerInfo],
    });
    const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema() });
    return Buffer.from(contentInfo.toSchema().toBER());
  }
}

/**
 * contentType and messageDigest are required by RFC 5652 5.3 whenever signed attributes are
 * present; Wallet also requires signingTime. Sorted by their encodings: a SET OF is DER only in
 * that order (X.690 11.6), and OpenSSL re-encodes the attributes in DER before checking the
 * signature, so any other order would verify nowhere.
 */
function signedAttributes(digest: Buffer, signingTime: Date): pkijs.Attribute[] {
  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    // UTCTime: RFC 5652 11.3 requires it for dates from 1950 through 2049.
    new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: signingTime })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
  ];
  return attributes
    .map((attribute) => ({ attribute, der: Buffer.from(attribute.toSchema().toBER()) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map(({ attribute }) => attribute);
}

/** RSASSA-PKCS1-v1_5 with SHA-256, computed on libuv's thread pool (the callback form of crypto.sign). */
function rsaSha256(data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sign('sha256', data, key, (error, signature) => (error ? reject(error) : resolve(signature)));
  });
}

function parseCertificate(pem: string, what: string): { x509: X509Certificate; pkijs: pkijs.Certificate } {
  try {
    const x509 = new X509Certificate(pem);
    // The DER as OpenSSL read it, so the certificate travels in the signature byte for byte.
    return { x509, pkijs: pkijs.Certificate.fromBER(x509.raw) };
  } catch (error) {
    throw signingMaterialInvalid(what, error);
  }
}
