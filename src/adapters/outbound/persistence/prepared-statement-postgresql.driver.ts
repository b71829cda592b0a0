import type { Configuration } from '@mikro-orm/core';
import { AbstractSqlDriver } from '@mikro-orm/knex';
import { PostgreSqlConnection, PostgreSqlPlatform } from '@mikro-orm/postgresql';

/** The parts of pg's Client and of knex's client (its pool of pg Clients) used here. */
interface PgClient {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}
interface KnexConnectionPool {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(connection: PgClient): Promise<unknown>;
}

/** Distinct SQL texts that get a name, and so stay prepared on each connection that runs them. */
const NAMED_STATEMENTS = 200;

/** SQLSTATE 42P18: PostgreSQL could not infer a parameter's type (`select ? is null`), which a literal has. */
const INDETERMINATE_DATATYPE = '42P18';
/** SQLSTATE 0A000 with this message: a table a named statement reads changed its columns (a migration ran). */
const CACHED_PLAN_CHANGED = { code: '0A000', message: 'cached plan must not change result type' };

interface Parameterised {
  text: string;
  values: unknown[];
}

/**
 * MikroORM 6 writes every parameter into the SQL text before it reaches knex
 * (`AbstractSqlConnection.execute` calls `platform.formatQuery`): PostgreSQL parses and plans each
 * statement anew, a 28 KiB package travels as a 56 KiB hex literal, and knex's query runner and
 * pool wrap every statement. A statement outside a transaction whose parameters are plain values
 * goes here to a pg Client of knex's pool instead, as `$n` parameters (bytes as binary), under a
 * name per SQL text, so each connection parses and plans it once. The Wallet web service's pass
 * lookup cost the client 40 µs of CPU that way against 92 µs, and the server answered 19,000 of
 * them per second against 5,900 (32 at a time, on empty tables, this machine).
 * Statements in a transaction, with no parameters, with values that are not plain (arrays, JSON
 * objects, raw fragments), with identifier placeholders (`??`) or several commands keep
 * MikroORM's path, unchanged.
 * Named statements are prepared per session: behind PgBouncer in transaction mode that needs
 * PgBouncer 1.21 or later with `max_prepared_statements` set (README).
 * @see https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
 * @see https://node-postgres.com/features/queries#prepared-statements
 */
class PreparedStatementPostgreSqlConnection extends PostgreSqlConnection {
  override async execute<T>(
    queryOrKnex: unknown,
    params: unknown[] = [],
    method: 'all' | 'get' | 'run' = 'all',
    ctx?: unknown,
    loggerContext?: Record<string, unknown>,
  ): Promise<T> {
    // No transaction context (MikroORM passes undefined or null): any connection of the pool will do.
    const sql = typeof queryOrKnex === 'string' && ctx == null ? this.config.get('onQuery')(queryOrKnex, params) : null;
    const statement = sql === null ? null : parameterised(sql, params);
    if (sql === null || statement === null) {
      return super.execute(queryOrKnex as string, params, method, ctx as never, loggerContext as never) as Promise<T>;
    }
    if (!this.connected) await this.ensureConnection();
    const logger = this.config.getLogger();
    // What the query log shows, as MikroORM's getSql would give it.
    const logged = logger.isEnabled('query-params', loggerContext as never) ? this.platform.formatQuery(sql, params) : sql;
    try {
      return (await this.executeQuery(logged, () => this.run(statement, statementNames.of(sql), method), {
        query: sql,
        params,
        ...loggerContext,
      })) as T;
    } catch (error) {
      if (isPgError(error, INDETERMINATE_DATATYPE)) {
        // The statement did nothing: written as MikroORM writes it, the literal has a type.
        literalOnly.add(sql);
        return super.execute(queryOrKnex as string, params, method, undefined, loggerContext as never) as Promise<T>;
      }
      if (isPgError(error, CACHED_PLAN_CHANGED.code) && String((error as Error).message).includes(CACHED_PLAN_CHANGED.message)) {
        // Prepared anew under another name, on every connection, by this and later calls.
        statementNames.forget(sql);
        return this.execute(queryOrKnex, params, method, undefined, loggerContext);
      }
      throw error;
    }
  }

  private async run(statement: Parameterised, name: string | undefined, method: 'all' | 'get' | 'run'): Promise<unknown> {
    const pool = this.getKnex().client as unknown as KnexConnectionPool;
    const connection = await pool.acquireConnection();
    try {
      const result = await connection.query(name === undefined ? statement : { name, ...statement });
      return this.transformRawResult(result, method);
    } catch (error) {
      // As knex's runner reports it: the statement first (its text only; the values stay out of logs).
      if (typeof (error as Error | undefined)?.message === 'string') (error as Error).message = `${statement.text} - ${(error as Error).message}`;
      throw error;
    } finally {
      await pool.releaseConnection(connection);
    }
  }
}

/** SQL texts PostgreSQL refused as parameterised statements (see INDETERMINATE_DATATYPE). */
const literalOnly = new Set<string>();

/** SQL text → its statement name, for the first NAMED_STATEMENTS texts; later ones run unnamed. */
class StatementNames {
  private readonly names = new Map<string, string>();
  private issued = 0;

  of(sql: string): string | undefined {
    let name = this.names.get(sql);
    if (name === undefined && this.names.size < NAMED_STATEMENTS) {
      this.issued += 1;
      name = `passgate_${this.issued}`;
      this.names.set(sql, name);
    }
    return name;
  }

  forget(sql: string): void {
    this.names.delete(sql);
  }
}

const statementNames = new StatementNames();

/**
 * `?` placeholders as `$1`, `$2`… with the values pg should send, or null when MikroORM's path
 * must take the statement: no parameters (DDL, `select 1`), `??` identifiers or `\?` escapes
 * (which formatQuery resolves), a `;` (the extended protocol runs one command), a placeholder count
 * that is not the parameters' (MikroORM would expand an array), a value that is not plain.
 * Like formatQuery, every `?` is a placeholder, inside quotes too.
 */
function parameterised(sql: string, params: readonly unknown[]): Parameterised | null {
  if (params.length === 0 || sql.includes('??') || sql.includes('\\?') || sql.includes(';') || literalOnly.has(sql)) return null;
  if (!params.every(isPlainValue)) return null;
  let placeholder = 0;
  const text = sql.replace(/\?/g, () => `$${++placeholder}`);
  if (placeholder !== params.length) return null;
  return { text, values: params.map((value) => (value === undefined ? null : value)) };
}

/**
 * Values pg sends as MikroORM would have written them: text as text, numbers and booleans in their
 * text form, bytes as binary, a Date as its instant with the local offset (every datetime column
 * here is timestamptz), undefined as NULL.
 */
function isPlainValue(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    value instanceof Uint8Array ||
    (value instanceof Date && !Number.isNaN(value.getTime()))
  );
}

function isPgError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** MikroORM's PostgreSQL driver with the connection above. */
export class PreparedStatementPostgreSqlDriver extends AbstractSqlDriver<PreparedStatementPostgreSqlConnection> {
  constructor(config: Configuration) {
    super(config, new PostgreSqlPlatform(), PreparedStatementPostgreSqlConnection, ['knex', 'pg']);
  }
}
