import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { migrateDatabase } from '../../src/adapters/outbound/persistence/migrate';
import { createMikroOrmOptions } from '../../src/adapters/outbound/persistence/mikro-orm.config';
import type { BenchContext } from './scenario';

export interface BenchDatabase {
  orm: MikroORM;
  /** "SQLite (embedded)" or "PostgreSQL". */
  label: string;
  close(): Promise<void>;
}

/**
 * A migrated database of its own for one case: a fresh SQLite file in the run's folder by default,
 * or, when DATABASE_URL is a postgres:// URL, a schema of its own there, dropped at the end (the
 * benchmark never touches passgate's own tables).
 */
export async function openBenchDatabase(context: BenchContext, name: string): Promise<BenchDatabase> {
  if (context.postgresUrl === null) {
    const url = `sqlite:${join(context.workDir, `${name}-${process.pid}.sqlite`)}`;
    const orm = await MikroORM.init(quiet(createMikroOrmOptions(url)));
    await migrateDatabase(orm, url);
    return { orm, label: 'SQLite (embedded)', close: () => orm.close(true) };
  }
  const schema = `passgate_bench_${name.replace(/\W/g, '_')}_${process.pid}`;
  const orm = await MikroORM.init(quiet(createMikroOrmOptions(context.postgresUrl, { schema })));
  await migrateDatabase(orm, context.postgresUrl);
  return {
    orm,
    label: 'PostgreSQL',
    close: async () => {
      try {
        await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
      } finally {
        await orm.close(true);
      }
    },
  };
}

function quiet(options: ReturnType<typeof createMikroOrmOptions>): ReturnType<typeof createMikroOrmOptions> {
  return { ...options, migrations: { ...options.migrations, silent: true } };
}
