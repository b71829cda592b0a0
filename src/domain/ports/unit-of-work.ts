/**
 * Makes several repository calls one atomic change: a pass and what must change with it (a
 * template's passes, push jobs) are stored together or not at all.
 */
export abstract class UnitOfWork {
  /** Runs `work`; its repository calls commit together when it returns, and none does when it throws. */
  abstract atomically<T>(work: () => Promise<T>): Promise<T>;
}
