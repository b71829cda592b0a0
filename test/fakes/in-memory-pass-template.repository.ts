import type { PassTemplate } from '../../src/domain/pass-template';
import { PassTemplateRepository } from '../../src/domain/ports/pass-template.repository';
import { cloneEntity } from './clone';
import type { InMemoryPassRepository } from './in-memory-pass.repository';

export class InMemoryPassTemplateRepository extends PassTemplateRepository {
  private readonly rows = new Map<number, PassTemplate>();
  /**
   * Every version ever stored, by id and updatedAt: findAtVersion answers with the one asked for
   * as long as it has it, the oldest answer the port allows, so use cases meet it in their tests.
   */
  private readonly versions = new Map<number, Map<number, PassTemplate>>();
  private nextId = 1;

  constructor(private readonly passes?: InMemoryPassRepository) {
    super();
  }

  async add(template: PassTemplate): Promise<PassTemplate> {
    template.id = this.nextId++;
    this.store(template);
    return template;
  }

  async save(template: PassTemplate): Promise<void> {
    if (!this.rows.has(template.id)) throw new Error(`template ${template.id} was never added`);
    this.store(template);
  }

  private store(template: PassTemplate): void {
    this.rows.set(template.id, cloneEntity(template));
    const versions = this.versions.get(template.id) ?? new Map<number, PassTemplate>();
    versions.set(template.updatedAt.getTime(), cloneEntity(template));
    this.versions.set(template.id, versions);
  }

  async findForAccount(accountId: number, id: number): Promise<PassTemplate | null> {
    const row = this.rows.get(id);
    return row && row.accountId === accountId ? cloneEntity(row) : null;
  }

  async findById(id: number): Promise<PassTemplate | null> {
    const row = this.rows.get(id);
    return row ? cloneEntity(row) : null;
  }

  async findAtVersion(id: number, updatedAt: Date): Promise<PassTemplate | null> {
    if (!this.rows.has(id)) return null;
    const version = this.versions.get(id)?.get(updatedAt.getTime());
    return cloneEntity(version ?? this.rows.get(id)!);
  }

  async findByTitle(accountId: number, title: string): Promise<PassTemplate | null> {
    const row = [...this.rows.values()].find((candidate) => candidate.accountId === accountId && candidate.title === title);
    return row ? cloneEntity(row) : null;
  }

  async listForAccount(accountId: number, page: { offset: number; limit: number }): Promise<PassTemplate[]> {
    return [...this.rows.values()]
      .filter((row) => row.accountId === accountId)
      .sort((a, b) => a.id - b.id)
      .slice(page.offset, page.offset + page.limit)
      .map((row) => cloneEntity(row));
  }

  async remove(template: PassTemplate): Promise<void> {
    this.rows.delete(template.id);
    this.versions.delete(template.id);
    this.passes?.removeForTemplate(template.id);
  }
}
