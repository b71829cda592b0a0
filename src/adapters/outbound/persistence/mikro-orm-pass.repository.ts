import { Injectable } from '@nestjs/common';
import { LockMode, MikroORM, raw } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { DomainError, DomainErrorCode } from '../../../domain/errors';
import { Pass } from '../../../domain/pass';
import { PassRepository } from '../../../domain/ports/pass.repository';
import { isPostgres } from './migrations/platform';
import { entityManagerFor, saveDetached, violatesUnique } from './mikro-orm-repository';
import { PASS_SERIAL_UNIQUE } from './schemas/pass.schema';

@Injectable()
export class MikroOrmPassRepository extends PassRepository {
  /** The version each handed-out pass had when it left: `save` writes only over that version. */
  private readonly handedOutVersions = new WeakMap<Pass, number>();

  constructor(private readonly orm: MikroORM) {
    super();
  }

  private handOut<T extends Pass | null>(pass: T): T {
    if (pass) this.handedOutVersions.set(pass, pass.version);
    return pass;
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
    return this.handOut(pass);
  }

  async save(pass: Pass): Promise<void> {
    const handedOut = this.handedOutVersions.get(pass);
    if (handedOut === undefined) throw new Error('save() takes a pass this repository handed out');
    const em = entityManagerFor(this.orm);
    // The row is read under a write lock (PostgreSQL) or on SQLite's single connection inside the
    // transaction, so between the version check and the write no other save can slip in.
    await em.transactional(async (transaction) => {
      const lockMode = isPostgres(transaction.getPlatform()) ? LockMode.PESSIMISTIC_WRITE : undefined;
      const stored = await transaction.findOne(Pass, { id: pass.id }, { lockMode });
      if (!stored) throw new DomainError(DomainErrorCode.PassNotFound, `No pass ${pass.id}.`);
      if (stored.version !== handedOut) {
        throw new DomainError(
          DomainErrorCode.PassChangedConcurrently,
          `Pass ${pass.id} changed meanwhile (version ${stored.version}, not ${handedOut}).`,
        );
      }
      await saveDetached(transaction as SqlEntityManager, Pass, pass, { id: pass.id });
    });
    this.handedOutVersions.set(pass, pass.version);
  }

  async findById(id: number): Promise<Pass | null> {
    return this.handOut(await entityManagerFor(this.orm).findOne(Pass, { id }));
  }

  async findForAccount(accountId: number, id: number): Promise<Pass | null> {
    return this.handOut(await entityManagerFor(this.orm).findOne(Pass, { id, accountId }));
  }

  async findBySerialNumber(passTypeId: number, serialNumber: string): Promise<Pass | null> {
    return this.handOut(await entityManagerFor(this.orm).findOne(Pass, { passTypeId, serialNumber }));
  }

  async findByPassDataId(passDataId: string): Promise<Pass | null> {
    return this.handOut(await entityManagerFor(this.orm).findOne(Pass, { passDataId }));
  }

  async listForTemplate(templateId: number, page: { offset: number; limit: number }): Promise<Pass[]> {
    const passes = await entityManagerFor(this.orm).find(
      Pass,
      { templateId, issuedAt: { $ne: null } },
      { orderBy: { id: 'asc' }, offset: page.offset, limit: page.limit },
    );
    return passes.map((pass) => this.handOut(pass));
  }

  async findByBarcodeMessage(accountId: number, message: string, limit: number): Promise<Pass[]> {
    const passes = await entityManagerFor(this.orm).find(
      Pass,
      { accountId, barcodeMessage: message, issuedAt: { $ne: null } },
      { orderBy: { id: 'asc' }, limit },
    );
    return passes.map((pass) => this.handOut(pass));
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
