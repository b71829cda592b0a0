import { MikroORM } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../domain/ports/unit-of-work';

/**
 * One database transaction around `work`. The repositories fork their entity manager with
 * `keepTransactionContext` (entityManagerFor), so every call inside joins this transaction.
 */
@Injectable()
export class MikroOrmUnitOfWork extends UnitOfWork {
  constructor(private readonly orm: MikroORM) {
    super();
  }

  atomically<T>(work: () => Promise<T>): Promise<T> {
    return this.orm.em.fork().transactional(() => work());
  }
}
