import { implementations } from '../../../contracts/harness';
import { MikroORM } from '@mikro-orm/core';
import { migrateDatabase } from '../../../../src/adapters/outbound/persistence/migrate';
import { createMikroOrmOptions } from '../../../../src/adapters/outbound/persistence/mikro-orm.config';
import { migrationsList } from '../../../../src/adapters/outbound/persistence/migrations';

const databases = implementations().filter(([name]) => name.startsWith('MikroORM'));

describe.each(databases)('migrations: %s', (name, setup) => {
  const run = setup === null ? it.skip : it;

  run('apply once; running them again changes nothing', async () => {
    const harness = await setup!();
    try {
      const orm = harness.orm!;
      expect((await orm.getMigrator().getExecutedMigrations()).map((migration) => migration.name)).toEqual(
        migrationsList.map((migration) => migration.name),
      );
      await migrateDatabase(orm, 'sqlite:ignored');
      expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
      expect(await orm.getMigrator().getExecutedMigrations()).toHaveLength(migrationsList.length);
    } finally {
      await harness.teardown();
    }
  });

  run('leave the schema exactly as the mappings describe it, so the next generated migration holds only real changes', async () => {
    const harness = await setup!();
    try {
      const orm = harness.orm!;
      // Only this harness's schema: other tests' tables may share the database.
      const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, schema: orm.config.get('schema') });
      expect(diff.trim()).toBe('');
    } finally {
      await harness.teardown();
    }
  });

  (name.includes('PostgreSQL') ? run : it.skip)('store packages on PostgreSQL uncompressed, and in their row while they fit in a page (toast_tuple_target)', async () => {
    const harness = await setup!();
    try {
      const connection = harness.orm!.em.getConnection();
      const [column] = await connection.execute<Array<{ storage: string }>>(
        `select a.attstorage as storage from pg_attribute a
          where a.attrelid = to_regclass('pass_packages') and a.attname = 'bytes'`,
      );
      expect(column).toEqual({ storage: 'e' });
      const [table] = await connection.execute<Array<{ options: string[] }>>(
        `select c.reloptions as options from pg_class c where c.oid = to_regclass('pass_packages')`,
      );
      expect(table.options).toEqual(['toast_tuple_target=8160']);
    } finally {
      await harness.teardown();
    }
  });
});

const postgresUrl = process.env.TEST_DATABASE_URL;

(postgresUrl ? describe : describe.skip)('migrations: several instances starting on one PostgreSQL', () => {
  it('migrate once while the others wait, and all start', async () => {
    const schema = `passgate_test_concurrent_${process.pid}_${Date.now()}`;
    const orms = await Promise.all(
      [1, 2, 3].map(() => {
        const options = createMikroOrmOptions(postgresUrl!, { schema });
        return MikroORM.init({ ...options, migrations: { ...options.migrations, silent: true } });
      }),
    );
    try {
      await orms[0].em.getConnection().execute(`create schema "${schema}"`);
      await Promise.all(orms.map((orm) => migrateDatabase(orm, postgresUrl!)));
      expect(await orms[1].getMigrator().getExecutedMigrations()).toHaveLength(migrationsList.length);
    } finally {
      await orms[0].em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await Promise.all(orms.map((orm) => orm.close(true)));
    }
  });
});
