import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import BetterSqlite3 from 'better-sqlite3';
import { createMikroOrmOptions } from '../../../../src/adapters/outbound/persistence/mikro-orm.config';
import { runOffEventLoop } from '../../../../src/adapters/outbound/persistence/prepared-statement-sqlite.driver';

describe('PreparedStatementSqliteDriver', () => {
  let orm: MikroORM;
  const execute = (sql: string, params: unknown[] = [], method: 'all' | 'run' = 'all') =>
    orm.em.getConnection().execute(sql, params, method) as Promise<never>;

  beforeEach(async () => {
    orm = await MikroORM.init({ ...createMikroOrmOptions('sqlite::memory:'), discovery: { warnWhenNoEntities: false } });
    await execute('create table things (id integer primary key autoincrement, name text unique, flag boolean, size integer, at datetime, data blob)', [], 'run');
  });

  afterEach(async () => {
    await orm.close(true);
  });

  it('binds values as MikroORM would have written them: whole numbers as INTEGER, booleans as 1 and 0, undefined as NULL', async () => {
    const rows = await execute('select typeof(?) as whole, typeof(?) as fraction, ? as yes, ? as no, ? as absent, typeof(?) as text', [
      5,
      5.5,
      true,
      false,
      undefined,
      'five',
    ]);
    expect(rows).toEqual([{ whole: 'integer', fraction: 'real', yes: 1, no: 0, absent: null, text: 'text' }]);
  });

  it('stores and reads bytes exactly, and reports inserted ids and changed rows', async () => {
    const data = Buffer.from([0, 1, 2, 255, 0]);
    const inserted = await execute('insert into things (name, flag, size, data) values (?, ?, ?, ?)', ['a', true, 3, data], 'run');
    expect(inserted).toMatchObject({ insertId: 1, affectedRows: 1 });
    const [row] = (await execute('select * from things where id = ?', [1])) as Array<{ data: Buffer; flag: number; size: number }>;
    expect(Buffer.compare(row.data, data)).toBe(0);
    expect(row).toMatchObject({ flag: 1, size: 3 });
    expect(await execute('update things set size = size + ? where flag = ?', [1, true], 'run')).toMatchObject({ affectedRows: 1 });
  });

  it('keeps one prepared statement per SQL text and reuses it with other values', async () => {
    const knex = (orm.em as SqlEntityManager).getConnection().getKnex();
    const connection = (await knex.client.acquireConnection()) as { prepare: (sql: string) => unknown };
    const prepare = jest.spyOn(connection, 'prepare');
    await knex.client.releaseConnection(connection);

    for (let size = 0; size < 5; size += 1) {
      await execute('insert into things (name, size) values (?, ?)', [`n${size}`, size], 'run');
    }
    expect((await execute('select count(*) as n from things where size >= ?', [2]))[0]).toEqual({ n: 3 });
    expect(prepare).toHaveBeenCalledTimes(2);
  });

  it('leaves values it cannot bind (dates, objects, raw fragments) to MikroORM, which writes them into the SQL', async () => {
    await execute('insert into things (name, at) values (?, ?)', ['dated', new Date('2026-12-04T00:00:00.000Z')], 'run');
    await execute('insert into things (name, data) values (?, ?)', ['json', { a: 1 }], 'run');
    const rows = (await execute('select name, at, cast(data as text) as data from things order by id')) as Array<Record<string, unknown>>;
    expect(rows[0].at).not.toBeNull();
    expect(rows[1].data).toBe('{"a":1}');
  });

  it('reports constraint violations as MikroORM exceptions (through the driver), with the statement and its values', async () => {
    const driver = orm.em.getDriver() as unknown as { execute(sql: string, params: unknown[], method: 'run'): Promise<unknown> };
    await driver.execute('insert into things (name) values (?)', ['twice'], 'run');
    const error = await driver.execute('insert into things (name) values (?)', ['twice'], 'run').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UniqueConstraintViolationException);
    expect((error as Error).message).toContain("'twice'");
  });

  it('runs inside the transaction of the entity manager it is given', async () => {
    await orm.em
      .fork()
      .transactional(async (em) => {
        await (em as SqlEntityManager).getConnection().execute('insert into things (name) values (?)', ['rolled back'], 'run', em.getTransactionContext());
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await execute('select count(*) as n from things')).toEqual([{ n: 0 }]);
  });
});

describe('PreparedStatementSqliteDriver on a database file', () => {
  let directory: string;
  let orm: MikroORM;
  const execute = (sql: string, params: unknown[] = [], method: 'all' | 'run' = 'all', ctx?: unknown) =>
    orm.em.getConnection().execute(sql, params, method, ctx as never) as Promise<never>;

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'passgate-driver-'));
    orm = await MikroORM.init({ ...createMikroOrmOptions(`sqlite:${join(directory, 'things.sqlite')}`), discovery: { warnWhenNoEntities: false } });
    await execute('create table things (id integer primary key autoincrement, name text unique, size integer)', [], 'run');
  });

  afterEach(async () => {
    await orm.close(true);
    rmSync(directory, { recursive: true, force: true });
  });

  it('binds the values of a read outside a transaction as on the main connection', async () => {
    const rows = await execute('select typeof(?) as whole, typeof(?) as fraction, ? as yes, ? as no, ? as absent', [5, 5.5, true, false, undefined]);
    expect(rows).toEqual([{ whole: 'integer', fraction: 'real', yes: 1, no: 0, absent: null }]);
  });

  it('answers a read outside a transaction with what is committed, without waiting for a transaction under way', async () => {
    await execute('insert into things (name, size) values (?, ?)', ['committed', 1], 'run');
    let insideSees: unknown;
    let outsideSees: unknown;
    await orm.em.fork().transactional(async (em) => {
      const ctx = em.getTransactionContext();
      await execute('insert into things (name, size) values (?, ?)', ['uncommitted', 2], 'run', ctx);
      insideSees = await execute('select name from things order by id', [], 'all', ctx);
      // The only pooled connection is this transaction's: a read that queued for it would never end here.
      outsideSees = await execute('select name from things order by id');
    });
    expect(insideSees).toEqual([{ name: 'committed' }, { name: 'uncommitted' }]);
    expect(outsideSees).toEqual([{ name: 'committed' }]);
    expect(await execute('select name from things order by id')).toEqual([{ name: 'committed' }, { name: 'uncommitted' }]);
  });

  it("logs the reads it answers outside a transaction when MikroORM's query log is on, with their time and row count", async () => {
    await execute('insert into things (name, size) values (?, ?)', ['logged', 1], 'run');
    const logged: string[] = [];
    await orm.close(true);
    orm = await MikroORM.init({
      ...createMikroOrmOptions(`sqlite:${join(directory, 'things.sqlite')}`),
      discovery: { warnWhenNoEntities: false },
      debug: ['query'],
      // Colors stripped: MikroORM colours the log when the terminal can show them.
      logger: (message: string) => logged.push(message.replace(/\u001b\[\d+m/g, '')),
    });
    expect(await execute('select name from things where size = ?', [1])).toEqual([{ name: 'logged' }]);
    expect(logged).toEqual([expect.stringMatching(/select name from things where size = \? \[took \d+ ms, 1 result\]/)]);
  });

  describe('reads outside a transaction in one turn of the event loop', () => {
    const names = async () => ((await execute('select name from things order by id')) as Array<{ name: string }>).map(({ name }) => name);
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

    it("share one snapshot: another process's commit shows from the next turn on", async () => {
      await execute('insert into things (name, size) values (?, ?)', ['first', 1], 'run');
      await nextTurn();
      const otherProcess = new BetterSqlite3(join(directory, 'things.sqlite'));
      try {
        expect(await names()).toEqual(['first']);
        otherProcess.prepare('insert into things (name, size) values (?, ?)').run('other', 2);
        expect(await names()).toEqual(['first']);
        await nextTurn();
        expect(await names()).toEqual(['first', 'other']);
      } finally {
        otherProcess.close();
      }
    });

    it('see a write on the main connection as soon as it has committed', async () => {
      expect(await names()).toEqual([]);
      await execute('insert into things (name, size) values (?, ?)', ['written', 1], 'run');
      expect(await names()).toEqual(['written']);
      await orm.em.fork().transactional(async (em) => {
        await execute('insert into things (name, size) values (?, ?)', ['in a transaction', 2], 'run', em.getTransactionContext());
      });
      expect(await names()).toEqual(['written', 'in a transaction']);
      await execute('insert into things (name, size) values (?, ?) returning id', ['returning', 3]);
      expect(await names()).toEqual(['written', 'in a transaction', 'returning']);
    });

    it('see a write on the background thread as soon as it has committed', async () => {
      // The turn's end never comes (setImmediate is held back): only the write's own end can close the snapshot.
      jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'hrtime', 'performance'] });
      try {
        expect(await names()).toEqual([]);
        await runOffEventLoop(orm, 'insert into things (name, size) values (?, ?)', ['stored', 1]);
        expect(await names()).toEqual(['stored']);
      } finally {
        jest.useRealTimers();
      }
    });
  });

  it('sends statements that write to the main connection, those that return rows too', async () => {
    const returned = await execute('insert into things (name, size) values (?, ?) returning id, name', ['returned', 3]);
    expect(returned).toEqual([{ id: 1, name: 'returned' }]);
    expect(await execute('update things set size = size + 1 where name = ? returning size', ['returned'])).toEqual([{ size: 4 }]);
  });

  it('makes a statement that writes and returns rows wait for the writer lock, like any write', async () => {
    // The lock in shared memory as sqlite-background-thread.ts lays it out: [holder, service waiting]; 2 is its thread.
    const { lock } = (orm.em.getConnection() as unknown as { backgroundThread: { lock: { memory: SharedArrayBuffer } } }).backgroundThread;
    const shared = new Int32Array(lock.memory);
    Atomics.store(shared, 0, 2);
    let answered = false;
    const returning = execute('insert into things (name, size) values (?, ?) returning id', ['waited', 1]).then((rows) => {
      answered = true;
      return rows;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    expect(Atomics.load(shared, 1)).toBe(1);

    Atomics.store(shared, 0, 0);
    Atomics.notify(shared, 0);
    expect(await returning).toEqual([{ id: 1 }]);
  });
});
