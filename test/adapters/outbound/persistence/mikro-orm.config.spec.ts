import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PreparedStatementSqliteDriver } from '../../../../src/adapters/outbound/persistence/prepared-statement-sqlite.driver';
import { MikroORM } from '@mikro-orm/core';
import { PreparedStatementPostgreSqlDriver } from '../../../../src/adapters/outbound/persistence/prepared-statement-postgresql.driver';
import cliOptions, { createMikroOrmOptions, WRITE_CONNECTION_CACHE_KIB } from '../../../../src/adapters/outbound/persistence/mikro-orm.config';
import { migrationsList } from '../../../../src/adapters/outbound/persistence/migrations';

describe('createMikroOrmOptions', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'passgate-config-'));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(directory, { recursive: true, force: true });
  });

  it('opens a relative sqlite: path against the working directory and creates its folder', () => {
    jest.spyOn(process, 'cwd').mockReturnValue(directory);
    const options = createMikroOrmOptions('sqlite:data/sub/passgate.sqlite');
    expect(options.driver).toBe(PreparedStatementSqliteDriver);
    expect(options.dbName).toBe(join(directory, 'data', 'sub', 'passgate.sqlite'));
    expect(existsSync(join(directory, 'data', 'sub'))).toBe(true);
    // Signing keys live in the database: only the owner may read a new one.
    expect(statSync(join(directory, 'data', 'sub')).mode & 0o777).toBe(0o700);
    expect(statSync(join(directory, 'data', 'sub', 'passgate.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('accepts sqlite::memory: for tests and absolute paths as they are', () => {
    expect(createMikroOrmOptions('sqlite::memory:').dbName).toBe(':memory:');
    const file = join(directory, 'abs.sqlite');
    expect(createMikroOrmOptions(`sqlite:${file}`).dbName).toBe(file);
  });

  it('opens a SQLite file in WAL mode with synchronous NORMAL, foreign keys on and a 4 MB page cache, the run that creates it too', async () => {
    const file = join(directory, 'new.sqlite');
    for (let run = 0; run < 2; run += 1) {
      const orm = await MikroORM.init(createMikroOrmOptions(`sqlite:${file}`));
      try {
        // In a transaction, so the pool's connection answers (reads outside one have a connection of their own).
        const settings = await orm.em.fork().transactional(async (em) => {
          const pragma = async (name: string) =>
            Object.values((await em.getConnection().execute(`pragma ${name}`, [], 'all', em.getTransactionContext()))[0] as object)[0];
          return {
            journalMode: await pragma('journal_mode'),
            synchronous: await pragma('synchronous'),
            foreignKeys: await pragma('foreign_keys'),
            cacheSize: await pragma('cache_size'),
          };
        });
        expect(settings).toEqual({ journalMode: 'wal', synchronous: 1, foreignKeys: 1, cacheSize: -WRITE_CONNECTION_CACHE_KIB });
      } finally {
        await orm.close();
      }
    }
  });

  it('selects PostgreSQL for postgres:// and postgresql:// URLs, with an optional schema', () => {
    const plain = createMikroOrmOptions('postgres://app:pw@db.example:5433/passgate');
    expect(plain.driver).toBe(PreparedStatementPostgreSqlDriver);
    expect(plain.clientUrl).toBe('postgres://app:pw@db.example:5433/passgate');
    expect(plain.schema).toBeUndefined();
    const scoped = createMikroOrmOptions('postgresql://db.example/passgate', { schema: 'tenant_a', debug: true });
    expect(scoped.driver).toBe(PreparedStatementPostgreSqlDriver);
    expect(scoped.schema).toBe('tenant_a');
    expect(scoped.debug).toBe(true);
  });

  it('never creates or alters the schema by itself: only the committed migrations do', () => {
    const options = createMikroOrmOptions('sqlite::memory:');
    expect(options.ensureDatabase).toBe(false);
    expect(options.migrations?.migrationsList).toBe(migrationsList);
  });

  it('refuses other URLs without showing their password', () => {
    expect(() => createMikroOrmOptions('mysql://root:topsecret@localhost/db')).toThrow(
      'Unsupported database URL mysql://root:***@localhost/db',
    );
  });

  it('gives the MikroORM CLI the DATABASE_URL database, SQLite under data/ by default', () => {
    jest.spyOn(process, 'cwd').mockReturnValue(directory);
    const previous = process.env.DATABASE_URL;
    try {
      delete process.env.DATABASE_URL;
      expect(cliOptions().dbName).toBe(join(directory, 'data', 'passgate.sqlite'));
      process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/other';
      expect(cliOptions().clientUrl).toBe('postgres://postgres@127.0.0.1:5432/other');
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });
});
