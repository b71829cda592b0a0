import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { LRUCache } from 'lru-cache';
import { DomainError, DomainErrorCode } from '../../../domain/errors';
import { PassType } from '../../../domain/pass-type';
import { PassTypeRepository } from '../../../domain/ports/pass-type.repository';
import { batchedOnPostgreSql, type BatchedLookup } from './batched-lookup';
import {
  copyOfKept,
  eachKeySql,
  entityManagerFor,
  findEachBySql,
  findOneBySql,
  saveDetached,
  violatesUnique,
} from './mikro-orm-repository';

const BY_ID_SQL = 'select * from pass_types where id = ?';
const BY_IDENTIFIER_SQL = 'select * from pass_types where pass_type_identifier = ?';

/** The two above for each key of `findEachBySql` (PostgreSQL), a lookup in a unique index each. */
const EACH_BY_ID_SQL = eachKeySql('id int', 'select * from pass_types where id = k.id limit 1');
const EACH_BY_IDENTIFIER_SQL = eachKeySql('identifier text', 'select * from pass_types where pass_type_identifier = k.identifier limit 1');

/** Pass types kept at the version last read by `findAtVersion`, least recently used dropped first. */
const PASS_TYPES_KEPT = 64;

/**
 * A package built for a device's request needs its pass type by the identifier the device names,
 * one built for an API request by id: on PostgreSQL the lookups of one turn of the event loop go as
 * one statement (`batchedOnPostgreSql`). A device's request names the version it needs
 * (`findAtVersion`), which comes from memory while no certificate was replaced.
 */
@Injectable()
export class MikroOrmPassTypeRepository extends PassTypeRepository {
  private readonly kept = new LRUCache<number, PassType>({ max: PASS_TYPES_KEPT });
  private readonly byId: BatchedLookup<number, PassType | null>;
  private readonly byIdentifier: BatchedLookup<string, PassType | null>;

  constructor(private readonly orm: MikroORM) {
    super();
    this.byId = batchedOnPostgreSql(orm, {
      one: (id) => findOneBySql(orm, PassType, BY_ID_SQL, [id]),
      many: (ids) => findEachBySql(orm, PassType, EACH_BY_ID_SQL, ids.map((id) => ({ id }))),
    });
    this.byIdentifier = batchedOnPostgreSql(orm, { one: (key) => this.findOneByIdentifier(key), many: (keys) => this.findEachByIdentifier(keys) });
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

  async findAtVersion(id: number, updatedAt: Date): Promise<PassType | null> {
    const kept = this.kept.get(id);
    if (kept !== undefined && kept.updatedAt.getTime() === updatedAt.getTime()) return copyOfKept(kept);
    const passType = await this.byId.find(id);
    if (passType === null) {
      this.kept.delete(id);
      return null;
    }
    this.kept.set(id, copyOfKept(passType));
    return passType;
  }

  findByIdentifier(passTypeIdentifier: string): Promise<PassType | null> {
    return this.byIdentifier.find(passTypeIdentifier);
  }

  private findOneByIdentifier(identifier: string): Promise<PassType | null> {
    return findOneBySql(this.orm, PassType, BY_IDENTIFIER_SQL, [identifier]);
  }

  private findEachByIdentifier(identifiers: readonly string[]): Promise<Array<PassType | null>> {
    return findEachBySql(this.orm, PassType, EACH_BY_IDENTIFIER_SQL, identifiers.map((identifier) => ({ identifier })));
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
