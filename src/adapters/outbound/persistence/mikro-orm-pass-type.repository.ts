import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { DomainError, DomainErrorCode } from '../../../domain/errors';
import { PassType } from '../../../domain/pass-type';
import { PassTypeRepository } from '../../../domain/ports/pass-type.repository';
import { entityManagerFor, executeSqlInContext, findOneBySql, saveDetached, violatesUnique } from './mikro-orm-repository';

@Injectable()
export class MikroOrmPassTypeRepository extends PassTypeRepository {
  constructor(private readonly orm: MikroORM) {
    super();
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

  async findById(id: number): Promise<PassType | null> {
    return findOneBySql(this.orm, PassType, 'select * from pass_types where id = ?', [id]);
  }

  async findByIdentifier(passTypeIdentifier: string): Promise<PassType | null> {
    return findOneBySql(this.orm, PassType, 'select * from pass_types where pass_type_identifier = ?', [passTypeIdentifier]);
  }

  async findIdByIdentifier(passTypeIdentifier: string): Promise<number | null> {
    const rows = await executeSqlInContext<Array<{ id: number | string }>>(
      this.orm,
      'select id from pass_types where pass_type_identifier = ?',
      [passTypeIdentifier],
      'all',
    );
    return rows.length === 0 ? null : Number(rows[0].id);
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
