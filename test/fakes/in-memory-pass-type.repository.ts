import { DomainError, DomainErrorCode } from '../../src/domain/errors';
import type { PassType } from '../../src/domain/pass-type';
import { PassTypeRepository } from '../../src/domain/ports/pass-type.repository';
import { cloneEntity } from './clone';

export class InMemoryPassTypeRepository extends PassTypeRepository {
  private readonly rows = new Map<number, PassType>();
  /** Every version ever stored, as InMemoryPassTemplateRepository keeps them for findAtVersion. */
  private readonly versions = new Map<number, Map<number, PassType>>();
  private nextId = 1;

  async add(passType: PassType): Promise<PassType> {
    if ([...this.rows.values()].some((row) => row.passTypeIdentifier === passType.passTypeIdentifier)) {
      throw new DomainError(
        DomainErrorCode.PassTypeAlreadyExists,
        `Pass type ${passType.passTypeIdentifier} already exists.`,
      );
    }
    passType.id = this.nextId++;
    this.store(passType);
    return passType;
  }

  async save(passType: PassType): Promise<void> {
    if (!this.rows.has(passType.id)) throw new Error(`pass type ${passType.id} was never added`);
    this.store(passType);
  }

  private store(passType: PassType): void {
    this.rows.set(passType.id, cloneEntity(passType));
    const versions = this.versions.get(passType.id) ?? new Map<number, PassType>();
    versions.set(passType.updatedAt.getTime(), cloneEntity(passType));
    this.versions.set(passType.id, versions);
  }

  async findById(id: number): Promise<PassType | null> {
    const row = this.rows.get(id);
    return row ? cloneEntity(row) : null;
  }

  async findAtVersion(id: number, updatedAt: Date): Promise<PassType | null> {
    if (!this.rows.has(id)) return null;
    const version = this.versions.get(id)?.get(updatedAt.getTime());
    return cloneEntity(version ?? this.rows.get(id)!);
  }

  async findByIdentifier(passTypeIdentifier: string): Promise<PassType | null> {
    const row = [...this.rows.values()].find((candidate) => candidate.passTypeIdentifier === passTypeIdentifier);
    return row ? cloneEntity(row) : null;
  }

  async listShared(): Promise<PassType[]> {
    return [...this.rows.values()]
      .filter((row) => row.accountId === null)
      .sort((a, b) => a.id - b.id)
      .map((row) => cloneEntity(row));
  }

  async listUsableBy(accountId: number): Promise<PassType[]> {
    return [...this.rows.values()]
      .filter((row) => row.isUsableBy(accountId))
      .sort((a, b) => a.id - b.id)
      .map((row) => cloneEntity(row));
  }
}
