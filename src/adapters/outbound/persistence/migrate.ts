import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { isPostgres } from './migrations/platform';
import { redactDatabaseUrl } from '../../../config/database-url';

/** Arbitrary constant naming passgate's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_KEY = 0x70617373; // "pass"

/**
 * Brings the schema up to date with the committed migrations; applied migrations are skipped, so
 * running it again is a no-op. The one path to a schema, for the server, the CLI and the tests.
 */
export async function migrateDatabase(orm: MikroORM, databaseUrl: string): Promise<void> {
  const check = await orm.checkConnection();
  if (!check.ok) {
    const cause = check.error as (Error & { code?: string }) | undefined;
    const reason = cause?.code ?? check.reason ?? 'unknown error';
    throw new Error(`Cannot connect to the database at ${describeDatabase(databaseUrl)}: ${reason}`, { cause });
  }
  if (!isPostgres(orm.em.getPlatform())) {
    await orm.getMigrator().up();
    return;
  }
  // Instances sharing one PostgreSQL may start together; the first migrates while the others wait
  // on this lock, then find nothing left to apply. The lock ends with its transaction.
  const knex = (orm.em as EntityManager).getKnex();
  const schema = orm.config.get('schema');
  if (schema) {
    // Committed before migrating: the migrator works on connections of its own, which would wait
    // forever on a schema created in a transaction that is still open.
    await knex.transaction(async (transaction) => {
      await transaction.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY]);
      await transaction.raw('create schema if not exists ??', [schema]);
    });
  }
  await knex.transaction(async (transaction) => {
    await transaction.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY]);
    await orm.getMigrator().up();
  });
}

function describeDatabase(databaseUrl: string): string {
  return databaseUrl.startsWith('sqlite:') ? databaseUrl : redactDatabaseUrl(databaseUrl);
}
