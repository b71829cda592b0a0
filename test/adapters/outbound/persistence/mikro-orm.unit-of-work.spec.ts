import { MikroOrmUnitOfWork } from '../../../../src/adapters/outbound/persistence/mikro-orm.unit-of-work';
import { implementations } from '../../../contracts/harness';
import { aPass, aRegistration } from '../../../support/builders';
import { anOwner } from '../../../contracts/fixtures';

const databases = implementations().filter(([name]) => name.startsWith('MikroORM'));

/** What the update flow relies on: repository calls inside `atomically` share one transaction. */
describe.each(databases)('MikroOrmUnitOfWork: %s', (name, setup) => {
  const run = setup === null ? it.skip : it;

  run('commit together and roll back together', async () => {
    const harness = await setup!();
    try {
      const { repos, orm } = { repos: harness.repos, orm: harness.orm! };
      const owner = await anOwner(repos);
      const pass = await repos.passes.add(aPass(owner.template, 'SN-TX'));

      await expect(
        new MikroOrmUnitOfWork(orm).atomically(async () => {
          const loaded = (await repos.passes.findById(pass.id))!;
          loaded.void(new Date('2026-02-01T00:00:00.000Z'));
          await repos.passes.save(loaded);
          await repos.registrations.register(aRegistration('device-tx', pass.id));
          // Visible inside the transaction...
          expect((await repos.passes.findById(pass.id))!.voided).toBe(true);
          throw new Error('push job could not be recorded');
        }),
      ).rejects.toThrow('push job could not be recorded');
      // ...and gone with it.
      expect((await repos.passes.findById(pass.id))!.voided).toBe(false);
      expect(await repos.registrations.find('device-tx', pass.id)).toBeNull();

      await new MikroOrmUnitOfWork(orm).atomically(async () => {
        const loaded = (await repos.passes.findById(pass.id))!;
        loaded.void(new Date('2026-02-01T00:00:00.000Z'));
        await repos.passes.save(loaded);
        await repos.registrations.register(aRegistration('device-tx', pass.id));
      });
      expect((await repos.passes.findById(pass.id))!.voided).toBe(true);
      expect(await repos.registrations.find('device-tx', pass.id)).not.toBeNull();
    } finally {
      await harness.teardown();
    }
  });

  run('keep the transaction usable after a refused serial number', async () => {
    const harness = await setup!();
    try {
      const { repos, orm } = { repos: harness.repos, orm: harness.orm! };
      const owner = await anOwner(repos);
      await repos.passes.add(aPass(owner.template, 'SN-TAKEN'));
      await new MikroOrmUnitOfWork(orm).atomically(async () => {
        await expect(repos.passes.add(aPass(owner.template, 'SN-TAKEN'))).rejects.toMatchObject({
          code: 'SERIAL_NUMBER_TAKEN',
        });
        await repos.passes.add(aPass(owner.template, 'SN-FREE'));
      });
      expect(await repos.passes.findBySerialNumber(owner.passType.id, 'SN-FREE')).not.toBeNull();
    } finally {
      await harness.teardown();
    }
  });
});
