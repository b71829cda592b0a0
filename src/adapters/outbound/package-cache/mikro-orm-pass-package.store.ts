import { MikroORM } from '@mikro-orm/core';
import { executeSqlInContext } from '../persistence/mikro-orm-repository';
import { runOffEventLoop } from '../persistence/prepared-statement-sqlite.driver';
import { PassPackageStore } from './pass-package-store';

const SAVE_PACKAGE_SQL = `insert into "pass_packages" ("pass_id", "cache_key", "bytes", "created_at") values (?, ?, ?, ?)
  on conflict ("pass_id") do update
  set "cache_key" = excluded."cache_key", "bytes" = excluded."bytes", "created_at" = excluded."created_at"`;

/**
 * Signed packages in the `pass_packages` table (PassPackageRecordSchema, migration
 * Migration20261122120000PassPackageCache), on SQLite and PostgreSQL alike.
 *
 * Plain parameterised SQL through MikroORM's connection rather than its QueryBuilder: building a
 * query costs about 0.75 ms of CPU, six times what SQLite then needs to answer it, and this store
 * is read once for every package request a device makes after a restart.
 */
export class MikroOrmPassPackageStore extends PassPackageStore {
  constructor(private readonly orm: MikroORM) {
    super();
  }

  async find(passId: number, cacheKey: string): Promise<Buffer | null> {
    const rows = await executeSqlInContext<Array<{ bytes: Buffer }>>(
      this.orm,
      'select "bytes" from "pass_packages" where "pass_id" = ? and "cache_key" = ?',
      [passId, cacheKey],
      'all',
    );
    // Both drivers hand out a Buffer of its own for each blob read (better-sqlite3, pg's bytea).
    return rows.length === 0 ? null : rows[0].bytes;
  }

  /**
   * One statement, `insert … on conflict (pass_id) do update` (SQLite 3.24+ and PostgreSQL):
   * instances that store the same pass at once neither fail on the primary key nor need a
   * transaction around a read and a write; the last one wins. On a SQLite file it runs on the
   * connection's background thread: 25 write syscalls for a 28 KiB package, 110–180 µs that the
   * event loop, which answers the device before the package is stored, spent on every new version.
   */
  async save(passId: number, cacheKey: string, bytes: Buffer): Promise<void> {
    // The datetime column as MikroORM writes it on this platform (milliseconds on SQLite).
    const createdAt = this.orm.em.getPlatform().processDateProperty(new Date());
    const params = [passId, cacheKey, bytes, createdAt];
    await (runOffEventLoop(this.orm, SAVE_PACKAGE_SQL, params) ?? executeSqlInContext(this.orm, SAVE_PACKAGE_SQL, params, 'run'));
  }
}
