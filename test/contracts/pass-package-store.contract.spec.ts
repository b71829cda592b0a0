import { PassPackageStore } from '../../src/adapters/outbound/package-cache/pass-package-store';
import { implementations, runContract } from './harness';
import { anOwner, aStoredPass, aStoredTemplate } from './fixtures';
import { passPackageStoreContract, storeOf } from './pass-package-store.contract';

runContract(passPackageStoreContract);

const databases = implementations().filter(([name]) => name.startsWith('MikroORM'));

describe.each(databases)('MikroOrmPassPackageStore: %s', (_name, setup) => {
  const run = setup === null ? it.skip : it;

  run('deletes a package with its pass', async () => {
    const harness = await setup!();
    try {
      const store: PassPackageStore = storeOf(harness);
      const owner = await anOwner(harness.repos);
      const pass = await aStoredPass(harness.repos, owner.template, 'SN-1');
      await store.save(pass.id, 'key', Buffer.from('package'));

      await harness.repos.passes.remove(pass);

      const rows = await harness.orm!.em.fork().getConnection().execute('select count(*) as "count" from "pass_packages"');
      expect(Number((rows as Array<{ count: number | string }>)[0].count)).toBe(0);
    } finally {
      await harness.teardown();
    }
  });

  run('refuses only the package of a pass that does not exist among packages saved together', async () => {
    const harness = await setup!();
    try {
      const store = storeOf(harness);
      const owner = await anOwner(harness.repos);
      const pass = await aStoredPass(harness.repos, owner.template, 'SN-1');

      const results = await Promise.allSettled([
        store.save(pass.id, 'version-1', Buffer.from('one')),
        store.save(987654, 'version-1', Buffer.from('orphan')),
        store.save(pass.id, 'version-2', Buffer.from('two')),
      ]);

      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await store.find(pass.id, 'version-1')).toBeNull();
      expect((await store.find(pass.id, 'version-2'))?.toString()).toBe('two');
    } finally {
      await harness.teardown();
    }
  });

  run('refuses a package for a pass that does not exist, so a deleted pass leaves nothing behind', async () => {
    const harness = await setup!();
    try {
      // SQLite: "FOREIGN KEY constraint failed"; PostgreSQL: "violates foreign key constraint".
      await expect(storeOf(harness).save(987654, 'key', Buffer.from('package'))).rejects.toMatchObject({
        message: expect.stringMatching(/foreign key/i),
      });
    } finally {
      await harness.teardown();
    }
  });

  run("deletes a template's files with the template", async () => {
    const harness = await setup!();
    try {
      const store = storeOf(harness);
      const owner = await anOwner(harness.repos);
      const template = await aStoredTemplate(harness.repos, owner);
      await store.saveFiles(template.id, new Map([['d-logo', Buffer.from('logo')]]));
      await store.saveFiles(owner.template.id, new Map([['d-logo', Buffer.from('logo')]]));

      await harness.repos.templates.remove(template);

      expect((await store.findFiles(template.id, ['d-logo'])).size).toBe(0);
      expect((await store.findFiles(owner.template.id, ['d-logo'])).size).toBe(1);
    } finally {
      await harness.teardown();
    }
  });
});
