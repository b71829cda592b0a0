import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { DomainError, DomainErrorCode } from '../../../domain/errors';
import { PassType } from '../../../domain/pass-type';
import { PassTypeRepository } from '../../../domain/ports/pass-type.repository';
import { batchedOnPostgreSql, type BatchedLookup } from './batched-lookup';
import {
  eachKeySql,
  entityManagerFor,
  executeSqlInContext,
  findEachBySql,
  findOneBySql,
  rowsForEachKey,
  saveDetached,
  violatesUnique,
} from './mikro-orm-repository';

const BY_ID_SQL = 'select * from pass_types where id = ?';
const BY_IDENTIFIER_SQL = 'select * from pass_types where pass_type_identifier = ?';
const ID_BY_IDENTIFIER_SQL = 'select id from pass_types where pass_type_identifier = ?';

/** The three above for each key of `rowsForEachKey` (PostgreSQL), a lookup in a unique index each. */
const EACH_BY_ID_SQL = eachKeySql('id int', 'select * from pass_types where id = k.id limit 1');
const EACH_BY_IDENTIFIER_SQL = eachKeySql('identifier text', 'select * from pass_types where pass_type_identifier = k.identifier limit 1');
const EACH_ID_BY_IDENTIFIER_SQL = eachKeySql('identifier text', 'select id from pass_types where pass_type_identifier = k.identifier limit 1');

/**
 * Every request of a device to the Wallet web service names its pass type by identifier, and every
 * package built needs its pass type by id: on PostgreSQL the lookups of one turn of the event loop
 * go as one statement (`batchedOnPostgreSql`).
 */
@Injectable()
export class MikroOrmPassTypeRepository extends PassTypeRepository {
  private readonly byId: BatchedLookup<number, PassType | null>;
  private readonly byIdentifier: BatchedLookup<string, PassType | null>;
  private readonly idByIdentifier: BatchedLookup<string, number | null>;

  constructor(private readonly orm: MikroORM) {
    super();
    this.byId = batchedOnPostgreSql(orm, {
      one: (id) => findOneBySql(orm, PassType, BY_ID_SQL, [id]),
      many: (ids) => findEachBySql(orm, PassType, EACH_BY_ID_SQL, ids.map((id) => ({ id }))),
    });
    this.byIdentifier = batchedOnPostgreSql(orm, { one: (key) => this.findOneByIdentifier(key), many: (keys) => this.findEachByIdentifier(keys) });
    this.idByIdentifier = batchedOnPostgreSql(orm, { one: (key) => this.findOneId(key), many: (keys) => this.findEachId(keys) });
  }

  async add(passType: PassType): Promise<PassType> {
    try {
      await entityManagerFor(this.orm).transactional(async (em) => {
        em.persist(passType);
        await em.flush();
      });
    } catch (error) {
      if (violatesUnique(error, 'pass_types_pass_type_identifier_unique', 'pass_types', ['pass_type_identifier'])) {
        throw new DomainError(
          DomainErrorCode.PassTypeAlreadyExists,
          `Pass type ${passType.passTypeIdentifier} already exists.`,
          { passTypeIdentifier: passType.passTypeIdentifier },
        );
      }
      throw error;
    }
    return passType;
  }

  async save(passType: PassType): Promise<void> {
    await saveDetached(entityManagerFor(this.orm), PassType, passType, { id: passType.id });
  }

  findById(id: number): Promise<PassType | null> {
    return this.byId.find(id);
  }

  findByIdentifier(passTypeIdentifier: string): Promise<PassType | null> {
    return this.byIdentifier.find(passTypeIdentifier);
  }

  findIdByIdentifier(passTypeIdentifier: string): Promise<number | null> {
    return this.idByIdentifier.find(passTypeIdentifier);
  }

  private findOneByIdentifier(identifier: string): Promise<PassType | null> {
    return findOneBySql(this.orm, PassType, BY_IDENTIFIER_SQL, [identifier]);
  }

  private findEachByIdentifier(identifiers: readonly string[]): Promise<Array<PassType | null>> {
    return findEachBySql(this.orm, PassType, EACH_BY_IDENTIFIER_SQL, identifiers.map((identifier) => ({ identifier })));
  }

  private async findOneId(identifier: string): Promise<number | null> {
    const rows = await executeSqlInContext<Array<{ id: number | string }>>(this.orm, ID_BY_IDENTIFIER_SQL, [identifier], 'all');
    return rows.length === 0 ? null : Number(rows[0].id);
  }

  private async findEachId(identifiers: readonly string[]): Promise<Array<number | null>> {
    const rows = await rowsForEachKey<{ id: number | string }>(this.orm, EACH_ID_BY_IDENTIFIER_SQL, identifiers.map((identifier) => ({ identifier })));
    return rows.map((row) => (row === null ? null : Number(row.id)));
  }

  async listShared(): Promise<PassType[]> {
    return entityManagerFor(this.orm).find(PassType, { accountId: null }, { orderBy: { id: 'asc' } });
  }

  async listUsableBy(accountId: number): Promise<PassType[]> {
    return entityManagerFor(this.orm).find(
      PassType,
      { $or: [{ accountId }, { accountId: null }] },
      { orderBy: { id: 'asc' } },
    );
  }
}
