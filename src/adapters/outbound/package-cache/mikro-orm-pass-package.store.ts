import { MikroORM } from '@mikro-orm/core';
import { batchedOnPostgreSql, batchedWritesOnPostgreSql, type BatchedLookup } from '../persistence/batched-lookup';
import { eachKeySql, executeSqlInContext, rowsForEachKey } from '../persistence/mikro-orm-repository';
import { runOffEventLoop } from '../persistence/prepared-statement-sqlite.driver';
import { PassPackageStore } from './pass-package-store';

const SAVE_PACKAGE_SQL = savePackagesSql(1);

function savePackagesSql(rows: number): string {
  return `insert into "pass_packages" ("pass_id", "cache_key", "bytes", "created_at") values ${valueRows(rows, 4)}
  on conflict ("pass_id") do update
  set "cache_key" = excluded."cache_key", "bytes" = excluded."bytes", "created_at" = excluded."created_at"`;
}

/** Files of one template, read only when the memory tier lacks them (a few per template version). */
function findFilesSql(digests: number): string {
  return `select "digest", "bytes" from "pass_package_files" where "template_id" = ? and "digest" in (${placeholders(digests)})`;
}

function saveFilesSql(files: number): string {
  return `insert into "pass_package_files" ("template_id", "digest", "bytes", "created_at") values ${valueRows(files, 4)}
  on conflict ("template_id", "digest") do nothing`;
}

function forgetOtherFilesSql(files: number): string {
  return `delete from "pass_package_files" where "template_id" = ? and "digest" not in (${placeholders(files)})`;
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

function valueRows(rows: number, columns: number): string {
  return Array.from({ length: rows }, () => `(${placeholders(columns)})`).join(', ');
}

const FIND_PACKAGE_SQL = 'select "bytes" from "pass_packages" where "pass_id" = ? and "cache_key" = ?';

/** FIND_PACKAGE_SQL for each key of `rowsForEachKey` (PostgreSQL). */
const FIND_PACKAGES_SQL = eachKeySql(
  'pass_id int, cache_key text',
  'select "bytes" from "pass_packages" where "pass_id" = k.pass_id and "cache_key" = k.cache_key limit 1',
);

/** Packages read or written in one statement at most: 16 of 28 KiB make about half a megabyte. */
const MAX_BATCH = 16;

/**
 * How long new packages are collected before they are written together on PostgreSQL: no request
 * waits for the write (the memory tier serves the package meanwhile). The push-storm scenario on
 * PostgreSQL (10,000 new packages) with one statement per package, with the packages of one turn
 * of the event loop, and with those of 10 ms: the storm 10.3–10.6, 9.4–9.8 and 9.0–9.3 s, the
 * database's CPU over the scenario 7.3–7.6, 6.6–7.1 and 6.2–6.5 s (bench/HISTORY.md).
 */
const COLLECT_WRITES_MS = 10;

type PackageKey = readonly [passId: number, cacheKey: string];
type PackageRow = readonly [passId: number, cacheKey: string, bytes: Buffer];

/**
 * Signed packages in the `pass_packages` table (PassPackageRecordSchema, migration
 * Migration20261122120000PassPackageCache), on SQLite and PostgreSQL alike.
 *
 * Plain parameterised SQL through MikroORM's connection rather than its QueryBuilder: building a
 * query costs about 0.75 ms of CPU, six times what SQLite then needs to answer it, and this store
 * is read for every package request a device makes that the memory tier does not hold. On
 * PostgreSQL the reads of one turn of the event loop go as one statement (`batchedOnPostgreSql`),
 * and so do the packages stored within COLLECT_WRITES_MS (`batchedWritesOnPostgreSql`).
 */
export class MikroOrmPassPackageStore extends PassPackageStore {
  private readonly lookup: BatchedLookup<PackageKey, Buffer | null>;
  private readonly saveBatched: (row: PackageRow) => Promise<void>;

  constructor(private readonly orm: MikroORM) {
    super();
    this.lookup = batchedOnPostgreSql(orm, { one: (key) => this.findOne(key), many: (keys) => this.findMany(keys) }, MAX_BATCH);
    this.saveBatched = batchedWritesOnPostgreSql(
      orm,
      { one: (row) => this.saveOne(row), many: (rows) => this.saveMany(rows) },
      MAX_BATCH,
      COLLECT_WRITES_MS,
    );
  }

  find(passId: number, cacheKey: string): Promise<Buffer | null> {
    return this.lookup.find([passId, cacheKey]);
  }

  // Both drivers hand out a Buffer of its own for each blob read (better-sqlite3, pg's bytea).
  private async findOne(key: PackageKey): Promise<Buffer | null> {
    const rows = await executeSqlInContext<Array<{ bytes: Buffer }>>(this.orm, FIND_PACKAGE_SQL, key, 'all');
    return rows.length === 0 ? null : rows[0].bytes;
  }

  private async findMany(keys: readonly PackageKey[]): Promise<Array<Buffer | null>> {
    const keyRecords = keys.map(([passId, cacheKey]) => ({ pass_id: passId, cache_key: cacheKey }));
    const rows = await rowsForEachKey<{ bytes: Buffer }>(this.orm, FIND_PACKAGES_SQL, keyRecords);
    return rows.map((row) => row?.bytes ?? null);
  }

  /**
   * `insert … on conflict (pass_id) do update` (SQLite 3.24+ and PostgreSQL):
   * instances that store the same pass at once neither fail on the primary key nor need a
   * transaction around a read and a write; the last one wins. On a SQLite file it runs on the
   * connection's background thread: 25 write syscalls for a 28 KiB package, 110–180 µs that the
   * event loop, which answers the device before the package is stored, spent on every new version.
   */
  save(passId: number, cacheKey: string, bytes: Buffer): Promise<void> {
    return this.saveBatched([passId, cacheKey, bytes]);
  }

  private async saveOne(row: PackageRow): Promise<void> {
    // The datetime column as MikroORM writes it on this platform (milliseconds on SQLite).
    const createdAt = this.orm.em.getPlatform().processDateProperty(new Date());
    const params = [...row, createdAt];
    await (runOffEventLoop(this.orm, SAVE_PACKAGE_SQL, params) ?? executeSqlInContext(this.orm, SAVE_PACKAGE_SQL, params, 'run'));
  }

  async findFiles(templateId: number, digests: readonly string[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    if (digests.length === 0) return found;
    const rows = await executeSqlInContext<Array<{ digest: string; bytes: Buffer }>>(this.orm, findFilesSql(digests.length), [templateId, ...digests], 'all');
    for (const row of rows) found.set(row.digest, row.bytes);
    return found;
  }

  /**
   * The new files first, then the others forgotten, so that a reader never misses a file of the
   * current version; an instance storing an earlier version's files at the same time can only make
   * some packages be signed again.
   */
  async saveFiles(templateId: number, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
    const createdAt = this.orm.em.getPlatform().processDateProperty(new Date());
    const digests = [...files.keys()];
    if (digests.length > 0) {
      const params = [...files].flatMap(([digest, bytes]) => [templateId, digest, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), createdAt]);
      await executeSqlInContext(this.orm, saveFilesSql(digests.length), params, 'run');
    }
    const forget = digests.length > 0 ? forgetOtherFilesSql(digests.length) : 'delete from "pass_package_files" where "template_id" = ?';
    await executeSqlInContext(this.orm, forget, [templateId, ...digests], 'run');
  }

  /** PostgreSQL; one row per pass, the last one, as one statement after another would leave it. */
  private async saveMany(rows: readonly PackageRow[]): Promise<void> {
    const createdAt = this.orm.em.getPlatform().processDateProperty(new Date());
    // `on conflict do update` refuses to update one row twice in a statement.
    const lastOfEachPass = new Map(rows.map((row) => [row[0], row]));
    const params = [...lastOfEachPass.values()].flatMap((row) => [...row, createdAt]);
    await executeSqlInContext(this.orm, savePackagesSql(lastOfEachPass.size), params, 'run');
  }
}
