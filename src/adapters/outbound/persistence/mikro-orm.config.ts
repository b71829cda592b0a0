import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { redactDatabaseUrl } from '../../../config/database-url';
import { migrationsList } from './migrations';
import { PreparedStatementPostgreSqlDriver } from './prepared-statement-postgresql.driver';
import { PreparedStatementSqliteDriver, SQLITE_MEMORY } from './prepared-statement-sqlite.driver';
import { persistenceSchemas } from './schemas';
import { BACKSTOP_WAL_AUTOCHECKPOINT_PAGES } from './sqlite-background-thread';

export interface PersistenceOptions {
  debug?: boolean;
  /** PostgreSQL only: keep every table, the migrations table included, in this schema. */
  schema?: string;
}

/** Page cache of the pool's (writing) SQLite connection, in KiB. */
export const WRITE_CONNECTION_CACHE_KIB = 4000;

interface SqliteConnection {
  pragma(source: string): unknown;
}

/**
 * MikroORM options for a `DATABASE_URL`: `sqlite:<path>` (relative to the working directory,
 * `sqlite::memory:` for tests) or `postgres://…`. The schema only ever changes through the
 * committed migrations: no `ensureDatabase`, no schema generator at start.
 */
export function createMikroOrmOptions(databaseUrl: string, options: PersistenceOptions = {}): Options {
  const common: Options = {
    entities: persistenceSchemas,
    discovery: { warnWhenNoEntities: true, requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: {
      migrationsList,
      // Only where `mikro-orm migration:create` writes (run from the project root); runs use the list.
      path: 'src/adapters/outbound/persistence/migrations',
      emit: 'ts',
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      disableForeignKeys: false,
    },
    ensureDatabase: false,
    allowGlobalContext: false,
    // Leaves the domain classes' prototypes alone: change detection works from snapshots at flush anyway.
    propagationOnPrototype: false,
    debug: options.debug ?? false,
  };

  if (databaseUrl.startsWith('sqlite:')) {
    const dbName = sqliteFile(databaseUrl.slice('sqlite:'.length));
    return {
      ...common,
      driver: PreparedStatementSqliteDriver,
      dbName,
      pool: {
        min: 1,
        max: 1,
        // On every connection, not once: cascades depend on it, and a replaced connection starts with it off.
        afterCreate: (connection: SqliteConnection, done: (error: Error | null, connection: SqliteConnection) => void) => {
          try {
            connection.pragma('foreign_keys = ON');
            if (dbName !== SQLITE_MEMORY) {
              // WAL lets the CLI read while the server writes.
              connection.pragma('journal_mode = WAL');
              // better-sqlite3 builds SQLite with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1, so a file that is
              // already WAL opens with NORMAL but the run that creates it would commit with FULL (an
              // fsync per commit). NORMAL every time: in WAL mode no crash corrupts the database or
              // loses a commit; a power cut may lose the last commits before the checkpoint.
              // https://www.sqlite.org/pragma.html#pragma_synchronous
              connection.pragma('synchronous = NORMAL');
              // The connection's worker thread checkpoints (see SqliteBackgroundThread); this is its backstop.
              connection.pragma(`wal_autocheckpoint = ${BACKSTOP_WAL_AUTOCHECKPOINT_PAGES}`);
              // 4 MB of pages rather than better-sqlite3's 16 MB: this connection mostly writes (stored
              // packages, 28 KiB each, filled the 16 MB with pages it never read again), the indexes
              // it walks fit, and the operating system's file cache holds the rest anyway.
              connection.pragma(`cache_size = -${WRITE_CONNECTION_CACHE_KIB}`);
            }
            done(null, connection);
          } catch (error) {
            done(error as Error, connection);
          }
        },
      },
    };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const schema = options.schema ?? schemaParameter(databaseUrl);
    return {
      ...common,
      driver: PreparedStatementPostgreSqlDriver,
      clientUrl: databaseUrl,
      ...(schema === undefined
        ? {}
        : {
            schema,
            // The migrations' SQL names no schema, so it must land in this one too.
            driverOptions: { searchPath: [schema] },
          }),
    };
  }
  throw new Error(`Unsupported database URL ${redactDatabaseUrl(databaseUrl)}: expected sqlite:<path> or postgres://…`);
}

/** `postgres://…/db?schema=name` keeps passgate's tables in that schema (created when missing). */
function schemaParameter(databaseUrl: string): string | undefined {
  try {
    return new URL(databaseUrl).searchParams.get('schema') ?? undefined;
  } catch {
    return undefined;
  }
}

function sqliteFile(path: string): string {
  if (path === SQLITE_MEMORY || path === '') return SQLITE_MEMORY;
  const file = isAbsolute(path) ? path : resolve(process.cwd(), path);
  // The database holds signing keys: a new folder and file are the owner's alone (SQLite gives its
  // -wal and -shm files the database file's permissions).
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) writeFileSync(file, '', { mode: 0o600, flag: 'a' });
  return file;
}

/** For the MikroORM CLI (`mikro-orm migration:create` and friends); a function, so importing this file has no effect. */
export default function cliOptions(): Options {
  return createMikroOrmOptions(process.env.DATABASE_URL ?? 'sqlite:data/passgate.sqlite');
}
