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

/** Longest wait for the worker to close its connection before it is terminated. */
const STOP_TIMEOUT_MS = 2_000;

// Plain JavaScript evaluated by the worker, so it runs the same under ts-jest and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints a SQLite file's WAL from a worker thread with a connection of its own. SQLite's
 * automatic checkpoint runs inside the commit that crosses its threshold, on the committing
 * connection, and waits for two fsyncs: on the service's single event loop, with a 28 KiB package
 * stored per pass version, that was about half the time of every write (120 of 250 µs measured
 * here). A PASSIVE checkpoint waits for no reader or writer, so the worker and the service's
 * connections never hold each other up; it costs a V8 isolate, about 18 MB.
 * @see https://www.sqlite.org/wal.html#checkpointing
 * @see https://www.sqlite.org/c3ref/wal_checkpoint_v2.html
 */
export class SqliteWalCheckpointer {
  private readonly logger = new Logger('SQLite');
  private readonly exited: Promise<void>;
  private stopped = false;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('error', (error) => {
      this.logger.warn(
        `The WAL checkpointing thread stopped (${error.message}); the connection checkpoints by itself from ${BACKSTOP_WAL_AUTOCHECKPOINT_PAGES} pages on`,
      );
    });
    // Neither a test that forgets to close the ORM nor the CLI should stay alive for it.
    this.worker.unref();
  }

  static start(file: string): SqliteWalCheckpointer {
    return new SqliteWalCheckpointer(
      new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { file, betterSqlite3: require.resolve('better-sqlite3'), intervalMs: CHECKPOINT_INTERVAL_MS },
      }),
    );
  }

  /** Closes the worker's connection first: the last connection to close checkpoints and removes the WAL. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.worker.postMessage('stop');
    const timeout = setTimeout(() => void this.worker.terminate(), STOP_TIMEOUT_MS);
    try {
      await this.exited;
    } finally {
      clearTimeout(timeout);
    }
  }
}
