import { Account, ApiKey } from '../../src/domain/account';
import { DomainErrorCode } from '../../src/domain/errors';

const now = new Date('2026-03-01T10:00:00.000Z');

describe('Account', () => {
  it('issues a key shown once and keeps only its hash', () => {
    const { account, apiKey } = Account.create('Acme', now);
    const parsed = ApiKey.parse(apiKey)!;
    expect(parsed).not.toBeNull();
    expect(account.apiKeys).toHaveLength(1);
    expect(account.apiKeys[0].keyId).toBe(parsed.keyId);
    expect(JSON.stringify(account)).not.toContain(parsed.secret);
    expect(account.apiKeys[0].secretHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts its own key and rejects a changed secret or another key id', () => {
    const { account, apiKey } = Account.create('Acme', now);
    const { keyId, secret } = ApiKey.parse(apiKey)!;
    expect(account.acceptsKey(keyId, secret)).toBe(true);
    const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    expect(account.acceptsKey(keyId, flipped)).toBe(false);
    expect(account.acceptsKey(keyId, secret + 'x')).toBe(false);
    expect(account.acceptsKey('0000000000000000', secret)).toBe(false);
  });

  it('rotating revokes the old key', () => {
    const { account, apiKey } = Account.create('Acme', now);
    const old = ApiKey.parse(apiKey)!;
    const next = ApiKey.parse(account.rotateApiKey(new Date(now.getTime() + 1000)))!;
    expect(account.acceptsKey(old.keyId, old.secret)).toBe(false);
    expect(account.acceptsKey(next.keyId, next.secret)).toBe(true);
    expect(account.apiKeys[0].revokedAt).toEqual(new Date(now.getTime() + 1000));
  });

  it.each(['', '   ', 'x'.repeat(201)])('refuses the name %j', (name) => {
    expect(() => Account.create(name, now)).toThrow(expect.objectContaining({ code: DomainErrorCode.AccountNameInvalid }));
  });

  it.each(['', 'pg_', 'pg_zzzzzzzzzzzzzzzzaaaaaaaaaaaaaaaaaaaaaaaa', 'sk_0123456789abcdefaaaaaaaaaaaaaaaaaaaaaa', 'pg_0123456789abcdef'])(
    'does not parse %j as a key',
    (text) => {
      expect(ApiKey.parse(text)).toBeNull();
    },
  );
});
