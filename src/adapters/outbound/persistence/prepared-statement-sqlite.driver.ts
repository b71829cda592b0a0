import type { Configuration, MikroORM } from '@mikro-orm/core';
import { AbstractSqlDriver, BetterSqliteConnection, BetterSqliteKnexDialect, BetterSqlitePlatform } from '@mikro-orm/better-sqlite';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteBackgroundThread, SqliteWriterLock } from './sqlite-background-thread';

/** The parts of better-sqlite3's Database and Statement used here. */
interface Statement {
  readonly reader: boolean;
  readonly readonly: boolean;
  all(bindings: unknown[]): unknown[];
  run(bindings: unknown[]): RunResult;
  safeIntegers(on: boolean): Statement;
}
interface Database {
  readonly inTransaction: boolean;
  prepare(sql: string): Statement;
  close(): void;
}
interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** better-sqlite3's name for a database that lives in its connection only. */
export const SQLITE_MEMORY = ':memory:';

/** Distinct statements kept prepared per connection, least recently used dropped first. */
const PREPARED_STATEMENTS_PER_CONNECTION = 500;

/**
 * MikroORM 6 writes every parameter into the SQL text before it reaches the driver
 * (`AbstractSqlConnection.execute` calls `platform.formatQuery`), so on SQLite no two executions
 * of one query share a statement and each is parsed and planned anew; a 28 KiB package goes into
 * the text as a hex literal. This connection hands the parameters to better-sqlite3 as bindings
 * instead, and keeps the prepared statements. Parameters that are not plain values (dates, JSON
 * objects, raw fragments) and identifier placeholders (`??`) take MikroORM's own path, unchanged.
 * @see https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#preparestring---statement
 */
class PreparedStatementSqliteConnection extends BetterSqliteConnection {
  /**
   * See `readCommitted`: opened on first use; null for an in-memory database (no second connection
   * can see it) and once closed (until MikroORM connects again).
   */
  private readConnection: ReadConnection | null | undefined;
  /** Null for an in-memory database (no WAL, no second connection) and once closed. */
  private backgroundThread: SqliteBackgroundThread | null = null;

  override createKnex(): void {
    this.client = this.createKnexClient(PreparedStatementKnexDialect as never);
    this.connected = true;
    this.readConnection = undefined;
    const file = this.databaseFile();
    if (file !== null && this.backgroundThread === null) this.backgroundThread = SqliteBackgroundThread.start(file, new SqliteWriterLock());
    const dialect = this.client.client as PreparedStatementKnexDialect;
    dialect.writerLock = this.backgroundThread?.lock ?? null;
    dialect.afterWrite = this.endReadSnapshot;
  }

  /** See ReadConnection: a write that has committed is seen by every read after it. */
  private readonly endReadSnapshot = (): void => {
    this.readConnection?.endSnapshot();
  };

  /** See runOffEventLoop. */
  runInBackground(sql: string, params: readonly unknown[]): Promise<void> | null {
    if (this.backgroundThread === null || !this.backgroundThread.running || !params.every(isBindable)) return null;
    return this.backgroundThread.run(sql, params.map(directSqliteBinding)).then(this.endReadSnapshot);
  }

  /** The database's file; null for an in-memory database, which no other connection can open. */
  private databaseFile(): string | null {
    const file = this.config.get('dbName');
    return file === undefined || file === SQLITE_MEMORY ? null : file;
  }

  override async close(force?: boolean): Promise<void> {
    this.readConnection?.close();
    this.readConnection = null;
    await this.backgroundThread?.stop();
    this.backgroundThread = null;
    await super.close(force);
  }

  override async execute<T>(
    queryOrKnex: unknown,
    params: unknown[] = [],
    method: 'all' | 'get' | 'run' = 'all',
    ctx?: unknown,
    loggerContext?: Record<string, unknown>,
  ): Promise<T> {
    if (typeof queryOrKnex !== 'string' || queryOrKnex.includes('??') || !params.every(isBindable)) {
      return super.execute(queryOrKnex as string, params, method, ctx as never, loggerContext as never) as Promise<T>;
    }
    if (!this.connected) await this.ensureConnection();
    const sql = this.config.get('onQuery')(queryOrKnex, params);
    // Knex's raw() refuses undefined; MikroORM writes it as NULL.
    const bindings = params.map((value) => (value === undefined ? null : value));
    const logger = this.config.getLogger();
    // A read with no query log to write needs nothing of executeQuery (its timing feeds the log
    // only): answered here, without its promises, which every Wallet request would pay for.
    if (ctx === undefined && method === 'all' && !logger.isEnabled('query', loggerContext as never)) {
      const rows = this.readCommitted(sql, bindings);
      if (rows !== null) return rows as T;
    }
    // What the query log shows, as MikroORM's getSql would give it (SQLite's placeholders need no renumbering).
    const logged = logger.isEnabled('query-params', loggerContext as never) ? this.platform.formatQuery(sql, params) : sql;
    return this.executeQuery(
      logged,
      async () => {
        const rows = ctx === undefined && method === 'all' ? this.readCommitted(sql, bindings) : null;
        if (rows !== null) return rows;
        const query = this.getKnex().raw(sql, bindings as never[]);
        if (ctx) query.transacting(ctx as never);
        return this.transformRawResult(await query, method);
      },
      { query: sql, params, ...loggerContext },
    ) as Promise<T>;
  }

  /**
   * A statement that only reads, outside any transaction, answered at once on a read-only
   * connection of its own to the same file: in WAL mode it sees every transaction committed before
   * its turn of the event loop began reading, and every write of this process that has ended
   * (ReadConnection), and waits for no writer. Through knex each such read would queue for the
   * pool's only connection (held by any transaction under way) and cost about ten times what
   * SQLite takes to answer.
   * Null when the statement writes or the database is in memory: knex's path takes it.
   * @see https://www.sqlite.org/wal.html#concurrency
   */
  private readCommitted(sql: string, bindings: unknown[]): unknown[] | null {
    if (this.readConnection === undefined) {
      const file = this.databaseFile();
      if (file === null) {
        this.readConnection = null;
      } else {
        const connection = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
        // SQLite's own 2 MB page cache rather than better-sqlite3's 16 MB: this connection mostly
        // reads stored packages once each, which the operating system's file cache holds anyway.
        connection.pragma('cache_size = -2000');
        this.readConnection = new ReadConnection(connection as unknown as Database);
      }
    }
    if (this.readConnection === null) return null;
    return this.readConnection.read(sql, bindings.map(directSqliteBinding));
  }
}

/**
 * The read-only connection, whose reads in one turn of the event loop share one read transaction:
 * begun by the first, committed once the turn's I/O callbacks have run (setImmediate) or as soon as
 * a write on the main connection or the background thread has committed, so that a read never
 * misses a write whose end its caller saw. In WAL mode each read transaction takes a read lock in
 * the WAL index with `fcntl` and checks whether the WAL changed; measured here on a 10,000-pass
 * database, the Wallet web service's pass lookup cost 21 µs of CPU as a transaction of its own
 * and 12-14 µs when four to sixteen shared one.
 * @see https://www.sqlite.org/wal.html#concurrency
 * @see https://www.sqlite.org/lang_transaction.html
 */
class ReadConnection {
  private snapshotOpen = false;
  private endScheduled = false;
  private readonly begin: Statement;
  private readonly commit: Statement;

  constructor(private readonly connection: Database) {
    this.begin = connection.prepare('begin');
    this.commit = connection.prepare('commit');
  }

  /** Null when the statement writes: the main connection takes it. */
  read(sql: string, bindings: unknown[]): unknown[] | null {
    const statement = prepared(this.connection, sql);
    if (!statement.readonly) return null;
    if (!this.snapshotOpen) {
      // Deferred: the snapshot is taken by the statement's first read.
      this.begin.run([]);
      this.snapshotOpen = true;
      if (!this.endScheduled) {
        this.endScheduled = true;
        setImmediate(this.endOfTurn);
      }
    }
    return statement.all(bindings);
  }

  private readonly endOfTurn = (): void => {
    this.endScheduled = false;
    this.endSnapshot();
  };

  endSnapshot(): void {
    if (!this.snapshotOpen) return;
    this.snapshotOpen = false;
    // SQLite may have rolled the transaction back itself (an I/O error, SQLITE_BUSY on recovery).
    if (this.connection.inTransaction) this.commit.run([]);
  }

  close(): void {
    this.endSnapshot();
    this.connection.close();
  }
}

function isBindable(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    value instanceof Uint8Array
  );
}

/**
 * Whole numbers as INTEGER, as MikroORM would have written them into the SQL: better-sqlite3 binds
 * every JavaScript number as REAL. (After knex's own formatting, which turned booleans into 1 and
 * 0, and which also formats the bindings into the message of a failed query: it cannot take a BigInt.)
 */
function toSqliteBinding(value: unknown): unknown {
  return typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
}

/**
 * A plain parameter (isBindable) as better-sqlite3 takes it outside knex, which would have turned
 * booleans into 1 and 0 (and MikroORM undefined into NULL) first.
 */
function directSqliteBinding(value: unknown): unknown {
  return toSqliteBinding(value === undefined ? null : typeof value === 'boolean' ? Number(value) : value);
}

interface KnexQueryObject {
  sql: string;
  bindings?: unknown[];
  options?: unknown;
  response?: unknown;
  context?: { lastID: unknown; changes: number };
}

const preparedByConnection = new WeakMap<Database, Map<string, Statement>>();

function prepared(connection: Database, sql: string): Statement {
  let statements = preparedByConnection.get(connection);
  if (statements === undefined) {
    statements = new Map();
    preparedByConnection.set(connection, statements);
  }
  let statement = statements.get(sql);
  if (statement !== undefined) {
    // Map order is insertion order: re-inserting keeps the coldest statement first.
    statements.delete(sql);
  } else {
    statement = connection.prepare(sql);
    if (statements.size >= PREPARED_STATEMENTS_PER_CONNECTION) statements.delete(statements.keys().next().value!);
  }
  statements.set(sql, statement);
  return statement;
}

const writerLocks = new WeakMap<Database, SqliteWriterLock>();
const afterWrites = new WeakMap<Database, () => void>();

/** Knex's better-sqlite3 dialect with statements prepared once per connection and SQL text. */
class PreparedStatementKnexDialect extends (BetterSqliteKnexDialect as unknown as new (...args: unknown[]) => {
  acquireRawConnection(): Promise<Database>;
  _formatBindings(bindings: unknown[] | undefined): unknown[];
  _optSafeIntegers(options: unknown): boolean | undefined;
}) {
  /**
   * Shared with the connection's background thread; null when it has none (an in-memory database).
   * Known to the connections this client opens (see writerLocks): knex runs a transaction's
   * statements through a client object of its own, which does not carry this property.
   */
  writerLock: SqliteWriterLock | null = null;
  /** Called once a statement that may write has run; known to the connections like writerLock. */
  afterWrite: (() => void) | null = null;

  override async acquireRawConnection(): Promise<Database> {
    const connection = await super.acquireRawConnection();
    if (this.writerLock !== null) writerLocks.set(connection, this.writerLock);
    if (this.afterWrite !== null) afterWrites.set(connection, this.afterWrite);
    return connection;
  }

  async _query(connection: Database, obj: KnexQueryObject): Promise<KnexQueryObject> {
    if (!obj.sql) throw new Error('The query is empty');
    if (!connection) throw new Error('No connection provided');
    const safeIntegers = this._optSafeIntegers(obj.options);
    // A statement's safeIntegers mode sticks to it: such a query gets a statement of its own.
    const statement = safeIntegers === undefined ? prepared(connection, obj.sql) : connection.prepare(obj.sql).safeIntegers(safeIntegers);
    const bindings = this._formatBindings(obj.bindings).map(toSqliteBinding);
    if (statement.reader && statement.readonly) {
      obj.response = statement.all(bindings);
      return obj;
    }
    // Every other statement may write or begin a transaction (BEGIN, SAVEPOINT; `insert … returning`
    // returns rows and writes): the writer lock first.
    const lock = writerLocks.get(connection);
    const execute = (): unknown[] | RunResult => (statement.reader ? statement.all(bindings) : statement.run(bindings));
    const response = lock === undefined ? execute() : await lock.around(connection, execute);
    afterWrites.get(connection)?.();
    obj.response = response;
    if (!Array.isArray(response)) obj.context = { lastID: response.lastInsertRowid, changes: response.changes };
    return obj;
  }
}

/**
 * Runs a writing statement on the SQLite file's background thread (SqliteBackgroundThread) and
 * resolves once it has committed, for a write whose caller answers without waiting for it (a
 * stored package). Null where there is no such thread (PostgreSQL, an in-memory SQLite database,
 * a thread that stopped): the caller runs it on its own connection.
 */
export function runOffEventLoop(orm: MikroORM, sql: string, params: readonly unknown[]): Promise<void> | null {
  const connection = orm.em.getConnection();
  return connection instanceof PreparedStatementSqliteConnection ? connection.runInBackground(sql, params) : null;
}

/** MikroORM's better-sqlite3 driver with the connection above. */
export class PreparedStatementSqliteDriver extends AbstractSqlDriver<PreparedStatementSqliteConnection> {
  constructor(config: Configuration) {
    super(config, new BetterSqlitePlatform(), PreparedStatementSqliteConnection, ['knex', 'better-sqlite3']);
  }
}
