import { DomainError, DomainErrorCode } from '../../src/domain/errors';
import type { Pass } from '../../src/domain/pass';
import { PassRepository } from '../../src/domain/ports/pass.repository';
import { cloneEntity } from './clone';
import type { InMemoryDeviceRegistrationRepository } from './in-memory-device-registration.repository';

export class InMemoryPassRepository extends PassRepository {
  readonly rows = new Map<number, Pass>();
  private nextId = 1;
  /** The version each handed-out object had when it left, as the real adapter keeps it. */
  private readonly handedOutVersions = new WeakMap<Pass, number>();

  private handOut(row: Pass): Pass {
    const copy = cloneEntity(row);
    this.handedOutVersions.set(copy, copy.version);
    return copy;
  }

  constructor(private readonly registrations?: InMemoryDeviceRegistrationRepository) {
    super();
  }

  async add(pass: Pass): Promise<Pass> {
    // Checked and inserted without an await in between, as a unique constraint would be.
    const taken = [...this.rows.values()].some(
      (row) => row.passTypeId === pass.passTypeId && row.serialNumber === pass.serialNumber,
    );
    if (taken) {
      throw new DomainError(DomainErrorCode.SerialNumberTaken, `Serial number ${pass.serialNumber} is taken.`);
    }
    pass.id = this.nextId++;
    this.rows.set(pass.id, cloneEntity(pass));
    this.handedOutVersions.set(pass, pass.version);
    return pass;
  }

  async save(pass: Pass): Promise<void> {
    const handedOut = this.handedOutVersions.get(pass);
    if (handedOut === undefined) throw new Error('save() takes a pass this repository handed out');
    const stored = this.rows.get(pass.id);
    if (!stored) throw new DomainError(DomainErrorCode.PassNotFound, `No pass ${pass.id}.`);
    if (stored.version !== handedOut) {
      throw new DomainError(DomainErrorCode.PassChangedConcurrently, `Pass ${pass.id} changed meanwhile.`);
    }
    this.rows.set(pass.id, cloneEntity(pass));
    this.handedOutVersions.set(pass, pass.version);
  }

  async findById(id: number): Promise<Pass | null> {
    const row = this.rows.get(id);
    return row ? this.handOut(row) : null;
  }

  async findForAccount(accountId: number, id: number): Promise<Pass | null> {
    const row = this.rows.get(id);
    return row && row.accountId === accountId ? this.handOut(row) : null;
  }

  async findBySerialNumber(passTypeId: number, serialNumber: string): Promise<Pass | null> {
    const row = [...this.rows.values()].find(
      (candidate) => candidate.passTypeId === passTypeId && candidate.serialNumber === serialNumber,
    );
    return row ? this.handOut(row) : null;
  }

  async findByPassDataId(passDataId: string): Promise<Pass | null> {
    const row = [...this.rows.values()].find((candidate) => candidate.passDataId === passDataId);
    return row ? this.handOut(row) : null;
  }

  async listForTemplate(templateId: number, page: { offset: number; limit: number }): Promise<Pass[]> {
    return [...this.rows.values()]
      .filter((row) => row.templateId === templateId && row.issuedAt !== null)
      .sort((a, b) => a.id - b.id)
      .slice(page.offset, page.offset + page.limit)
      .map((row) => this.handOut(row));
  }

  async findByBarcodeMessage(accountId: number, message: string, limit: number): Promise<Pass[]> {
    return [...this.rows.values()]
      .filter((row) => row.accountId === accountId && row.barcodeMessage === message && row.issuedAt !== null)
      .sort((a, b) => a.id - b.id)
      .slice(0, limit)
      .map((row) => this.handOut(row));
  }

  async touchAllOfTemplate(templateId: number, now: Date): Promise<number> {
    let count = 0;
    for (const row of this.rows.values()) {
      if (row.templateId !== templateId) continue;
      row.touch(now);
      count += 1;
    }
    return count;
  }

  async remove(pass: Pass): Promise<void> {
    this.rows.delete(pass.id);
    this.registrations?.removeForPass(pass.id);
  }

  /** Called by the template fake when a template goes away, as the database's cascade does. */
  removeForTemplate(templateId: number): void {
    for (const row of [...this.rows.values()]) {
      if (row.templateId === templateId) {
        this.rows.delete(row.id);
        this.registrations?.removeForPass(row.id);
      }
    }
  }
}
