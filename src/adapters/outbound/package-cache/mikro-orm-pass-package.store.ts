import { MikroORM } from '@mikro-orm/core';
import { entityManagerFor } from '../persistence/mikro-orm-repository';
import { PassPackageRecord } from '../persistence/schemas/pass-package.schema';
import { PassPackageStore } from './pass-package-store';

/** Signed packages in the `pass_packages` table, on SQLite and PostgreSQL alike. */
export class MikroOrmPassPackageStore extends PassPackageStore {
  constructor(private readonly orm: MikroORM) {
    super();
  }

  async find(passId: number, cacheKey: string): Promise<Buffer | null> {
    const row = await entityManagerFor(this.orm)
      .createQueryBuilder(PassPackageRecord)
      .select('bytes')
      .where({ passId, cacheKey })
      .execute('get');
    return row ? Buffer.from(row.bytes) : null;
  }

  /**
   * One statement, `insert … on conflict (pass_id) do update`: instances that store the same pass
   * at once neither fail on the primary key nor need a transaction around a read and a write.
   */
  async save(passId: number, cacheKey: string, bytes: Buffer): Promise<void> {
    await entityManagerFor(this.orm)
      .createQueryBuilder(PassPackageRecord)
      .insert({ passId, cacheKey, bytes, createdAt: new Date() })
      .onConflict('passId')
      .merge(['cacheKey', 'bytes', 'createdAt'])
      .execute();
  }
}
