import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';

/** How often the worker copies the WAL's committed pages back into the database file. */
const CHECKPOINT_INTERVAL_MS = 100;

/**
 * The service's own connection checkpoints by itself only once the WAL holds this many pages
 * (40 MB of 4 KiB pages, SQLite's default is 1,000): the worker does it long before, and should it
 * stop, the WAL still stays bounded.
 * @see https://www.sqlite.org/pragma.html#pragma_wal_autocheckpoint
 */
export const BACKSTOP_WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * How long the first write handed to the thread waits on the event loop for others to travel and
 * commit with it. Each message wakes the thread, and on this machine's virtual CPUs waking a
 * sleeping thread cost the event loop 28-43 µs per message, against 8-13 µs per write sent ten to
 * a message. And each commit makes the service's read-only connection drop its page cache (SQLite
 * finds the WAL changed when a read begins): a point lookup measured 5 µs on a warm cache, 14 µs
 * after another connection's commit.
 */
const BATCH_WINDOW_MS = 5;

/** Longest the worker tries its setup again while the file is locked (see the worker's setup). */
const SETUP_TIMEOUT_MS = 30_000;

/** Longest wait for the worker to close its connection before it is terminated. */
const STOP_TIMEOUT_MS = 2_000;

/**
 * Longest the worker waits for the writer lock (the service's transaction may span several of its
 * requests) or for another process's write before it gives a write up.
 */
const WRITE_TIMEOUT_MS = 5_000;

/** Longest the service's connection waits for the writer lock; the worker gives it up after the statement under way. */
const SERVICE_LOCK_TIMEOUT_MS = 1_000;

/** The writer lock in shared memory: who holds it, and whether the service is waiting for it. */
const LOCK = 0;
const WANTED = 1;
const FREE = 0;
const HELD_BY_SERVICE = 1;
const HELD_BY_WORKER = 2;

/** How long the worker sleeps while the lock is free but the service wants it (taking it sends no notify). */
const WORKER_NAP_MS = 1;

// Plain JavaScript evaluated by the worker, so it runs the same under ts-jest and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
// Its setup and checkpoints wait for another process's lock as any connection does; run() does not (see there).
const db = new Database(workerData.file, { fileMustExist: true, timeout: workerData.writeTimeoutMs });
const waitForLocks = db.prepare('pragma busy_timeout = ' + workerData.writeTimeoutMs);
const failOnLocks = db.prepare('pragma busy_timeout = 0');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// The thread starts while the service's first connection may still be setting the file up (WAL,
// migrations), and the first pragma reads the schema: on a loaded machine it failed with
// SQLITE_BUSY ("database is locked"), twice in one run of the PostgreSQL suite here and once in
// CI, which ended the thread. The setup is tried again until SETUP_TIMEOUT_MS instead.
for (const deadline = Date.now() + ${SETUP_TIMEOUT_MS}; ; ) {
  try {
    // The file may not be in WAL mode yet (a new, empty file the service's connection has not set
    // up), and a connection that only checkpoints never reads the header that would tell it later:
    // its checkpoints answered "not in WAL mode" (-1) for the whole of a test under load. So it
    // sets the mode the service's connection sets; on a file already in WAL mode that only reads it.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Only the statements this worker runs: no page of a stored package is read here again.
    db.pragma('cache_size = -1000');
    break;
  } catch (error) {
    if (!String(error.code).startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
    sleep(10);
  }
}
const lock = new Int32Array(workerData.lock);
const statements = new Map();

// The service goes first: while it waits for the lock, this thread does not take it again.
function takeLock(deadline) {
  for (;;) {
    if (Atomics.load(lock, ${WANTED}) === 0 && Atomics.compareExchange(lock, ${LOCK}, ${FREE}, ${HELD_BY_WORKER}) === ${FREE}) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const holder = Atomics.load(lock, ${LOCK});
    Atomics.wait(lock, ${LOCK}, holder, holder === ${FREE} ? Math.min(left, ${WORKER_NAP_MS}) : left);
  }
}

function releaseLock() {
  Atomics.store(lock, ${LOCK}, ${FREE});
  Atomics.notify(lock, ${LOCK});
}

// One Buffer per parameter position, grown as needed: SQLite copies a bound blob (SQLITE_TRANSIENT).
const scratch = new Map();

function blobFromLatin1(text, position) {
  let buffer = scratch.get(position);
  if (buffer === undefined || buffer.length < text.length) {
    buffer = Buffer.allocUnsafeSlow(Math.max(text.length, 64 * 1024));
    scratch.set(position, buffer);
  }
  return buffer.subarray(0, buffer.latin1Write(text, 0));
}

// Blobs arrive as latin1 text (see run); every other value as the service's connection binds it.
const binding = (value, position, blobs) => (blobs.includes(position) ? blobFromLatin1(value, position) : value);

function statementFor(sql) {
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

const begin = db.prepare('begin immediate');
const commit = db.prepare('commit');
const rollback = db.prepare('rollback');

// Runs the batch in as few transactions as the service lets it: while the service waits for the
// lock, the transaction under way commits after its current statement and the lock is handed over.
function writeBatch(batch) {
  const reply = { done: [], failed: [] };
  const fail = (writes, error) => {
    for (const write of writes) reply.failed.push({ id: write.id, error: error.message ?? String(error) });
  };
  const deadline = Date.now() + workerData.writeTimeoutMs;
  let next = 0;
  for (let backoff = 1; next < batch.length; ) {
    if (!takeLock(deadline)) {
      fail(batch.slice(next), new Error('the service held the database for ' + workerData.writeTimeoutMs + ' ms'));
      break;
    }
    let anotherProcessWrites = false;
    try {
      failOnLocks.get();
      try {
        begin.run();
      } catch (error) {
        // Another process (the CLI, say) is writing: wait for it without the lock, so the service never waits on it here.
        if (error.code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
        anotherProcessWrites = true;
      }
      const written = [];
      while (!anotherProcessWrites && next < batch.length) {
        const write = batch[next++];
        try {
          statementFor(write.sql).run(write.params.map((value, position) => binding(value, position, write.blobs)));
          written.push(write);
        } catch (error) {
          fail([write], error);
          // Most errors end the statement alone; some end the transaction, and what it held with it.
          if (!db.inTransaction) {
            fail(written, error);
            written.length = 0;
            break;
          }
        }
        if (Atomics.load(lock, ${WANTED}) !== 0) break;
      }
      if (db.inTransaction) {
        try {
          commit.run();
        } catch (error) {
          fail(written, error);
          written.length = 0;
          if (db.inTransaction) rollback.run();
        }
      }
      for (const write of written) reply.done.push(write.id);
    } catch (error) {
      fail(batch.slice(next), error);
      next = batch.length;
    } finally {
      waitForLocks.get();
      releaseLock();
    }
    if (anotherProcessWrites) {
      sleep(backoff);
      backoff = Math.min(backoff * 2, 50);
    }
  }
  parentPort.postMessage(reply);
}

// A checkpoint that still finds the file locked after the busy timeout is tried again at the next
// interval: an error thrown here would end the thread.
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    if (error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED') throw error;
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message.type === 'run') {
    writeBatch(message.writes);
    return;
  }
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * The lock between the service's connection and the background thread's, one writer at a time.
 * SQLite's own lock would serialise them too, but a connection that finds it taken sleeps in the
 * busy handler, a millisecond at least, and on the service's event loop; and a deferred
 * transaction (`BEGIN`, a read, then a write) fails with SQLITE_BUSY_SNAPSHOT if the other
 * connection committed after its read. So the service's connection takes this lock before a write
 * outside a transaction and before `BEGIN`, and keeps it until the transaction has ended; the
 * thread takes it for a transaction of its own, which it commits after the statement under way as
 * soon as the service waits.
 *
 * The service waits for it asynchronously (`Atomics.waitAsync`): on two cores the thread is
 * sometimes descheduled while it holds the lock, and a blocking wait measured 4 ms on average,
 * 3–4% of the event loop's time in the Passdock API benchmark. While the service waits, the
 * thread does not take the lock again.
 * @see https://www.sqlite.org/rescode.html#busy_snapshot
 * @see https://www.sqlite.org/c3ref/busy_timeout.html
 */
export class SqliteWriterLock {
  private readonly logger = new Logger('SQLite');
  private readonly state: Int32Array;
  private held = false;

  constructor(readonly memory = new SharedArrayBuffer(8)) {
    this.state = new Int32Array(memory);
  }

  /**
   * Around one statement of the service's connection other than a plain read (a read outside a
   * transaction needs no lock): `inTransaction` before and after it tells whether it begins,
   * continues or ends a transaction.
   */
  async around<T>(connection: { readonly inTransaction: boolean }, statement: () => T): Promise<T> {
    if (!this.held && !connection.inTransaction) await this.take();
    try {
      return statement();
    } finally {
      if (this.held && !connection.inTransaction) this.release();
    }
  }

  /** The thread is gone: a lock it held is freed. */
  releaseWorkersHold(): void {
    if (Atomics.compareExchange(this.state, LOCK, HELD_BY_WORKER, FREE) === HELD_BY_WORKER) Atomics.notify(this.state, LOCK);
  }

  private tryTake(): boolean {
    this.held = Atomics.compareExchange(this.state, LOCK, FREE, HELD_BY_SERVICE) === FREE;
    return this.held;
  }

  private async take(): Promise<void> {
    if (this.tryTake()) return;
    const deadline = Date.now() + SERVICE_LOCK_TIMEOUT_MS;
    Atomics.add(this.state, WANTED, 1);
    // An Atomics.waitAsync keeps no process alive by itself (the CLI has nothing else to wait for).
    const keepAlive = setTimeout(() => undefined, SERVICE_LOCK_TIMEOUT_MS);
    try {
      while (!this.tryTake()) {
        const left = deadline - Date.now();
        if (left <= 0) {
          // SQLite's own locking still keeps the file whole; only its busy handler's sleep is back.
          this.logger.warn(`The background thread held the writer lock for ${SERVICE_LOCK_TIMEOUT_MS} ms; writing without it`);
          return;
        }
        const wait = waitAsync(this.state, LOCK, HELD_BY_WORKER, left);
        if (wait.async) await wait.value;
      }
    } finally {
      clearTimeout(keepAlive);
      Atomics.sub(this.state, WANTED, 1);
    }
  }

  private release(): void {
    this.held = false;
    Atomics.store(this.state, LOCK, FREE);
    Atomics.notify(this.state, LOCK);
  }
}

/** ES2024's Atomics.waitAsync (in Node since 16), which the ES2022 lib this project compiles against does not declare. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

interface PendingWrite {
  resolve(): void;
  reject(error: Error): void;
}

/** One write on its way to the thread: blobs (their positions in `params`) as one-byte strings. */
interface OutgoingWrite {
  id: number;
  sql: string;
  params: unknown[];
  blobs: number[];
}

/** The thread's answer for one batch: the writes it committed, and those it could not make. */
interface BatchReply {
  done: number[];
  failed: Array<{ id: number; error: string }>;
}

/**
 * A worker thread with a SQLite connection of its own to the service's file, for work the event
 * loop need not wait for (it costs a V8 isolate, about 18 MB):
 *
 * - it checkpoints the WAL. SQLite's automatic checkpoint runs inside the commit that crosses its
 *   threshold, on the committing connection, and waits for two fsyncs: on the service's single
 *   event loop, with a 28 KiB package stored per pass version, that was about half the time of
 *   every write (120 of 250 µs measured here). A PASSIVE checkpoint waits for no reader or writer.
 * - it runs writes whose caller does not need them done before it answers (`run`): a stored
 *   package is 25 write syscalls, 110–180 µs of the event loop per new pass version. The two
 *   connections take turns through a SqliteWriterLock. The writes handed over within
 *   BATCH_WINDOW_MS travel in one message and share one transaction, unless the service wants the
 *   lock first: the thread woken once, one commit for them all, and the read-only connection's
 *   page cache dropped once rather than each time.
 * @see https://www.sqlite.org/wal.html#checkpointing
 * @see https://www.sqlite.org/c3ref/wal_checkpoint_v2.html
 */
export class SqliteBackgroundThread {
  private readonly logger = new Logger('SQLite');
  private readonly exited: Promise<void>;
  private readonly pending = new Map<number, PendingWrite>();
  /** Writes waiting for the batch's message (BATCH_WINDOW_MS). */
  private outbox: OutgoingWrite[] = [];
  private outboxTimer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private stopped = false;
  private alive = true;

  private constructor(
    private readonly worker: Worker,
    readonly lock: SqliteWriterLock,
  ) {
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (reply: BatchReply) => {
      for (const id of reply.done) this.take(id)?.resolve();
      for (const { id, error } of reply.failed) this.take(id)?.reject(new Error(error));
    });
    this.worker.on('error', (error) => {
      // better-sqlite3's errors reach this thread as plain objects: SQLite's code, no message.
      this.logger.warn(
        `The SQLite background thread stopped (${error.message ?? JSON.stringify(error)}); the connection checkpoints by itself from ${BACKSTOP_WAL_AUTOCHECKPOINT_PAGES} pages on and writes on the event loop`,
      );
    });
    void this.exited.then(() => {
      this.alive = false;
      this.lock.releaseWorkersHold();
      if (this.outboxTimer !== null) clearTimeout(this.outboxTimer);
      this.outbox = [];
      for (const write of this.pending.values()) write.reject(new Error('the SQLite background thread stopped'));
      this.pending.clear();
    });
    // Neither a test that forgets to close the ORM nor the CLI should stay alive for it.
    this.worker.unref();
  }

  static start(file: string, lock: SqliteWriterLock): SqliteBackgroundThread {
    return new SqliteBackgroundThread(
      new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          file,
          betterSqlite3: require.resolve('better-sqlite3'),
          intervalMs: CHECKPOINT_INTERVAL_MS,
          writeTimeoutMs: WRITE_TIMEOUT_MS,
          lock: lock.memory,
        },
      }),
      lock,
    );
  }

  private take(id: number): PendingWrite | undefined {
    const write = this.pending.get(id);
    this.pending.delete(id);
    return write;
  }

  /** False once the thread has stopped or is stopping: writes then belong on the service's connection. */
  get running(): boolean {
    return this.alive && !this.stopped;
  }

  /**
   * Runs one writing statement on the thread's connection, its parameters as better-sqlite3 binds
   * them (whole numbers as BigInt for INTEGER, Buffers for BLOB); resolves once it has committed,
   * rejects with SQLite's message.
   */
  run(sql: string, params: readonly unknown[]): Promise<void> {
    if (!this.running) return Promise.reject(new Error('the SQLite background thread stopped'));
    const id = this.nextId++;
    // Bytes travel as one-byte strings: a copied Buffer would arrive as memory outside the thread's
    // V8 heap, which its rare collections left growing (the Passdock API's peak RSS 342-349 MB ->
    // 373-383 MB), where a string dies in the thread's next scavenge.
    const blobs: number[] = [];
    const sent = params.map((value, position) => {
      if (!(value instanceof Uint8Array)) return value;
      blobs.push(position);
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
    });
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.outbox.push({ id, sql, params: sent, blobs });
      this.outboxTimer ??= setTimeout(() => this.sendOutbox(), BATCH_WINDOW_MS);
    });
  }

  private sendOutbox(): void {
    if (this.outboxTimer !== null) clearTimeout(this.outboxTimer);
    this.outboxTimer = null;
    if (this.outbox.length === 0) return;
    this.worker.postMessage({ type: 'run', writes: this.outbox });
    this.outbox = [];
  }

  /**
   * Ends after the writes already handed over (sent at once; messages are handled in order), then
   * closes the worker's connection: the last connection to close checkpoints and removes the WAL.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.sendOutbox();
    this.worker.postMessage({ type: 'stop' });
    const timeout = setTimeout(() => void this.worker.terminate(), STOP_TIMEOUT_MS);
    try {
      await this.exited;
    } finally {
      clearTimeout(timeout);
    }
  }
}
