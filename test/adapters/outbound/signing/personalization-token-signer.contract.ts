import { DomainErrorCode } from '../../../../src/domain/errors';
import type { PassType } from '../../../../src/domain/pass-type';
import type { PersonalizationTokenSigner } from '../../../../src/domain/ports/personalization-token-signer';
import { signingPassType } from '../../../support/signing-fixtures';
import { ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';

export interface SignerUnderTest {
  signer: PersonalizationTokenSigner;
  /** Whether `signature` is, by this implementation's own check, the signature of `token` by `passType`. */
  verifies(passType: PassType, token: string, signature: Buffer, certs: ThrowawayCerts): boolean;
}

/** What every PersonalizationTokenSigner must do; the real one's verifier is `openssl smime -verify`. */
export function personalizationTokenSignerContract(name: string, create: () => SignerUnderTest): void {
  describe(`${name} (PersonalizationTokenSigner contract)`, () => {
    let certs: ThrowawayCerts;
    let passType: PassType;
    const { signer, verifies } = create();

    beforeAll(async () => {
      certs = await throwawayCerts();
      passType = signingPassType(certs.material);
    });

    it('signs the token into bytes that verify for that very token', async () => {
      const token = 'cGVyc29uYWxpemF0aW9uIHRva2Vu-ünïcödé';

      const signature = await signer.sign(passType, token);

      expect(Buffer.isBuffer(signature)).toBe(true);
      expect(signature.length).toBeGreaterThan(0);
      expect(verifies(passType, token, signature, certs)).toBe(true);
    });

    it('gives a signature that does not verify another token', async () => {
      const signature = await signer.sign(passType, 'token-A');

      expect(verifies(passType, 'token-B', signature, certs)).toBe(false);
      expect(verifies(passType, 'token-A ', signature, certs)).toBe(false);
    });

    it('signs with an encrypted key', async () => {
      const encrypted = signingPassType(certs.encryptedPkcs8Material);

      expect(verifies(encrypted, 'token', await signer.sign(encrypted, 'token'), certs)).toBe(true);
    });

    it('refuses material it cannot sign with as SIGNING_MATERIAL_INVALID', async () => {
      const broken = signingPassType({ ...certs.material, privateKeyPem: 'not a key' });

      await expect(signer.sign(broken, 'token')).rejects.toMatchObject({ code: DomainErrorCode.SigningMaterialInvalid });
    });
  });
}
