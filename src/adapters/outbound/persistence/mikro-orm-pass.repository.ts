import { Injectable } from '@nestjs/common';
import { MikroORM, raw } from '@mikro-orm/core';
import { DomainError, DomainErrorCode } from '../../../domain/errors';
import { Pass } from '../../../domain/pass';
import { PassRepository } from '../../../domain/ports/pass.repository';
import { isPostgres } from './migrations/platform';
import { entityManagerFor, saveDetached, violatesUnique } from './mikro-orm-repository';
import { PASS_SERIAL_UNIQUE } from './schemas/pass.schema';

@Injectable()
export class MikroOrmPassRepository extends PassRepository {
  constructor(private readonly orm: MikroORM) {
    super();
  }

  async add(pass: Pass): Promise<Pass> {
    try {
      // Its own (nested) transaction: on PostgreSQL a savepoint keeps a caller's transaction usable.
      await entityManagerFor(this.orm).transactional(async (em) => {
        em.persist(pass);
        await em.flush();
      });
    } catch (error) {
      if (violatesUnique(error, PASS_SERIAL_UNIQUE, 'passes', ['pass_type_id', 'serial_number'])) {
        throw new DomainError(
          DomainErrorCode.SerialNumberTaken,
          `Serial number ${pass.serialNumber} is taken for this pass type.`,
          { serialNumber: pass.serialNumber },
        );
      }
      throw error;
    }
    return pass;
  }

  async save(pass: Pass): Promise<void> {
    await saveDetached(entityManagerFor(this.orm), Pass, pass, { id: pass.id });
  }

  async findById(id: number): Promise<Pass | null> {
    return entityManagerFor(this.orm).findOne(Pass, { id });
  }

  async findForAccount(accountId: number, id: number): Promise<Pass | null> {
    return entityManagerFor(this.orm).findOne(Pass, { id, accountId });
  }

  async findBySerialNumber(passTypeId: number, serialNumber: string): Promise<Pass | null> {
    return entityManagerFor(this.orm).findOne(Pass, { passTypeId, serialNumber });
  }

  async findByPassDataId(passDataId: string): Promise<Pass | null> {
    return entityManagerFor(this.orm).findOne(Pass, { passDataId });
  }

  async listForTemplate(templateId: number, page: { offset: number; limit: number }): Promise<Pass[]> {
    return entityManagerFor(this.orm).find(
      Pass,
      { templateId },
      { orderBy: { id: 'asc' }, offset: page.offset, limit: page.limit },
    );
  }

  /** One UPDATE for the whole template, however many passes it has: the same rule as `Pass.touch`, in SQL. */
  async touchAllOfTemplate(templateId: number, now: Date): Promise<number> {
    const em = entityManagerFor(this.orm);
    const updatedAt = isPostgres(em.getPlatform())
      ? raw(`greatest(cast(? as timestamptz), updated_at + interval '1 millisecond')`, [now.toISOString()])
      : // SQLite keeps MikroORM datetimes as epoch milliseconds.
        raw('max(?, updated_at + 1)', [now.getTime()]);
    const result = await em
      .createQueryBuilder(Pass)
      .update({ version: raw('version + 1'), updatedAt } as never)
      .where({ templateId })
      .execute('run');
    return result.affectedRows;
  }

  /** Its device registrations go with it through ON DELETE CASCADE. */
  async remove(pass: Pass): Promise<void> {
    await entityManagerFor(this.orm).nativeDelete(Pass, { id: pass.id });
  }
}
