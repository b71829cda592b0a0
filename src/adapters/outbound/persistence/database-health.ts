import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';

const TIMEOUT_MS = 2000;

/** Whether the database answers `select 1` within two seconds; for `/health`, so it never throws. */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly orm: MikroORM) {}

  async check(timeoutMs = TIMEOUT_MS): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const probe = Promise.resolve()
      .then(() => this.orm.em.getConnection().execute('select 1'))
      .then(
        () => true,
        () => false,
      );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
