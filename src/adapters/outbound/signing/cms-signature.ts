import { createHash, KeyObject, randomBytes, randomInt, sign, X509Certificate } from 'node:crypto';
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

/** What changes from one signature to the next; everything else is fixed by the signer. */
interface SignatureValues {
  digest: Buffer;
  signingTime: Date;
}

interface EncodedValues extends SignatureValues {
  /** The encoded signing time, null when it cannot be a UTCTime. */
  time: Buffer | null;
}

/**
 * Makes the detached CMS (PKCS #7) signature of a pass's manifest.json: SignedData over id-data
 * without the content, signed attributes contentType, signingTime and messageDigest, RSA PKCS #1
 * v1.5 with SHA-256 (what `openssl smime -sign` writes, the command Apple's "Building a pass"
 * uses), and the signer plus WWDR certificates so a device can build the chain to Apple's root.
 * The ASN.1 structures are pkijs/asn1js objects; node:crypto (OpenSSL) does the hashing and the
 * RSA signature: on libuv's thread pool, so the event loop never waits for it, or, on a thread that
 * only builds packages, on that thread (see {@link RsaSigning}).
 *
 * Certificates and key are parsed once, in {@link CmsManifestSigner.fromMaterial}: a signer is
 * meant to be kept per pass type. See {@link SignatureLayout} for why a signature costs
 * microseconds of ASN.1 work rather than milliseconds.
 * @see https://developer.apple.com/documentation/walletpasses/building-a-pass
 * @see https://www.rfc-editor.org/rfc/rfc5652#section-5
 */
export class CmsManifestSigner {
  private constructor(
    private readonly key: KeyObject,
    private readonly layout: SignatureLayout,
    private readonly rsaSigning: RsaSigning,
  ) {}

  /**
   * Opens the key and parses both certificates; throws SIGNING_MATERIAL_INVALID (the same code and
   * wording as the reference packager) when any of them cannot be used.
   */
  static fromMaterial(material: SigningMaterial, rsaSigning: RsaSigning = 'thread-pool'): CmsManifestSigner {
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
    const structure = new SignatureStructure(signer.pkijs, [signer.pkijs, wwdr.pkijs]);
    const signatureBytes = (key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8;
    return new CmsManifestSigner(key, SignatureLayout.of(structure, signatureBytes), rsaSigning);
  }

  /** DER of a ContentInfo holding the detached SignedData over `content`. */
  async sign(content: Uint8Array, signingTime: Date): Promise<Buffer> {
    const values = this.layout.encode({ digest: createHash('sha256').update(content).digest(), signingTime });
    const signedAttributes = this.layout.signedAttributes(values);
    const signature = this.rsaSigning === 'inline' ? sign('sha256', signedAttributes, this.key) : await rsaSha256OnThreadPool(signedAttributes, this.key);
    return this.layout.contentInfo(values, signature);
  }
}

/** The pkijs structures of a signature by one signer: the reference for every byte it writes. */
class SignatureStructure {
  constructor(
    private readonly signer: pkijs.Certificate,
    private readonly certificates: pkijs.Certificate[],
  ) {}

  /**
   * contentType and messageDigest are required by RFC 5652 5.3 whenever signed attributes are
   * present; Wallet also requires signingTime. Sorted by their encodings: a SET OF is DER only in
   * that order (X.690 11.6), and OpenSSL re-encodes the attributes in DER before checking the
   * signature, so any other order would verify nowhere.
   */
  attributes(values: SignatureValues): pkijs.Attribute[] {
    const attributes = [
      new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
      new pkijs.Attribute({ type: OID.signingTime, values: [signingTimeValue(values.signingTime)] }),
      new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: values.digest })] }),
    ];
    return attributes
      .map((attribute) => ({ attribute, der: Buffer.from(attribute.toSchema().toBER()) }))
      .sort((a, b) => Buffer.compare(a.der, b.der))
      .map(({ attribute }) => attribute);
  }

  /**
   * What the RSA signature covers: RFC 5652 5.4 signs the DER of the attributes as an explicit
   * SET OF, not the [0] IMPLICIT form they travel in.
   */
  signedAttributes(values: SignatureValues): Buffer {
    return Buffer.from(new asn1js.Set({ value: this.attributes(values).map((attribute) => attribute.toSchema()) }).toBER());
  }

  contentInfo(values: SignatureValues, signature: Buffer): Buffer {
    const sha256 = () => new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() });
    const signerInfo = new pkijs.SignerInfo({
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: this.signer.issuer, serialNumber: this.signer.serialNumber }),
      digestAlgorithm: sha256(),
      signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: this.attributes(values) }),
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
    return Buffer.from(new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema() }).toSchema().toBER());
  }
}

/**
 * asn1js re-encodes a whole tree on every toBER(), certificates included: several times the CPU
 * of the RSA signature itself. But between two signatures by one signer only
 * three values change, and each keeps its encoded length: the signing time (a UTCTime, always 13
 * characters), the SHA-256 digest (an OCTET STRING of 32 bytes) and the RSA signature (an OCTET
 * STRING as long as the modulus). So the layout encodes the structures once with placeholder
 * values, remembers where the placeholders sit, and puts the real values in their place: the
 * digest's and the signature's bytes as they are (the OCTET STRING headers around them stay
 * right), the signing time as asn1js encodes it (once per second). That this gives the very bytes
 * SignatureStructure gives is checked once per signer, on values other than the placeholders; a
 * signing time outside UTCTime's years (from 2050 on, GeneralizedTime, of another length) or a
 * signature of an unexpected length goes through SignatureStructure itself.
 */
class SignatureLayout {
  private lastTime: { second: number; encoded: Buffer } | null = null;

  private constructor(
    private readonly structure: SignatureStructure,
    private readonly attributesTemplate: Buffer,
    private readonly contentInfoTemplate: Buffer,
    private readonly slots: {
      /** Where the encoded UTCTime starts. */
      signingTime: { inAttributes: number; inContentInfo: number };
      /** Where the digest's 32 bytes start, inside their OCTET STRING. */
      digest: { inAttributes: number; inContentInfo: number };
      /** Where the signature's bytes start, inside their OCTET STRING. */
      signature: { inContentInfo: number; length: number };
    },
  ) {}

  static of(structure: SignatureStructure, signatureBytes: number): SignatureLayout {
    // Random placeholders cannot collide with the certificates' bytes but by the rarest chance;
    // a collision is detected (the slot is not unique) and another draw taken.
    for (let attempt = 0; attempt < 5; attempt++) {
      const placeholder = {
        digest: randomBytes(32),
        signingTime: new Date(Date.UTC(1950 + randomInt(100), randomInt(12), 1 + randomInt(28), randomInt(24), randomInt(60), randomInt(60))),
      };
      const signature = randomBytes(signatureBytes);
      const attributes = structure.signedAttributes(placeholder);
      const contentInfo = structure.contentInfo(placeholder, signature);
      const time = der(signingTimeValue(placeholder.signingTime));
      const slots = {
        signingTime: { inAttributes: uniqueOffset(attributes, time), inContentInfo: uniqueOffset(contentInfo, time) },
        digest: { inAttributes: uniqueOffset(attributes, placeholder.digest), inContentInfo: uniqueOffset(contentInfo, placeholder.digest) },
        signature: { inContentInfo: uniqueOffset(contentInfo, signature), length: signatureBytes },
      };
      if ([...Object.values(slots.signingTime), ...Object.values(slots.digest), slots.signature.inContentInfo].includes(-1)) continue;
      const layout = new SignatureLayout(structure, attributes, contentInfo, slots);
      layout.assertMatchesStructure(signatureBytes);
      return layout;
    }
    throw new Error('The signature layout could not be placed (placeholders kept colliding).');
  }

  /**
   * The values with the signing time's encoding, made once for both places it goes (and reused
   * within the same second); `time` is null when the signing time would not be a UTCTime
   * (RFC 5652 11.3), and the structure then encodes it all.
   */
  encode(values: SignatureValues): EncodedValues {
    const year = values.signingTime.getUTCFullYear();
    if (year < 1950 || year >= 2050) return { ...values, time: null };
    const second = Math.floor(values.signingTime.getTime() / 1000);
    if (this.lastTime?.second !== second) this.lastTime = { second, encoded: der(signingTimeValue(values.signingTime)) };
    return { ...values, time: this.lastTime.encoded };
  }

  signedAttributes(values: EncodedValues): Buffer {
    if (values.time === null) return this.structure.signedAttributes(values);
    const bytes = Buffer.from(this.attributesTemplate);
    values.time.copy(bytes, this.slots.signingTime.inAttributes);
    values.digest.copy(bytes, this.slots.digest.inAttributes);
    return bytes;
  }

  contentInfo(values: EncodedValues, signature: Buffer): Buffer {
    if (values.time === null || signature.length !== this.slots.signature.length) {
      return this.structure.contentInfo(values, signature);
    }
    const bytes = Buffer.from(this.contentInfoTemplate);
    values.time.copy(bytes, this.slots.signingTime.inContentInfo);
    values.digest.copy(bytes, this.slots.digest.inContentInfo);
    signature.copy(bytes, this.slots.signature.inContentInfo);
    return bytes;
  }

  private assertMatchesStructure(signatureBytes: number): void {
    const values = { digest: randomBytes(32), signingTime: new Date(Math.floor(Date.now() / 1000) * 1000) };
    const signature = randomBytes(signatureBytes);
    const encoded = this.encode(values);
    const same =
      this.signedAttributes(encoded).equals(this.structure.signedAttributes(values)) &&
      this.contentInfo(encoded, signature).equals(this.structure.contentInfo(values, signature));
    if (!same) throw new Error('The signature layout does not reproduce the pkijs encoding.');
  }
}

/** UTCTime for signing times from 1950 through 2049 (RFC 5652 11.3), GeneralizedTime after. */
function signingTimeValue(date: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  return date.getUTCFullYear() < 2050 ? new asn1js.UTCTime({ valueDate: date }) : new asn1js.GeneralizedTime({ valueDate: date });
}

function der(block: asn1js.BaseBlock): Buffer {
  return Buffer.from(block.toBER());
}

/** Where `part` occurs in `whole`, or -1 unless it occurs exactly once. */
function uniqueOffset(whole: Buffer, part: Buffer): number {
  const offset = whole.indexOf(part);
  return offset !== -1 && whole.indexOf(part, offset + 1) === -1 ? offset : -1;
}

/**
 * Where the RSA signature is computed: on libuv's thread pool (the callback form of crypto.sign),
 * for a signer on the event loop; or inline, for a signer on a thread of its own, where handing
 * each signature to the pool and back only adds CPU (RSA-2048 measured here: 255 µs of CPU inline,
 * 300-390 µs through the pool).
 */
export type RsaSigning = 'thread-pool' | 'inline';

/** RSASSA-PKCS1-v1_5 with SHA-256, computed on libuv's thread pool (the callback form of crypto.sign). */
function rsaSha256OnThreadPool(data: Buffer, key: KeyObject): Promise<Buffer> {
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
