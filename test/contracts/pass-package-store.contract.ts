import { randomBytes } from 'node:crypto';
import { MikroOrmPassPackageStore } from '../../src/adapters/outbound/package-cache/mikro-orm-pass-package.store';
import type { PassPackageStore } from '../../src/adapters/outbound/package-cache/pass-package-store';
import { InMemoryPassPackageStore } from '../fakes/in-memory-pass-package.store';
import { anOwner, aStoredPass, aStoredTemplate } from './fixtures';
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
    let templateIds: number[];

    beforeEach(async () => {
      harness = await setup();
      store = storeOf(harness);
      const owner = await anOwner(harness.repos);
      passIds = [];
      for (const serial of ['SN-1', 'SN-2']) passIds.push((await aStoredPass(harness.repos, owner.template, serial)).id);
      templateIds = [owner.template.id, (await aStoredTemplate(harness.repos, owner)).id];
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

    it("gives a template's stored files back by digest, and leaves out digests it does not hold", async () => {
      const [logo, icon] = [randomBytes(9000), randomBytes(1500)];
      await store.saveFiles(templateIds[0], new Map([['d-logo', logo], ['d-icon', icon]]));

      const found = await store.findFiles(templateIds[0], ['d-icon', 'd-unknown', 'd-logo']);

      expect([...found.keys()].sort()).toEqual(['d-icon', 'd-logo']);
      expect(found.get('d-logo')!.equals(logo)).toBe(true);
      expect(found.get('d-icon')!.equals(icon)).toBe(true);
      expect((await store.findFiles(templateIds[0], [])).size).toBe(0);
    });

    it("keeps each template's files to itself", async () => {
      await store.saveFiles(templateIds[0], new Map([['d-shared', Buffer.from('first template')]]));
      await store.saveFiles(templateIds[1], new Map([['d-shared', Buffer.from('second template')], ['d-own', Buffer.from('own')]]));

      expect((await store.findFiles(templateIds[0], ['d-shared'])).get('d-shared')?.toString()).toBe('first template');
      expect((await store.findFiles(templateIds[0], ['d-own'])).size).toBe(0);
      expect((await store.findFiles(templateIds[1], ['d-shared'])).get('d-shared')?.toString()).toBe('second template');
    });

    it("forgets a template's files that its newer version no longer has, and only that template's", async () => {
      await store.saveFiles(templateIds[0], new Map([['d-old', Buffer.from('old')], ['d-kept', Buffer.from('kept')]]));
      await store.saveFiles(templateIds[1], new Map([['d-old', Buffer.from('other template')]]));

      await store.saveFiles(templateIds[0], new Map([['d-kept', Buffer.from('kept')], ['d-new', Buffer.from('new')]]));

      expect([...(await store.findFiles(templateIds[0], ['d-old', 'd-kept', 'd-new'])).keys()].sort()).toEqual(['d-kept', 'd-new']);
      expect((await store.findFiles(templateIds[1], ['d-old'])).get('d-old')?.toString()).toBe('other template');
      await store.saveFiles(templateIds[0], new Map());
      expect((await store.findFiles(templateIds[0], ['d-kept', 'd-new'])).size).toBe(0);
    });

    it('lets several instances store the same files at once without failing', async () => {
      const files = new Map([['d-logo', randomBytes(4000)]]);

      await Promise.all(Array.from({ length: 6 }, () => store.saveFiles(templateIds[0], files)));

      expect((await store.findFiles(templateIds[0], ['d-logo'])).get('d-logo')!.equals(files.get('d-logo')!)).toBe(true);
    });
  });
}
