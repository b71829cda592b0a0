import { UnitOfWork } from '../../src/domain/ports/unit-of-work';

/** Runs the work as it is: the in-memory repositories have nothing to roll back to. */
export class InMemoryUnitOfWork extends UnitOfWork {
  runs = 0;

  async atomically<T>(work: () => Promise<T>): Promise<T> {
    this.runs += 1;
    return work();
  }
}
