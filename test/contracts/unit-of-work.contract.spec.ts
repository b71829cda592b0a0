import type { UnitOfWork } from '../../src/domain/ports/unit-of-work';
import { InMemoryUnitOfWork } from '../fakes/in-memory-unit-of-work';
import { MikroOrmUnitOfWork } from '../../src/adapters/outbound/persistence/mikro-orm.unit-of-work';
import { implementations } from './harness';

/** What every UnitOfWork does for its caller; rolling back is the database's part (mikro-orm.unit-of-work.spec). */
describe.each(implementations())('UnitOfWork contract: %s', (name, setup) => {
  const run = setup === null ? it.skip : it;

  async function withUnitOfWork(use: (unitOfWork: UnitOfWork) => Promise<void>): Promise<void> {
    const harness = await setup!();
    try {
      await use(harness.orm ? new MikroOrmUnitOfWork(harness.orm) : new InMemoryUnitOfWork());
    } finally {
      await harness.teardown();
    }
  }

  run('returns what the work returns', async () => {
    await withUnitOfWork(async (unitOfWork) => {
      await expect(unitOfWork.atomically(async () => 42)).resolves.toBe(42);
    });
  });

  run('passes on what the work throws', async () => {
    await withUnitOfWork(async (unitOfWork) => {
      await expect(
        unitOfWork.atomically(async () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
    });
  });
});
