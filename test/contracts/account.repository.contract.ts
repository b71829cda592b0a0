import { Account, ApiKey } from '../../src/domain/account';
import { anAccount } from '../support/builders';
import { snapshot, type HarnessSetup, type RepositoryHarness, type Repositories } from './harness';

const CREATED = new Date('2026-01-02T03:04:05.678Z');

function secretOf(plaintext: string): { keyId: string; secret: string } {
  return ApiKey.parse(plaintext)!;
}

export function accountRepositoryContract(name: string, setup: HarnessSetup): void {
  describe(`AccountRepository contract: ${name}`, () => {
    let harness: RepositoryHarness;
    let repos: Repositories;

    beforeEach(async () => {
      harness = await setup();
      repos = harness.repos;
    });

    afterEach(async () => {
      await harness?.teardown();
    });

    it('assigns an id on add and gives the account back with its keys', async () => {
      const { account, apiKey } = anAccount('Acme', CREATED);
      const added = await repos.accounts.add(account);
      expect(added).toBe(account);
      expect(typeof account.id).toBe('number');

      const loaded = await repos.accounts.findById(account.id);
      expect(loaded).toBeInstanceOf(Account);
      expect(snapshot(loaded)).toStrictEqual(snapshot(account));
      expect(loaded!.apiKeys[0]).toBeInstanceOf(ApiKey);
      expect(loaded!.createdAt.getTime()).toBe(CREATED.getTime());
      const { keyId, secret } = secretOf(apiKey);
      expect(loaded!.acceptsKey(keyId, secret)).toBe(true);
      expect(await repos.accounts.findById(account.id + 1000)).toBeNull();
    });

    it('finds the account owning a key id, whether the key is active or revoked', async () => {
      const { account, apiKey: first } = anAccount('Acme', CREATED);
      await repos.accounts.add(account);
      const other = await repos.accounts.add(anAccount('Other', CREATED).account);

      const rotatedAt = new Date('2026-01-02T03:04:06.001Z');
      const second = account.rotateApiKey(rotatedAt);
      await repos.accounts.save(account);

      const byOld = await repos.accounts.findByApiKeyId(secretOf(first).keyId);
      const byNew = await repos.accounts.findByApiKeyId(secretOf(second).keyId);
      expect(byOld?.id).toBe(account.id);
      expect(byNew?.id).toBe(account.id);
      expect((await repos.accounts.findByApiKeyId(other.apiKeys[0].keyId))?.id).toBe(other.id);
      expect(await repos.accounts.findByApiKeyId('0123456789abcdef')).toBeNull();

      expect(byNew!.apiKeys.map((key) => key.keyId)).toEqual(account.apiKeys.map((key) => key.keyId));
      expect(byNew!.apiKeys[0].revokedAt?.toISOString()).toBe('2026-01-02T03:04:06.001Z');
      expect(byNew!.apiKeys[1].revokedAt).toBeNull();
      expect(byNew!.acceptsKey(secretOf(first).keyId, secretOf(first).secret)).toBe(false);
      expect(byNew!.acceptsKey(secretOf(second).keyId, secretOf(second).secret)).toBe(true);
    });

    it('answers key lookups made together, each with an account of its own and its keys, or none', async () => {
      const { account, apiKey: first } = anAccount('Acme', CREATED);
      await repos.accounts.add(account);
      const second = account.rotateApiKey(new Date('2026-01-02T03:04:06.001Z'));
      await repos.accounts.save(account);
      const other = await repos.accounts.add(anAccount('Other', CREATED).account);

      const found = await Promise.all(
        [secretOf(second).keyId, other.apiKeys[0].keyId, '0123456789abcdef', secretOf(first).keyId].map((keyId) => repos.accounts.findByApiKeyId(keyId)),
      );

      expect(found.map((owner) => owner?.id ?? null)).toEqual([account.id, other.id, null, account.id]);
      expect(found[3]).not.toBe(found[0]);
      expect(found[0]!.apiKeys.map((key) => key.keyId)).toEqual(account.apiKeys.map((key) => key.keyId));
      expect(found[1]!.apiKeys.map((key) => key.keyId)).toEqual([other.apiKeys[0].keyId]);
      expect(found[0]!.acceptsKey(secretOf(second).keyId, secretOf(second).secret)).toBe(true);
    });

    it('stores changes to a loaded account and keeps its keys in the order they were issued', async () => {
      const { account } = anAccount('Acme', CREATED);
      await repos.accounts.add(account);
      const loaded = (await repos.accounts.findById(account.id))!;
      loaded.name = 'Acme Renamed';
      const at = new Date('2026-01-02T03:04:05.678Z');
      loaded.rotateApiKey(at);
      loaded.rotateApiKey(at);
      await repos.accounts.save(loaded);

      const reloaded = await repos.accounts.findById(account.id);
      expect(snapshot(reloaded)).toStrictEqual(snapshot(loaded));
      expect(reloaded!.apiKeys.filter((key) => key.active)).toHaveLength(1);
      expect(reloaded!.apiKeys).toHaveLength(3);
    });

    it('hands out detached objects: a change not saved is not stored', async () => {
      const { account } = anAccount('Acme', CREATED);
      await repos.accounts.add(account);
      const loaded = (await repos.accounts.findById(account.id))!;
      loaded.name = 'Not saved';
      loaded.rotateApiKey(CREATED);
      await repos.accounts.add(anAccount('Another', CREATED).account);
      const reloaded = (await repos.accounts.findById(account.id))!;
      expect(reloaded.name).toBe('Acme');
      expect(reloaded.apiKeys).toHaveLength(1);
    });

    it('refuses to save an account that was never added', async () => {
      const { account } = anAccount('Ghost', CREATED);
      account.id = 424_242;
      await expect(repos.accounts.save(account)).rejects.toThrow();
      expect(await repos.accounts.findById(424_242)).toBeNull();
    });
  });
}
