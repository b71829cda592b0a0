import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { LRUCache } from 'lru-cache';
import { PassTemplate } from '../../../domain/pass-template';
import { PassTemplateRepository } from '../../../domain/ports/pass-template.repository';
import { batchedOnPostgreSql, type BatchedLookup } from './batched-lookup';
import { copyOfKept, dateFromColumn, eachKeySql, entityManagerFor, executeSqlInContext, findOneBySql, rowsForEachKey, saveDetached } from './mikro-orm-repository';

/** Hydrated templates kept per repository, least recently used dropped first. */
const TEMPLATES_KEPT = 64;

interface TemplateVersionRow {
  updated_at: unknown;
}

const VERSION_SQL = 'select updated_at from pass_templates where id = ?';
const ACCOUNT_VERSION_SQL = `${VERSION_SQL} and account_id = ?`;

/** The two above for each key of `rowsForEachKey` (PostgreSQL), a lookup in the primary key each. */
const EACH_VERSION_SQL = eachKeySql('id int', 'select updated_at from pass_templates where id = k.id limit 1');
const EACH_ACCOUNT_VERSION_SQL = eachKeySql(
  'id int, account_id int',
  'select updated_at from pass_templates where id = k.id and account_id = k.account_id limit 1',
);

/**
 * Templates by id are read by nearly every issue and every package build, and a template's row
 * carries its images as tens of kilobytes of base64 text: reading and hydrating one took about
 * 165 µs of CPU here, its `updated_at` alone 34 µs. So the row's `updated_at` is read each time
 * (the row is never trusted from memory: another instance may have changed it) and the rest comes
 * from a template hydrated before at that same `updated_at`, which every change of a template
 * advances (`PassTemplate.update`). On PostgreSQL the versions read in one turn of the event loop
 * go as one statement (`batchedOnPostgreSql`).
 */
@Injectable()
export class MikroOrmPassTemplateRepository extends PassTemplateRepository {
  private readonly hydrated = new LRUCache<number, PassTemplate>({ max: TEMPLATES_KEPT });
  private readonly versions: BatchedLookup<number, TemplateVersionRow | null>;
  private readonly accountVersions: BatchedLookup<readonly [accountId: number, id: number], TemplateVersionRow | null>;

  constructor(private readonly orm: MikroORM) {
    super();
    this.versions = batchedOnPostgreSql(orm, {
      one: async (id) => (await executeSqlInContext<TemplateVersionRow[]>(orm, VERSION_SQL, [id], 'all'))[0] ?? null,
      many: (ids) => rowsForEachKey<TemplateVersionRow>(orm, EACH_VERSION_SQL, ids.map((id) => ({ id }))),
    });
    this.accountVersions = batchedOnPostgreSql(orm, {
      one: async ([accountId, id]) => (await executeSqlInContext<TemplateVersionRow[]>(orm, ACCOUNT_VERSION_SQL, [id, accountId], 'all'))[0] ?? null,
      many: (keys) => rowsForEachKey<TemplateVersionRow>(orm, EACH_ACCOUNT_VERSION_SQL, keys.map(([accountId, id]) => ({ id, account_id: accountId }))),
    });
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
    return this.current(id, await this.accountVersions.find([accountId, id]));
  }

  async findById(id: number): Promise<PassTemplate | null> {
    return this.current(id, await this.versions.find(id));
  }

  /** The version is the caller's: no statement at all when that is the one kept. */
  async findAtVersion(id: number, updatedAt: Date): Promise<PassTemplate | null> {
    return this.current(id, { updated_at: updatedAt });
  }

  /**
   * The template at the version just read (null: there is none): a copy of the kept one, so a
   * caller's changes (which replace whole properties) stay its own.
   */
  private async current(id: number, version: TemplateVersionRow | null): Promise<PassTemplate | null> {
    if (version === null) return null;
    const kept = this.hydrated.get(id);
    if (kept !== undefined && kept.updatedAt.getTime() === dateFromColumn(version.updated_at).getTime()) return copyOfKept(kept);
    // Changed since the version was read, it is the newer one that is kept, under its own updated_at.
    const template = await findOneBySql(this.orm, PassTemplate, 'select * from pass_templates where id = ?', [id]);
    if (template === null) return null;
    this.hydrated.set(id, copyOfKept(template));
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
