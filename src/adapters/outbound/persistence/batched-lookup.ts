import DataLoader from 'dataloader';
import { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { isPostgres } from './migrations/platform';

export interface Lookups<K, V> {
  /** One key, one statement: the only way on SQLite and in a transaction. */
  one(key: K): Promise<V>;
  /** Several keys in one statement; the answers in the keys' order. */
  many(keys: readonly K[]): Promise<V[]>;
}

export interface BatchOptions {
  /** How long a batch collects keys; 0 (the default): those asked for in one turn of the event loop. */
  collectForMs?: number;
  /**
   * After a failed batch, ask key by key one after another, in the order asked, rather than all at
   * once: of two writes of one row the later one must stay.
   */
  retryInOrder?: boolean;
}

/**
 * Lookups of one kind that requests make in the same turn of the event loop, sent as one statement
 * when `alone()` says they may be. DataLoader collects them, without its cache (each request reads
 * what is committed now), and sends them from `setImmediate`: every request that Node parsed from
 * the sockets in that turn has asked by then, where its default (`process.nextTick`) would see one
 * (or after `collectForMs`, for writes: `batchedWritesOnPostgreSql`). A batch of one goes as the
 * single statement; a batch that fails is asked again key by key, so a key the database refuses
 * fails its own request and no other.
 * @see https://github.com/graphql/dataloader#batch-scheduling
 */
export class BatchedLookup<K, V> {
  private readonly loader: DataLoader<K, V, K>;

  constructor(
    private readonly lookups: Lookups<K, V>,
    private readonly alone: () => boolean,
    maxBatchSize: number,
    private readonly options: BatchOptions = {},
  ) {
    const collectForMs = options.collectForMs ?? 0;
    this.loader = new DataLoader<K, V, K>((keys) => this.lookUp(keys), {
      cache: false,
      maxBatchSize,
      batchScheduleFn: collectForMs > 0 ? (send) => setTimeout(send, collectForMs) : (send) => setImmediate(send),
    });
  }

  find(key: K): Promise<V> {
    return this.alone() ? this.lookups.one(key) : this.loader.load(key);
  }

  private async lookUp(keys: readonly K[]): Promise<Array<V | Error>> {
    if (keys.length === 1) return [await this.lookups.one(keys[0])];
    try {
      return await this.lookups.many(keys);
    } catch {
      const one = (key: K) => this.lookups.one(key).catch((error: unknown) => asError(error));
      if (!this.options.retryInOrder) return Promise.all(keys.map(one));
      const answers: Array<V | Error> = [];
      for (const key of keys) answers.push(await one(key));
      return answers;
    }
  }
}

/** Keys in one statement at most, unless the lookup says otherwise (rows of a few hundred bytes). */
const MAX_BATCH = 100;

/**
 * Batched on PostgreSQL, where each statement is a round trip: 32 requests at a time looking up
 * a Wallet pass one statement each cost this machine 117–132 µs of CPU per lookup (client and
 * server) against 23–31 µs in batches, and a stored 28 KiB package 291–303 µs against 139–151.
 * SQLite answers in the process, synchronously, for less than a batch would cost. Inside a
 * transaction a lookup runs alone, in it: it must see the transaction's own writes.
 */
export function batchedOnPostgreSql<K, V>(orm: MikroORM, lookups: Lookups<K, V>, maxBatchSize = MAX_BATCH): BatchedLookup<K, V> {
  return new BatchedLookup(lookups, aloneUnlessPostgreSql(orm), maxBatchSize);
}

export interface Writes<R> {
  /** One row, one statement: the only way on SQLite and in a transaction. */
  one(row: R): Promise<void>;
  /** Several rows in one statement. */
  many(rows: readonly R[]): Promise<void>;
}

/**
 * Writes batched on PostgreSQL as `batchedOnPostgreSql` batches lookups, for rows that no request
 * waits for: a batch is collected for `collectForMs` rather than one turn of the event loop, since
 * every statement outside a transaction is a commit of its own, and each commit waits for
 * PostgreSQL to flush its WAL to disk. The function returned writes one row and settles once it is
 * written (or refused: a failed batch is written again row by row, in the order asked).
 */
export function batchedWritesOnPostgreSql<R>(
  orm: MikroORM,
  writes: Writes<R>,
  maxBatchSize: number,
  collectForMs: number,
): (row: R) => Promise<void> {
  const batched = new BatchedLookup<R, void>(
    {
      one: (row) => writes.one(row),
      many: async (rows) => {
        await writes.many(rows);
        return rows.map(() => undefined);
      },
    },
    aloneUnlessPostgreSql(orm),
    maxBatchSize,
    { collectForMs, retryInOrder: true },
  );
  return (row) => batched.find(row);
}

/**
 * SQLite answers in the process, synchronously, for less than a batch would cost. Inside a
 * transaction a statement runs alone, in it: a lookup must see the transaction's own writes.
 */
function aloneUnlessPostgreSql(orm: MikroORM): () => boolean {
  const postgreSql = isPostgres(orm.em.getPlatform());
  return () => !postgreSql || (orm.em.getContext(false) as SqlEntityManager).isInTransaction();
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
