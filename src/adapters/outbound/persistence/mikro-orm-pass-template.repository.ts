import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { PassTemplate } from '../../../domain/pass-template';
import { PassTemplateRepository } from '../../../domain/ports/pass-template.repository';
import { entityManagerFor, findOneBySql, saveDetached } from './mikro-orm-repository';

@Injectable()
export class MikroOrmPassTemplateRepository extends PassTemplateRepository {
  constructor(private readonly orm: MikroORM) {
    super();
  }

  async add(template: PassTemplate): Promise<PassTemplate> {
    await entityManagerFor(this.orm).transactional(async (em) => {
      em.persist(template);
      await em.flush();
    });
    return template;
  }

  async save(template: PassTemplate): Promise<void> {
    await saveDetached(entityManagerFor(this.orm), PassTemplate, template, { id: template.id });
  }

  async findForAccount(accountId: number, id: number): Promise<PassTemplate | null> {
    return findOneBySql(this.orm, PassTemplate, 'select * from pass_templates where id = ? and account_id = ?', [id, accountId]);
  }

  async findById(id: number): Promise<PassTemplate | null> {
    return findOneBySql(this.orm, PassTemplate, 'select * from pass_templates where id = ?', [id]);
  }

  async findByTitle(accountId: number, title: string): Promise<PassTemplate | null> {
    // Titles are not unique in the database; the oldest one is the one the use cases saw first.
    return entityManagerFor(this.orm).findOne(PassTemplate, { accountId, title }, { orderBy: { id: 'asc' } });
  }

  async listForAccount(accountId: number, page: { offset: number; limit: number }): Promise<PassTemplate[]> {
    return entityManagerFor(this.orm).find(
      PassTemplate,
      { accountId },
      { orderBy: { id: 'asc' }, offset: page.offset, limit: page.limit },
    );
  }

  /** Passes and their device registrations go with it through ON DELETE CASCADE. */
  async remove(template: PassTemplate): Promise<void> {
    await entityManagerFor(this.orm).nativeDelete(PassTemplate, { id: template.id });
  }
}
