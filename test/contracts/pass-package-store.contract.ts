import { randomBytes } from 'node:crypto';
import { MikroOrmPassPackageStore } from '../../src/adapters/outbound/package-cache/mikro-orm-pass-package.store';
import type { PassPackageStore } from '../../src/adapters/outbound/package-cache/pass-package-store';
import { InMemoryPassPackageStore } from '../fakes/in-memory-pass-package.store';
import { anOwner, aStoredPass } from './fixtures';
import type { HarnessSetup, RepositoryHarness } from './harness';

/** The MikroORM store over the harness's database, the fake for the in-memory harness. */
export function storeOf(harness: RepositoryHarness): PassPackageStore {
  return harness.orm ? new MikroOrmPassPackageStore(harness.orm) : new InMemoryPassPackageStore();
}

export function passPackageStoreContract(name: string, setup: HarnessSetup): void {
  describe(`PassPackageStore contract: ${name}`, () => {
    let harness: RepositoryHarness;
    let store: PassPackageStore;
    let passIds: number[];

    beforeEach(async () => {
      harness = await setup();
      store = storeOf(harness);
      const owner = await anOwner(harness.repos);
      passIds = [];
      for (const serial of ['SN-1', 'SN-2']) passIds.push((await aStoredPass(harness.repos, owner.template, serial)).id);
    });

    afterEach(async () => {
      await harness?.teardown();
    });

    it('finds nothing for a pass whose package was never stored', async () => {
      expect(await store.find(passIds[0], 'key-1')).toBeNull();
    });

    it('gives the stored bytes back, exactly, only under the key they were stored with', async () => {
      const bytes = randomBytes(64 * 1024);
      bytes[0] = 0;
      await store.save(passIds[0], 'key-1', bytes);

      const found = await store.find(passIds[0], 'key-1');

      expect(Buffer.isBuffer(found)).toBe(true);
      expect(found!.equals(bytes)).toBe(true);
      expect(await store.find(passIds[0], 'key-2')).toBeNull();
      expect(await store.find(passIds[1], 'key-1')).toBeNull();
    });

    it('answers reads made together, each with its own package or none', async () => {
      await store.save(passIds[0], 'key-1', Buffer.from('first'));
      await store.save(passIds[1], 'key-2', Buffer.from('second'));

      const found = await Promise.all([
        store.find(passIds[1], 'key-2'),
        store.find(passIds[0], 'key-2'),
        store.find(passIds[0], 'key-1'),
        store.find(passIds[1] + 1000, 'key-1'),
        store.find(passIds[0], 'key-1'),
      ]);

      expect(found.map((bytes) => bytes?.toString() ?? null)).toEqual(['second', null, 'first', null, 'first']);
    });

    it("replaces a pass's package when a newer one is stored", async () => {
      await store.save(passIds[0], 'version-1', Buffer.from('one'));
      await store.save(passIds[0], 'version-2', Buffer.from('two'));
      await store.save(passIds[1], 'version-1', Buffer.from('other pass'));

      expect(await store.find(passIds[0], 'version-1')).toBeNull();
      expect((await store.find(passIds[0], 'version-2'))?.toString()).toBe('two');
      expect((await store.find(passIds[1], 'version-1'))?.toString()).toBe('other pass');
    });

    it('stores packages saved together, each under its own key, and of one pass the last saved', async () => {
      await Promise.all([
        store.save(passIds[0], 'version-1', Buffer.from('one')),
        store.save(passIds[1], 'version-1', Buffer.from('other pass')),
        store.save(passIds[0], 'version-2', Buffer.from('two')),
      ]);

      expect(await store.find(passIds[0], 'version-1')).toBeNull();
      expect((await store.find(passIds[0], 'version-2'))?.toString()).toBe('two');
      expect((await store.find(passIds[1], 'version-1'))?.toString()).toBe('other pass');
    });

    it('lets several writers store the same pass at once without failing; one of them wins whole', async () => {
      const writes = Array.from({ length: 8 }, (_, index) => ({ key: `key-${index % 2}`, bytes: Buffer.from(`package ${index}`) }));

      await Promise.all(writes.map((write) => store.save(passIds[0], write.key, write.bytes)));

      const found = await Promise.all(['key-0', 'key-1'].map((key) => store.find(passIds[0], key)));
      const winners = found.filter((bytes): bytes is Buffer => bytes !== null);
      expect(winners).toHaveLength(1);
      expect(writes.map((write) => write.bytes.toString())).toContain(winners[0].toString());
    });
  });
}
