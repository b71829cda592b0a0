import { CreateAccount } from '../../src/application/create-account.use-case';
import { RotateApiKey } from '../../src/application/rotate-api-key.use-case';
import { DomainErrorCode } from '../../src/domain/errors';
import { useCaseFixture } from './use-case-fixture';

describe('CreateAccount, AuthenticateApiKey and RotateApiKey', () => {
  it('authenticates with the key shown at creation and nothing else', async () => {
    const { authenticate, apiKey, account, accounts, clock } = await useCaseFixture();
    expect((await authenticate.execute(apiKey))?.id).toBe(account.id);
    expect(await authenticate.execute(apiKey.slice(0, -2) + 'zz')).toBeNull();
    expect(await authenticate.execute('')).toBeNull();
    expect(await authenticate.execute('not a key')).toBeNull();
    const other = await new CreateAccount(accounts, clock).execute('Other');
    expect((await authenticate.execute(other.apiKey))?.id).toBe(other.account.id);
  });

  it('rotating invalidates the old key', async () => {
    const { authenticate, apiKey, account, accounts, clock } = await useCaseFixture();
    const rotated = await new RotateApiKey(accounts, clock).execute(account.id);
    expect(rotated.apiKey).not.toBe(apiKey);
    expect(await authenticate.execute(apiKey)).toBeNull();
    expect((await authenticate.execute(rotated.apiKey))?.id).toBe(account.id);
    await expect(new RotateApiKey(accounts, clock).execute(999)).rejects.toMatchObject({
      code: DomainErrorCode.AccountNotFound,
    });
  });
});
