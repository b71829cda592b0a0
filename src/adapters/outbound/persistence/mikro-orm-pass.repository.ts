import { Injectable } from '@nestjs/common';
import { LockMode, MikroORM, raw } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { DomainError, DomainErrorCode } from '../../../domain/errors';
import { Pass } from '../../../domain/pass';
import { PassRepository } from '../../../domain/ports/pass.repository';
import { isPostgres } from './migrations/platform';
import { batchedOnPostgreSql, type BatchedLookup } from './batched-lookup';
import { eachKeySql, entityManagerFor, executeSql, findEachBySql, findOneBySql, insertBySql, saveDetached, violatesUnique } from './mikro-orm-repository';
import { PassTemplate } from '../../../domain/pass-template';
import { PASS_SERIAL_UNIQUE } from './schemas/pass.schema';

/**
 * The pass type's next change number. The upsert locks the counter row until the transaction
 * ends (PostgreSQL; SQLite has one writer anyway), so a later number is never visible before an
 * earlier one: a device's tag made of the highest number it saw cannot skip a change.
 */
async function nextChangeSequence(em: SqlEntityManager, passTypeId: number): Promise<number> {
  const rows = await executeSql<Array<{ last_value: number | string }>>(em, `insert into pass_change_sequences (pass_type_id, last_value) values (?, 1)
     on conflict (pass_type_id) do update set last_value = pass_change_sequences.last_value + 1
     returning last_value`,
    [passTypeId],
    'all',
  );
  return Number(rows[0].last_value);
}

const FOR_ACCOUNT_SQL = 'select * from passes where id = ? and account_id = ? and deleted_at is null';
const BY_SERIAL_SQL = 'select * from passes where pass_type_id = ? and serial_number = ? and deleted_at is null';
const FOR_WALLET_SQL = 'select * from passes where pass_type_id = ? and serial_number = ? and issued_at is not null';

/** The three above for each key of `findEachBySql` (PostgreSQL), a lookup in a unique index each. */
const EACH_FOR_ACCOUNT_SQL = eachKeySql(
  'id int, account_id int',
  'select * from passes where id = k.id and account_id = k.account_id and deleted_at is null limit 1',
);
const EACH_BY_SERIAL_SQL = eachKeySql(
  'pass_type_id int, serial text',
  'select * from passes where pass_type_id = k.pass_type_id and serial_number = k.serial and deleted_at is null limit 1',
);
const EACH_FOR_WALLET_SQL = eachKeySql(
  'pass_type_id int, serial text',
  'select * from passes where pass_type_id = k.pass_type_id and serial_number = k.serial and issued_at is not null limit 1',
);

type SerialKey = readonly [passTypeId: number, serialNumber: string];
type AccountKey = readonly [accountId: number, id: number];

/** Whether an insert failed because a row of that pass type holds that serial number. */
function takesSerial(error: unknown): boolean {
  return violatesUnique(error, PASS_SERIAL_UNIQUE, 'passes', ['pass_type_id', 'serial_number']);
}

@Injectable()
export class MikroOrmPassRepository extends PassRepository {
  /**
   * The version and Last-Modified each handed-out pass had when it left: `save` writes only over
   * that version, and takes a new change number only when Last-Modified moved.
   */
  private readonly handedOut = new WeakMap<Pass, { version: number; lastModified: number }>();
  /**
   * The lookups of a Passdock issue and download and of a device's GET of a version never built:
   * batched on PostgreSQL (`batchedOnPostgreSql`).
   */
  private readonly forAccount: BatchedLookup<AccountKey, Pass | null>;
  private readonly bySerial: BatchedLookup<SerialKey, Pass | null>;
  private readonly forWallet: BatchedLookup<SerialKey, Pass | null>;

  constructor(private readonly orm: MikroORM) {
    super();
    this.forAccount = batchedOnPostgreSql(orm, {
      one: ([accountId, id]) => findOneBySql(orm, Pass, FOR_ACCOUNT_SQL, [id, accountId]),
      many: (keys) => findEachBySql(orm, Pass, EACH_FOR_ACCOUNT_SQL, keys.map(([accountId, id]) => ({ id, account_id: accountId }))),
    });
    this.bySerial = batchedOnPostgreSql(orm, {
      one: (key) => findOneBySql(orm, Pass, BY_SERIAL_SQL, key),
      many: (keys) => findEachBySql(orm, Pass, EACH_BY_SERIAL_SQL, keys.map(([passTypeId, serial]) => ({ pass_type_id: passTypeId, serial }))),
    });
    this.forWallet = batchedOnPostgreSql(orm, {
      one: (key) => findOneBySql(orm, Pass, FOR_WALLET_SQL, key),
      many: (keys) => findEachBySql(orm, Pass, EACH_FOR_WALLET_SQL, keys.map(([passTypeId, serial]) => ({ pass_type_id: passTypeId, serial }))),
    });
  }

  private handOut<T extends Pass | null>(pass: T): T {
    if (pass) this.handedOut.set(pass, { version: pass.version, lastModified: pass.lastModified.getTime() });
    return pass;
  }

  async add(pass: Pass): Promise<Pass> {
    try {
      const em = entityManagerFor(this.orm);
      if (em.getTransactionContext() === undefined) {
        // Outside a caller's transaction, first the insert alone: one statement, atomic by itself,
        // with no transaction to open, which costs more than the insert. It fails only when a row
        // holds the serial already (a deleted pass's, replaced below, or a live pass's).
        try {
          pass.id = await insertBySql(em, Pass, pass);
          return this.handOut(pass);
        } catch (error) {
          if (!takesSerial(error)) throw error;
        }
      }
      // Its own (nested) transaction: on PostgreSQL a savepoint keeps a caller's transaction usable.
      await em.transactional(async (transaction) => {
        await executeSql(
          transaction as SqlEntityManager,
          'delete from passes where pass_type_id = ? and serial_number = ? and deleted_at is not null',
          [pass.passTypeId, pass.serialNumber],
          'run',
        );
        pass.id = await insertBySql(transaction as SqlEntityManager, Pass, pass);
      });
    } catch (error) {
      if (takesSerial(error)) {
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
    const handedOut = this.handedOut.get(pass);
    if (handedOut === undefined) throw new Error('save() takes a pass this repository handed out');
    const seenByDevices = pass.lastModified.getTime() !== handedOut.lastModified;
    const em = entityManagerFor(this.orm);
    // The row is read under a write lock (PostgreSQL) or on SQLite's single connection inside the
    // transaction, so between the version check and the write no other save can slip in.
    await em.transactional(async (transaction) => {
      // The sequence first, as touchAllOfTemplate takes it: the same lock order, no deadlock.
      const changeSequence = seenByDevices ? await nextChangeSequence(transaction as SqlEntityManager, pass.passTypeId) : null;
      const lockMode = isPostgres(transaction.getPlatform()) ? LockMode.PESSIMISTIC_WRITE : undefined;
      const stored = await transaction.findOne(Pass, { id: pass.id }, { lockMode });
      if (!stored) throw new DomainError(DomainErrorCode.PassNotFound, `No pass ${pass.id}.`);
      if (stored.version !== handedOut.version) {
        throw new DomainError(
          DomainErrorCode.PassChangedConcurrently,
          `Pass ${pass.id} changed meanwhile (version ${stored.version}, not ${handedOut.version}).`,
        );
      }
      pass.changeSequence = changeSequence ?? stored.changeSequence;
      await saveDetached(transaction as SqlEntityManager, Pass, pass, { id: pass.id });
    });
    this.handOut(pass);
  }

  async findById(id: number): Promise<Pass | null> {
    return this.handOut(await findOneBySql(this.orm, Pass, 'select * from passes where id = ? and deleted_at is null', [id]));
  }

  async findForAccount(accountId: number, id: number): Promise<Pass | null> {
    return this.handOut(await this.forAccount.find([accountId, id]));
  }

  async findBySerialNumber(passTypeId: number, serialNumber: string): Promise<Pass | null> {
    return this.handOut(await this.bySerial.find([passTypeId, serialNumber]));
  }

  async findByPassDataId(passDataId: string): Promise<Pass | null> {
    return this.handOut(await entityManagerFor(this.orm).findOne(Pass, { passDataId, deletedAt: null }));
  }

  async findForWallet(passTypeId: number, serialNumber: string): Promise<Pass | null> {
    return this.handOut(await this.forWallet.find([passTypeId, serialNumber]));
  }

  async listForTemplate(templateId: number, page: { offset: number; limit: number }): Promise<Pass[]> {
    const passes = await entityManagerFor(this.orm).find(
      Pass,
      { templateId, issuedAt: { $ne: null }, deletedAt: null },
      { orderBy: { id: 'asc' }, offset: page.offset, limit: page.limit },
    );
    return passes.map((pass) => this.handOut(pass));
  }

  async findByBarcodeMessage(accountId: number, message: string, limit: number): Promise<Pass[]> {
    const passes = await entityManagerFor(this.orm).find(
      Pass,
      { accountId, barcodeMessage: message, issuedAt: { $ne: null }, deletedAt: null },
      { orderBy: { id: 'asc' }, limit },
    );
    return passes.map((pass) => this.handOut(pass));
  }

  /** One UPDATE for the whole template, however many passes it has: the rules of `Pass.touch`, in SQL. */
  async touchAllOfTemplate(templateId: number, now: Date): Promise<number> {
    return entityManagerFor(this.orm).transactional(async (transaction) => {
      const em = transaction as SqlEntityManager;
      const template = await em.findOne(PassTemplate, { id: templateId }, { fields: ['passTypeId'] });
      if (!template) return 0;
      const changeSequence = await nextChangeSequence(em, template.passTypeId);
      const wholeSecond = Math.floor(now.getTime() / 1000) * 1000;
      const [updatedAt, lastModified] = isPostgres(em.getPlatform())
        ? [
            raw(`greatest(cast(? as timestamptz), updated_at + interval '1 millisecond')`, [now.toISOString()]),
            raw(`greatest(cast(? as timestamptz), last_modified + interval '1 second')`, [
              new Date(wholeSecond).toISOString(),
            ]),
          ]
        : // SQLite keeps MikroORM datetimes as epoch milliseconds.
          [raw('max(?, updated_at + 1)', [now.getTime()]), raw('max(?, last_modified + 1000)', [wholeSecond])];
      const result = await em
        .createQueryBuilder(Pass)
        .update({ version: raw('version + 1'), updatedAt, lastModified, changeSequence } as never)
        .where({ templateId, deletedAt: null, voided: false })
        .execute('run');
      return result.affectedRows;
    });
  }

  /** Its device registrations go with it through ON DELETE CASCADE. */
  async remove(pass: Pass): Promise<void> {
    await entityManagerFor(this.orm).nativeDelete(Pass, { id: pass.id });
  }
}
