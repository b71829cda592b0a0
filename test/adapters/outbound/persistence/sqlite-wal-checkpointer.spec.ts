import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MikroORM } from '@mikro-orm/core';
import { createMikroOrmOptions } from '../../../../src/adapters/outbound/persistence/mikro-orm.config';
import { Logger } from '@nestjs/common';
import {
  BACKSTOP_WAL_AUTOCHECKPOINT_PAGES,
  SqliteWalCheckpointer,
} from '../../../../src/adapters/outbound/persistence/sqlite-wal-checkpointer';

describe('SqliteWalCheckpointer (through the SQLite connection)', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'passgate-checkpoint-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  async function openFile(file: string): Promise<MikroORM> {
    return MikroORM.init({ ...createMikroOrmOptions(`sqlite:${file}`), discovery: { warnWhenNoEntities: false } });
  }

  it('copies committed pages into the database file long before the connection would, and leaves no WAL behind on close', async () => {
    const file = join(directory, 'passgate.sqlite');
    const orm = await openFile(file);
    const run = (sql: string, params: unknown[] = []) => orm.em.getConnection().execute(sql, params, 'run');
    try {
      await run('create table blobs (id integer primary key, data blob not null)');
      const before = statSync(file).size;
      // About 2,000 pages of 4 KiB: under the connection's own threshold, so only the worker checkpoints them.
      for (let id = 0; id < 250; id += 1) await run('insert into blobs (id, data) values (?, ?)', [id, Buffer.alloc(32 * 1024, id)]);
      expect(250 * 32 * 1024).toBeLessThan(BACKSTOP_WAL_AUTOCHECKPOINT_PAGES * 4096);

      let size = statSync(file).size;
      for (let waited = 0; size < before + 250 * 32 * 1024 && waited < 5_000; waited += 50) {
        await sleep(50);
        size = statSync(file).size;
      }
      expect(size).toBeGreaterThanOrEqual(before + 250 * 32 * 1024);
    } finally {
      await orm.close(true);
    }
    // The last connection to close checkpoints and deletes the WAL: the worker's closed before the service's.
    expect(existsSync(`${file}-wal`)).toBe(false);

    const reopened = await openFile(file);
    try {
      const [row] = (await reopened.em.getConnection().execute('select count(*) as n, sum(length(data)) as bytes from blobs')) as Array<{ n: number; bytes: number }>;
      expect(row).toEqual({ n: 250, bytes: 250 * 32 * 1024 });
    } finally {
      await reopened.close(true);
    }
  });

  it('sets the connection’s own automatic checkpoint as a backstop only', async () => {
    const orm = await openFile(join(directory, 'passgate.sqlite'));
    try {
      const pages = await orm.em.fork().transactional(async (em) => {
        const rows = (await em.getConnection().execute('pragma wal_autocheckpoint', [], 'all', em.getTransactionContext())) as Array<Record<string, number>>;
        return Object.values(rows[0])[0];
      });
      expect(pages).toBe(BACKSTOP_WAL_AUTOCHECKPOINT_PAGES);
    } finally {
      await orm.close(true);
    }
  });

  it('warns when its thread cannot checkpoint (the backstop remains), and still stops', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const checkpointer = SqliteWalCheckpointer.start(join(directory, 'missing.sqlite'));
      for (let waited = 0; warn.mock.calls.length === 0 && waited < 5_000; waited += 20) await sleep(20);
      expect(warn.mock.calls[0]?.[0]).toMatch(/WAL checkpointing thread stopped .*10000 pages/);
      await expect(checkpointer.stop()).resolves.toBeUndefined();
    } finally {
      warn.mockRestore();
    }
  });

  it('needs no thread for an in-memory database, and closes it as before', async () => {
    const orm = await MikroORM.init({ ...createMikroOrmOptions('sqlite::memory:'), discovery: { warnWhenNoEntities: false } });
    await orm.em.getConnection().execute('select 1');
    await expect(orm.close(true)).resolves.toBeUndefined();
  });
});
