import { generateKeyPairSync } from 'node:crypto';
import { openPrivateKey } from '../../../../src/adapters/outbound/signing/private-key';

describe('openPrivateKey', () => {
  // Legacy PEM encryption has no integrity check: about 1 in 256 wrong passphrases pass the CBC
  // padding check and fail later, while decoding. Enough attempts meet that case nearly every run.
  it('calls every wrong passphrase of an encrypted legacy key a passphrase problem', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' }) as string;
    expect(openPrivateKey(pem, 'right').asymmetricKeyType).toBe('rsa');
    for (let attempt = 0; attempt < 2_000; attempt += 1) {
      expect(() => openPrivateKey(pem, `wrong-${attempt}`)).toThrow('the passphrase does not open the encrypted private key');
    }
  });

  it('says when the text is no key at all', () => {
    expect(() => openPrivateKey('garbage', null)).toThrow(/not a PEM private key/);
  });
});
