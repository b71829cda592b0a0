import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { PassTemplate } from '../../../domain/pass-template';
import { PassTemplateRepository } from '../../../domain/ports/pass-template.repository';
import { dateFromColumn, entityManagerFor, executeSqlInContext, findOneBySql, saveDetached } from './mikro-orm-repository';

/** Hydrated templates kept per repository, least recently used dropped first. */
const TEMPLATES_KEPT = 64;

interface TemplateVersionRow {
  updated_at: unknown;
}

/**
 * Templates by id are read by nearly every issue and every package build, and a template's row
 * carries its images as tens of kilobytes of base64 text: reading and hydrating one took about
 * 165 µs of CPU here, its `updated_at` alone 34 µs. So the row's `updated_at` is read each time
 * (the row is never trusted from memory: another instance may have changed it) and the rest comes
 * from a template hydrated before at that same `updated_at`, which every change of a template
 * advances (`PassTemplate.update`).
 */
@Injectable()
export class MikroOrmPassTemplateRepository extends PassTemplateRepository {
  private readonly hydrated = new Map<number, PassTemplate>();

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
    return this.findCurrent(id, 'select updated_at from pass_templates where id = ? and account_id = ?', [id, accountId]);
  }

  async findById(id: number): Promise<PassTemplate | null> {
    return this.findCurrent(id, 'select updated_at from pass_templates where id = ?', [id]);
  }

  /** A copy of the kept template, so a caller's changes (which replace whole properties) stay its own. */
  private async findCurrent(id: number, versionSql: string, params: readonly unknown[]): Promise<PassTemplate | null> {
    const [version] = await executeSqlInContext<TemplateVersionRow[]>(this.orm, versionSql, params, 'all');
    if (version === undefined) return null;
    const kept = this.hydrated.get(id);
    if (kept !== undefined && kept.updatedAt.getTime() === dateFromColumn(version.updated_at).getTime()) {
      // Map order is insertion order: re-inserting keeps the coldest template first.
      this.hydrated.delete(id);
      this.hydrated.set(id, kept);
      return copyOf(kept);
    }
    // Changed since the version was read, it is the newer one that is kept, under its own updated_at.
    const template = await findOneBySql(this.orm, PassTemplate, 'select * from pass_templates where id = ?', [id]);
    if (template === null) return null;
    this.hydrated.delete(id);
    if (this.hydrated.size >= TEMPLATES_KEPT) this.hydrated.delete(this.hydrated.keys().next().value!);
    this.hydrated.set(id, copyOf(template));
    return template;
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

function copyOf(template: PassTemplate): PassTemplate {
  return Object.assign(Object.create(PassTemplate.prototype) as PassTemplate, template);
}
