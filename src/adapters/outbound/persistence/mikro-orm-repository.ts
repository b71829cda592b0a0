import { MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityClass, EntityData, EntityDictionary, EntityMetadata, FilterQuery } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';

/**
 * The entity manager for one repository call: a fresh fork, so callers get detached domain objects
 * exactly as from the in-memory fakes and nothing is flushed behind their back. `fork()` starts
 * from the current transaction's EM when called inside `orm.em.transactional(...)`, and
 * `keepTransactionContext` makes the fork run in that transaction: that is how several repository
 * calls share one (on SQLite, a fork outside it would wait forever for the only connection).
 */
export function entityManagerFor(orm: MikroORM): SqlEntityManager {
  return orm.em.fork({ keepTransactionContext: true, clear: true }) as SqlEntityManager;
}

/**
 * Writes every mapped property of a detached entity onto its row. The row is loaded first so the
 * unit of work updates only what changed, and a row deleted meanwhile is not brought back.
 */
export async function saveDetached<T extends object>(
  em: SqlEntityManager,
  entityClass: EntityClass<T>,
  entity: T,
  where: FilterQuery<T>,
): Promise<void> {
  const managed = await em.findOne(entityClass, where);
  if (managed === null) {
    throw new Error(`${entityClass.name} ${JSON.stringify(where)} does not exist (never added, or removed).`);
  }
  const meta = em.getMetadata().get<T>(entityClass.name);
  for (const prop of meta.props) {
    if (prop.persist === false || prop.primary) continue;
    (managed as Record<string, unknown>)[prop.name] = (entity as Record<string, unknown>)[prop.name];
  }
  await em.flush();
}

/** True when `error` violates the named unique constraint (PostgreSQL) or that column list (SQLite). */
export function violatesUnique(error: unknown, constraint: string, table: string, columns: string[]): boolean {
  if (!(error instanceof UniqueConstraintViolationException)) return false;
  const named = (error as unknown as { constraint?: string }).constraint;
  if (named !== undefined) return named === constraint;
  const sqliteColumns = columns.map((column) => `${table}.${column}`).join(', ');
  return error.message.includes(`UNIQUE constraint failed: ${sqliteColumns}`);
}

/**
 * Raw SQL in the entity manager's transaction, if it has one: outside it, SQLite's only
 * connection would wait for the transaction forever, and PostgreSQL would not see its rows.
 */
export function executeSql<T>(
  em: SqlEntityManager,
  sql: string,
  params: readonly unknown[],
  method: 'all' | 'run',
): Promise<T> {
  return em.getConnection().execute(sql, [...params], method, em.getTransactionContext()) as Promise<T>;
}

/** MikroORM's datetime columns as the drivers return them: epoch milliseconds (SQLite) or timestamptz text (PostgreSQL). */
export function dateFromColumn(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string') return /^-?\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  throw new Error(`Unexpected datetime column value ${String(value)}`);
}

/**
 * `executeSql` without a fork: the entity manager of the transaction under way (MikroORM finds it
 * through its async context), else the root one, which raw SQL leaves untouched. For statements
 * on hot paths, where forking an entity manager costs more than SQLite takes to answer.
 */
export function executeSqlInContext<T>(orm: MikroORM, sql: string, params: readonly unknown[], method: 'all' | 'run'): Promise<T> {
  return executeSql<T>(orm.em.getContext(false) as SqlEntityManager, sql, params, method);
}

/**
 * Entities selected by plain parameterised SQL (`select * from <table> where …`) and hydrated by
 * MikroORM's own mapping and hydrator (column names, custom types, JSON): the same detached
 * objects `find` gives, for a fraction of its CPU. No query is built, no filter or populate hint
 * processed, and the objects are not made managed entities: MikroORM's entity factory would turn
 * every persisted property of each one into an accessor of its own (`propagationOnPrototype` is
 * off, so these are defined per object, not on the class), for change tracking that detached
 * objects never use (`saveDetached` loads a managed row of its own): a template and a pass by id
 * took 92 µs of CPU that way, 66 µs this way.
 * The objects are made as MikroORM makes loaded entities, by `Object.create` on the class's
 * prototype with no constructor run, and filled by its hydrator.
 * For the lookups that nearly every request makes (an API key's account, a template, a pass).
 */
export async function findBySql<T extends object>(
  orm: MikroORM,
  entityClass: EntityClass<T>,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  const rows = await executeSqlInContext<Array<EntityDictionary<T>>>(orm, sql, params, 'all');
  return rows.length === 0 ? [] : rows.map(hydrating(orm, entityClass));
}

/**
 * A detached entity kept in memory, copied for a caller: a caller's changes (which replace whole
 * properties) and unsaved ones stay its own, not what the next caller gets.
 */
export function copyOfKept<T extends object>(entity: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(entity) as object) as T, entity);
}

/** The function that makes a detached entity of a row, as `findBySql` describes. */
function hydrating<T extends object>(orm: MikroORM, entityClass: EntityClass<T>): (row: EntityDictionary<T>) => T {
  const em = hydratingEntityManager(orm);
  const meta = em.getMetadata(entityClass);
  const factory = em.getEntityFactory();
  const hydrator = orm.config.getHydrator(em.getMetadata());
  return (row) => {
    const entity = Object.create(meta.prototype) as T;
    hydrator.hydrate(entity, meta, em.getDriver().mapResult(row, meta) as EntityData<T>, factory, 'full', false, true);
    return entity;
  };
}

/**
 * The statement of `rowsOfEachKey`: `subquery` run for each record of the JSON array, whose fields
 * it reads as `k.<name>` (`keyColumns` declares them: `name type, …`). The subquery ends in `limit 1`
 * (a row per key at most) or `offset 0`: either keeps it lateral, an index lookup per key as the
 * single statement makes, where PostgreSQL pulls a plain subquery up into a join and may hash the
 * keys and scan the table (it did for `pass_packages`).
 */
export function eachKeySql(keyColumns: string, subquery: string): string {
  return `select k.key_index, f.* from json_to_recordset(?::json) as k(key_index int, ${keyColumns})
  cross join lateral (${subquery}) f`;
}

/**
 * One statement for several keys (PostgreSQL; see `batchedOnPostgreSql`): `sql` (`eachKeySql`)
 * takes the keys as one JSON array of records, each with its `key_index`, and gives the rows of
 * each key with that `key_index`. The rows come back grouped in the keys' order; a key asked twice
 * gets rows of its own each time, as two statements would give.
 */
export async function rowsOfEachKey<R extends object>(
  orm: MikroORM,
  sql: string,
  keys: ReadonlyArray<Record<string, unknown>>,
): Promise<R[][]> {
  const json = JSON.stringify(keys.map((key, index) => ({ ...key, key_index: index })));
  const rows = await executeSqlInContext<Array<R & { key_index: number }>>(orm, sql, [json], 'all');
  const groups = keys.map((): R[] => []);
  for (const { key_index: index, ...row } of rows) groups[index].push(row as unknown as R);
  return groups;
}

/** `rowsOfEachKey` where a key has one row at most: that row, or null. */
export async function rowsForEachKey<R extends object>(
  orm: MikroORM,
  sql: string,
  keys: ReadonlyArray<Record<string, unknown>>,
): Promise<Array<R | null>> {
  return (await rowsOfEachKey<R>(orm, sql, keys)).map((rows) => rows[0] ?? null);
}

/** `findBySql` for each key of `rowsForEachKey`: a detached entity of its own per key found, else null. */
export async function findEachBySql<T extends object>(
  orm: MikroORM,
  entityClass: EntityClass<T>,
  sql: string,
  keys: ReadonlyArray<Record<string, unknown>>,
): Promise<Array<T | null>> {
  return (await findGroupsBySql(orm, entityClass, sql, keys)).map((entities) => entities[0] ?? null);
}

/** `findBySql` for each key of `rowsOfEachKey`: the detached entities of each key, in its rows' order. */
export async function findGroupsBySql<T extends object>(
  orm: MikroORM,
  entityClass: EntityClass<T>,
  sql: string,
  keys: ReadonlyArray<Record<string, unknown>>,
): Promise<T[][]> {
  const groups = await rowsOfEachKey<EntityDictionary<T>>(orm, sql, keys);
  const hydrate = hydrating(orm, entityClass);
  return groups.map((rows) => rows.map(hydrate));
}

const hydratingEntityManagers = new WeakMap<MikroORM, SqlEntityManager>();

/**
 * One fork per ORM whose entity factory the hydrator is given (for relations, which these
 * mappings do not hydrate as objects). It never holds or flushes an entity, so unlike
 * `entityManagerFor` it need not be new for each call.
 */
function hydratingEntityManager(orm: MikroORM): SqlEntityManager {
  let em = hydratingEntityManagers.get(orm);
  if (em === undefined) {
    em = orm.em.fork({ clear: true }) as SqlEntityManager;
    hydratingEntityManagers.set(orm, em);
  }
  return em;
}

export async function findOneBySql<T extends object>(
  orm: MikroORM,
  entityClass: EntityClass<T>,
  sql: string,
  params: readonly unknown[],
): Promise<T | null> {
  return (await findBySql(orm, entityClass, sql, params))[0] ?? null;
}

/**
 * Inserts a detached entity with one plain parameterised statement, in the entity manager's
 * transaction, and returns its new primary key: the counterpart of `findBySql` for the insert
 * every issued pass makes. The values are those MikroORM's own comparator prepares for the
 * database (custom types and JSON converted, dates as the platform stores them), and a property
 * left undefined is left out for the column's default, as `em.insert` does. `em.insert` builds the
 * same statement through its change-set persister and knex's query builder, which cost about
 * 190 µs of CPU more per pass on SQLite and 350 µs on PostgreSQL here; this keeps one statement
 * text per set of columns, which the SQLite connection keeps prepared.
 */
export async function insertBySql<T extends object>(em: SqlEntityManager, entityClass: EntityClass<T>, entity: T): Promise<number> {
  const meta = em.getMetadata(entityClass);
  const data = em.getComparator().prepareEntity(entity) as Record<string, unknown>;
  const statement = insertStatementFor(em, meta, data);
  let rows: Array<Record<string, unknown>>;
  try {
    rows = await executeSql(em, statement.sql, statement.values(data), 'all');
  } catch (error) {
    // Raw SQL's errors come as the driver threw them; em.insert's as MikroORM's exceptions (violatesUnique).
    // Not `instanceof Error`: better-sqlite3 makes its errors with the class it was first loaded
    // with, of another realm under jest.
    throw typeof (error as Error | null)?.message === 'string' ? em.getDriver().convertException(error as Error) : error;
  }
  return Number(rows[0][statement.primaryKeyColumn]);
}

interface InsertStatement {
  sql: string;
  primaryKeyColumn: string;
  values(data: Record<string, unknown>): unknown[];
}

/** Per entity, per set of columns given: the insert statement. */
const insertStatements = new WeakMap<object, Map<string, InsertStatement>>();

function insertStatementFor(em: SqlEntityManager, meta: EntityMetadata, data: Record<string, unknown>): InsertStatement {
  const props = meta.props.filter((prop) => prop.persist !== false && !(prop.primary && prop.autoincrement) && data[prop.name] !== undefined);
  const key = props.map((prop) => prop.name).join(',');
  let byColumns = insertStatements.get(meta);
  if (byColumns === undefined) {
    byColumns = new Map();
    insertStatements.set(meta, byColumns);
  }
  let statement = byColumns.get(key);
  if (statement === undefined) {
    if (meta.primaryKeys.length !== 1) throw new Error(`insertBySql needs a single primary key; ${meta.className} has ${meta.primaryKeys.length}`);
    // What em.insert does for these (several columns, a value made at insert) is not repeated here.
    const unmapped = props.find((prop) => prop.fieldNames?.length !== 1 || prop.onCreate !== undefined);
    if (unmapped !== undefined) throw new Error(`insertBySql cannot insert ${meta.className}.${unmapped.name}`);
    const platform = em.getPlatform();
    const primaryKeyColumn = meta.properties[meta.primaryKeys[0]].fieldNames[0];
    const columns = props.map((prop) => platform.quoteIdentifier(prop.fieldNames[0]));
    statement = {
      sql:
        `insert into ${platform.quoteIdentifier(meta.tableName)} (${columns.join(', ')}) ` +
        `values (${columns.map(() => '?').join(', ')}) returning ${platform.quoteIdentifier(primaryKeyColumn)}`,
      primaryKeyColumn,
      values: (row) => props.map((prop) => row[prop.name]),
    };
    byColumns.set(key, statement);
  }
  return statement;
}
