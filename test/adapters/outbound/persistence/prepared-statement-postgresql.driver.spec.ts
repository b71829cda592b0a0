import { MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { createMikroOrmOptions } from '../../../../src/adapters/outbound/persistence/mikro-orm.config';

const postgresUrl = process.env.TEST_DATABASE_URL;
const describeOnPostgres = postgresUrl ? describe : describe.skip;

describeOnPostgres(`PreparedStatementPostgreSqlDriver${postgresUrl ? '' : ' (set TEST_DATABASE_URL to run)'}`, () => {
  const schema = `passgate_driver_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let orm: MikroORM;
  const execute = <T = Array<Record<string, unknown>>>(sql: string, params: unknown[] = [], method: 'all' | 'run' = 'all') =>
    orm.em.getConnection().execute(sql, params, method) as Promise<T>;
  /** The same statement as MikroORM writes it (values in the SQL text): what it does in a transaction. */
  const executeAsLiteral = <T = Array<Record<string, unknown>>>(sql: string, params: unknown[] = []) =>
    orm.em.fork().transactional((em) => (em as SqlEntityManager).getConnection().execute(sql, params, 'all', em.getTransactionContext())) as Promise<T>;
  /** Statements this session has prepared (the pool has one connection, so every call shares it). */
  const prepared = async () => (await execute<Array<{ statement: string }>>('select statement from pg_prepared_statements')).map((row) => row.statement);

  beforeEach(async () => {
    orm = await MikroORM.init({
      ...createMikroOrmOptions(postgresUrl!, { schema }),
      discovery: { warnWhenNoEntities: false },
      pool: { min: 1, max: 1 },
    });
    await execute(`create schema if not exists "${schema}"`);
    await execute('create table things (id serial primary key, name text unique, flag boolean, size integer, at timestamptz(3), data bytea, doc jsonb)');
  });

  afterEach(async () => {
    await execute(`drop schema if exists "${schema}" cascade`);
    await orm.close(true);
  });

  it('answers a parameterised statement as MikroORM answers the same statement with the values in its text', async () => {
    const sql = 'select ? as text, ?::int + 1 as next, ?::numeric as fraction, ?::boolean as yes, ?::text as absent, ?::text as nothing';
    const params = ["it's", 41, 5.5, true, null, undefined];
    const rows = await execute(sql, params);
    expect(rows).toEqual([{ text: "it's", next: 42, fraction: '5.5', yes: true, absent: null, nothing: null }]);
    expect(rows).toEqual(await executeAsLiteral(sql, params));
    expect(await prepared()).toContain('select $1 as text, $2::int + 1 as next, $3::numeric as fraction, $4::boolean as yes, $5::text as absent, $6::text as nothing');
  });

  it('stores and reads bytes exactly, dates as their instant, and reports changed rows and the returned row', async () => {
    const data = Buffer.from([0, 1, 2, 255, 0, 92, 120]);
    const at = new Date('2026-12-05T10:20:30.456Z');
    const inserted = await execute<{ affectedRows: number; insertId: number; row: { id: number } }>(
      'insert into things (name, flag, size, at, data, doc) values (?, ?, ?, ?, ?, ?) returning id',
      ['a', false, 3, at, data, JSON.stringify({ seat: '12A' })],
      'run',
    );
    expect(inserted).toMatchObject({ affectedRows: 1, insertId: 1, row: { id: 1 } });
    const [row] = await execute<Array<{ data: Buffer; at: string; flag: boolean; doc: unknown }>>('select * from things where id = ?', [1]);
    expect(Buffer.compare(row.data, data)).toBe(0);
    expect(new Date(row.at).toISOString()).toBe(at.toISOString());
    expect(row).toMatchObject({ flag: false, doc: { seat: '12A' } });
    const updated = await execute<{ affectedRows: number }>('update things set size = ? where name = ?', [4, 'a'], 'run');
    expect(updated.affectedRows).toBe(1);
  });

  it('prepares a statement once per connection and runs it again with other values', async () => {
    await execute('insert into things (name) values (?), (?)', ['a', 'b'], 'run');
    const sql = 'select name from things where id = ?';
    expect(await execute(sql, [1])).toEqual([{ name: 'a' }]);
    expect(await execute(sql, [2])).toEqual([{ name: 'b' }]);
    expect((await prepared()).filter((statement) => statement === 'select name from things where id = $1')).toHaveLength(1);
  });

  it('leaves to MikroORM what it writes into the SQL itself: arrays, identifiers, several commands, no values', async () => {
    await execute('insert into things (name) values (?), (?), (?)', ['a', 'b', 'c'], 'run');
    expect(await execute('select name from things where id in (?) order by id', [[1, 3]])).toEqual([{ name: 'a' }, { name: 'c' }]);
    expect(await execute('select ?? from things where id = ?', ['name', 2])).toEqual([{ name: 'b' }]);
    await execute('update things set size = ? where id = 1; update things set size = 2 where id = 2', [1], 'run');
    expect(await execute('select count(*)::int as things from things where size is not null')).toEqual([{ things: 2 }]);
    expect(await prepared()).toEqual(['insert into things (name) values ($1), ($2), ($3)']);
  });

  it('runs a statement whose parameter PostgreSQL cannot type the way MikroORM writes it', async () => {
    expect(await execute('select ? is null as missing', [null])).toEqual([{ missing: true }]);
    expect(await execute('select ? is null as missing', ['x'])).toEqual([{ missing: false }]);
  });

  it('prepares a statement again once its table has changed its columns, rather than failing', async () => {
    await execute('insert into things (name) values (?)', ['a'], 'run');
    const sql = 'select * from things where id = ?';
    expect(Object.keys((await execute(sql, [1]))[0])).not.toContain('extra');
    await execute('alter table things add column extra text');
    expect((await execute(sql, [1]))[0]).toMatchObject({ name: 'a', extra: null });
  });

  it('fails a constraint violation with the statement in its message, as MikroORM converts it', async () => {
    await execute('insert into things (name) values (?)', ['a'], 'run');
    const failure = await execute('insert into things (name) values (?)', ['a'], 'run').catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: '23505', constraint: 'things_name_key' });
    expect((failure as Error).message).toMatch(/^insert into things \(name\) values \(\$1\) - duplicate key/);
    expect(orm.em.getDriver().convertException(failure as Error)).toBeInstanceOf(UniqueConstraintViolationException);
  });

  it('runs inside the transaction of the entity manager it is given', async () => {
    await orm.em.fork().transactional(async (em) => {
      const connection = (em as SqlEntityManager).getConnection();
      await connection.execute('insert into things (name) values (?)', ['inside'], 'run', em.getTransactionContext());
      expect(await connection.execute('select name from things where name = ?', ['inside'], 'all', em.getTransactionContext())).toEqual([{ name: 'inside' }]);
    });
    expect(await execute('select name from things')).toEqual([{ name: 'inside' }]);
  });
});
