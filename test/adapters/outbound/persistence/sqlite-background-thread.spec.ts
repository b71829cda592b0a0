import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MikroORM } from '@mikro-orm/core';
import BetterSqlite3 from 'better-sqlite3';
import { createMikroOrmOptions } from '../../../../src/adapters/outbound/persistence/mikro-orm.config';
import { Logger } from '@nestjs/common';
import { runOffEventLoop } from '../../../../src/adapters/outbound/persistence/prepared-statement-sqlite.driver';
import {
  BACKSTOP_WAL_AUTOCHECKPOINT_PAGES,
  SqliteBackgroundThread,
  SqliteWriterLock,
} from '../../../../src/adapters/outbound/persistence/sqlite-background-thread';

describe('SqliteBackgroundThread (through the SQLite connection)', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'passgate-checkpoint-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  // The writer lock in shared memory, as sqlite-background-thread.ts lays it out: [holder, service waiting].
  const HOLDER = 0;
  const SERVICE_WAITING = 1;
  const HELD_BY_WORKER = 2;

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
      // Generous: a thread that found the file locked as it started waits out its busy timeout (5 s) first.
      for (let waited = 0; size < before + 250 * 32 * 1024 && waited < 20_000; waited += 50) {
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
      const thread = SqliteBackgroundThread.start(join(directory, 'missing.sqlite'), new SqliteWriterLock());
      for (let waited = 0; warn.mock.calls.length === 0 && waited < 5_000; waited += 20) await sleep(20);
      expect(warn.mock.calls[0]?.[0]).toMatch(/SQLite background thread stopped .*10000 pages on and writes on the event loop/);
      await expect(thread.run('insert into blobs (id) values (1)', [])).rejects.toThrow('the SQLite background thread stopped');
      await expect(thread.stop()).resolves.toBeUndefined();
    } finally {
      warn.mockRestore();
    }
  });

  it('checkpoints a file that was not yet in WAL mode when it opened it', async () => {
    const file = join(directory, 'passgate.sqlite');
    // Empty, as the service's configuration creates it before its own connection sets WAL mode up.
    writeFileSync(file, '');
    const thread = SqliteBackgroundThread.start(file, new SqliteWriterLock());
    const service = new BetterSqlite3(file);
    try {
      // Once this has run the thread is set up, before the service's connection has set anything.
      await thread.run('create table blobs (id integer primary key, data blob not null)', []);
      service.pragma('journal_mode = WAL');
      const insert = service.prepare('insert into blobs (id, data) values (?, ?)');
      for (let id = 0; id < 10; id += 1) insert.run(id, Buffer.alloc(32 * 1024, id));

      let size = statSync(file).size;
      for (let waited = 0; size < 10 * 32 * 1024 && waited < 5_000; waited += 50) {
        await sleep(50);
        size = statSync(file).size;
      }
      expect(size).toBeGreaterThanOrEqual(10 * 32 * 1024);
    } finally {
      await thread.stop();
      service.close();
    }
  });

  it('sets itself up once a file locked past its busy timeout is free again, rather than stopping', async () => {
    const file = join(directory, 'passgate.sqlite');
    const other = new BetterSqlite3(file);
    other.exec('create table blobs (id integer primary key)');
    // Rollback-journal mode: an exclusive lock keeps every reader out, the thread's schema read included.
    other.exec('begin exclusive');
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const thread = SqliteBackgroundThread.start(file, new SqliteWriterLock());
    try {
      // Past the thread's 5 s busy timeout (WRITE_TIMEOUT_MS), after which its first pragma fails.
      await sleep(5_500);
      other.exec('commit');
      await thread.run('insert into blobs (id) values (?)', [1n]);
      expect(thread.running).toBe(true);
      expect(warn).not.toHaveBeenCalled();
      expect(other.prepare('select id from blobs').all()).toEqual([{ id: 1 }]);
    } finally {
      warn.mockRestore();
      await thread.stop();
      other.close();
    }
  });

  it('waits for another process’s write without holding the writer lock, so the service does not wait on it', async () => {
    const file = join(directory, 'passgate.sqlite');
    const other = new BetterSqlite3(file);
    other.pragma('journal_mode = WAL');
    other.exec('create table blobs (id integer primary key)');
    const lock = new SqliteWriterLock();
    const shared = new Int32Array(lock.memory);
    const thread = SqliteBackgroundThread.start(file, lock);
    try {
      other.exec('begin immediate');
      other.exec('insert into blobs (id) values (1)');
      let written = false;
      const write = thread.run('insert into blobs (id) values (?)', [2n]).then(() => {
        written = true;
      });
      await sleep(150);
      expect(written).toBe(false);
      // It takes the lock only to try BEGIN and gives it back at once; a single look could still
      // catch it there (a loaded machine may deschedule the thread in between), so look 50 times.
      let free = 0;
      for (let look = 0; look < 50; look++) {
        if (Atomics.load(shared, HOLDER) === 0) free += 1;
        await sleep(2);
      }
      expect(free).toBeGreaterThan(40);

      other.exec('commit');
      await write;
      expect(other.prepare('select id from blobs order by id').all()).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await thread.stop();
      other.close();
    }
  });

  it('needs no thread for an in-memory database, and closes it as before', async () => {
    const orm = await MikroORM.init({ ...createMikroOrmOptions('sqlite::memory:'), discovery: { warnWhenNoEntities: false } });
    await orm.em.getConnection().execute('select 1');
    expect(runOffEventLoop(orm, 'select 1', [])).toBeNull();
    await expect(orm.close(true)).resolves.toBeUndefined();
  });

  it('runs a write on its own connection, whole numbers as INTEGER and Buffers as BLOB, and resolves once it has committed', async () => {
    const orm = await openFile(join(directory, 'passgate.sqlite'));
    try {
      await orm.em.getConnection().execute('create table blobs (id integer primary key, data blob not null, at integer not null)', [], 'run');
      const everyByte = Buffer.from(Array.from({ length: 70_000 }, (_, index) => index % 256));
      await runOffEventLoop(orm, 'insert into blobs (id, data, at) values (?, ?, ?)', [7, everyByte, 1_796_421_988_782]);
      // Shorter than the one before, from a slice of a larger Buffer: only its own bytes.
      await runOffEventLoop(orm, 'insert into blobs (id, data, at) values (?, ?, ?)', [8, everyByte.subarray(250, 260), 1]);

      const rows = await orm.em.getConnection().execute('select id, data, typeof(at) as type from blobs order by id');
      expect(rows).toEqual([
        { id: 7, data: everyByte, type: 'integer' },
        { id: 8, data: everyByte.subarray(250, 260), type: 'integer' },
      ]);
    } finally {
      await orm.close(true);
    }
  });

  it('rejects with SQLite’s own message when the write fails', async () => {
    const orm = await openFile(join(directory, 'passgate.sqlite'));
    try {
      await orm.em.getConnection().execute('create table blobs (id integer primary key)', [], 'run');
      await runOffEventLoop(orm, 'insert into blobs (id) values (?)', [1]);
      await expect(runOffEventLoop(orm, 'insert into blobs (id) values (?)', [1])).rejects.toThrow(/UNIQUE constraint failed/);
    } finally {
      await orm.close(true);
    }
  });

  it('commits the writes handed over together in one transaction: one WAL frame for the table’s page, not one per write', async () => {
    const file = join(directory, 'passgate.sqlite');
    const orm = await openFile(file);
    const connection = orm.em.getConnection();
    try {
      await connection.execute('create table rows (id integer primary key)', [], 'run');
      await connection.execute('pragma wal_checkpoint(TRUNCATE)', [], 'all');
      expect(statSync(`${file}-wal`).size).toBe(0);

      await Promise.all(Array.from({ length: 50 }, (_, id) => runOffEventLoop(orm, 'insert into rows (id) values (?)', [id])));

      // A WAL header, then 4 KiB pages with a frame header each; 50 commits would have written the page 50 times.
      const frames = (statSync(`${file}-wal`).size - 32) / (24 + 4096);
      expect(frames).toBeGreaterThanOrEqual(1);
      expect(frames).toBeLessThanOrEqual(3);
      expect(await connection.execute('select count(*) as n from rows')).toEqual([{ n: 50 }]);
    } finally {
      await orm.close(true);
    }
  });

  it('fails a write of a batch alone: the others of its transaction are committed', async () => {
    const orm = await openFile(join(directory, 'passgate.sqlite'));
    try {
      await orm.em.getConnection().execute('create table rows (id integer primary key)', [], 'run');
      const insert = (id: number) => runOffEventLoop(orm, 'insert into rows (id) values (?)', [id]);

      const outcomes = await Promise.allSettled([insert(1), insert(1), insert(2)]);

      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed/);
      expect(await orm.em.getConnection().execute('select id from rows order by id')).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await orm.close(true);
    }
  });

  it('writes what it was handed before it stops, without waiting for the batch to fill', async () => {
    const file = join(directory, 'passgate.sqlite');
    const orm = await openFile(file);
    const thread = SqliteBackgroundThread.start(file, new SqliteWriterLock());
    try {
      await orm.em.getConnection().execute('create table rows (id integer primary key)', [], 'run');
      const writes = [thread.run('insert into rows (id) values (?)', [1n]), thread.run('insert into rows (id) values (?)', [2n])];
      await thread.stop();

      await Promise.all(writes);
      expect(await orm.em.getConnection().execute('select id from rows order by id')).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await thread.stop();
      await orm.close(true);
    }
  });

  it('makes the service wait for the thread’s statement without blocking, and say that it waits', async () => {
    const lock = new SqliteWriterLock();
    const shared = new Int32Array(lock.memory);
    Atomics.store(shared, HOLDER, HELD_BY_WORKER);
    let ran = false;

    const statement = lock.around({ inTransaction: false }, () => {
      ran = true;
    });
    await sleep(20);
    expect(ran).toBe(false);
    expect(Atomics.load(shared, SERVICE_WAITING)).toBe(1);

    Atomics.store(shared, HOLDER, 0);
    Atomics.notify(shared, HOLDER);
    await statement;
    expect(ran).toBe(true);
    expect(Atomics.load(shared, SERVICE_WAITING)).toBe(0);
    expect(Atomics.load(shared, HOLDER)).toBe(0);
  });

  it('holds back the thread’s writes while the service waits for the lock, so a long queue cannot starve the service', async () => {
    const file = join(directory, 'passgate.sqlite');
    const orm = await openFile(file);
    const lock = new SqliteWriterLock();
    const thread = SqliteBackgroundThread.start(file, lock);
    const shared = new Int32Array(lock.memory);
    try {
      await orm.em.getConnection().execute('create table blobs (id integer primary key)', [], 'run');
      Atomics.store(shared, SERVICE_WAITING, 1);
      let written = false;
      const write = thread.run('insert into blobs (id) values (?)', [1n]).then(() => {
        written = true;
      });
      await sleep(100);
      expect(written).toBe(false);

      Atomics.store(shared, SERVICE_WAITING, 0);
      await write;
      const rows = await orm.em.getConnection().execute('select id from blobs');
      expect(rows).toEqual([{ id: 1 }]);
    } finally {
      await thread.stop();
      await orm.close(true);
    }
  });

  it('waits for a transaction of the service to end, so that its read-then-write is not refused (SQLITE_BUSY_SNAPSHOT)', async () => {
    const orm = await openFile(join(directory, 'passgate.sqlite'));
    try {
      await orm.em.getConnection().execute('create table counts (name text primary key, n integer not null)', [], 'run');
      await orm.em.getConnection().execute("insert into counts (name, n) values ('service', 0)", [], 'run');
      let background: Promise<void> | null = null;
      await orm.em.fork().transactional(async (em) => {
        const connection = em.getConnection();
        const context = em.getTransactionContext();
        const [row] = (await connection.execute("select n from counts where name = 'service'", [], 'all', context)) as Array<{ n: number }>;
        background = runOffEventLoop(orm, "insert into counts (name, n) values ('thread', 1)", []);
        // Long enough for the thread to have committed, were it not waiting for this transaction.
        await sleep(100);
        await connection.execute("update counts set n = ? where name = 'service'", [row.n + 1], 'run', context);
      });
      await background;

      const rows = await orm.em.getConnection().execute('select name, n from counts order by name');
      expect(rows).toEqual([
        { name: 'service', n: 1 },
        { name: 'thread', n: 1 },
      ]);
    } finally {
      await orm.close(true);
    }
  });
});
