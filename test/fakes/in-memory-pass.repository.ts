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
  private readonly handedOutLastModified = new WeakMap<Pass, number>();

  private handOut(row: Pass): Pass {
    const copy = cloneEntity(row);
    this.handedOutVersions.set(copy, copy.version);
    this.handedOutLastModified.set(copy, copy.lastModified.getTime());
    return copy;
  }

  /** The last change number handed out per pass type, as the pass_change_sequences table keeps it. */
  private readonly changeSequences = new Map<number, number>();

  constructor(private readonly registrations?: InMemoryDeviceRegistrationRepository) {
    super();
    registrations?.attachPasses(this);
  }

  private nextChangeSequence(passTypeId: number): number {
    const next = (this.changeSequences.get(passTypeId) ?? 0) + 1;
    this.changeSequences.set(passTypeId, next);
    return next;
  }

  /** Rows as stored, deleted ones included; for the other fakes of the same store. */
  storedRows(): Pass[] {
    return [...this.rows.values()];
  }

  private live(): Pass[] {
    return [...this.rows.values()].filter((row) => row.deletedAt === null);
  }

  async add(pass: Pass): Promise<Pass> {
    for (const row of [...this.rows.values()]) {
      if (row.deletedAt !== null && row.passTypeId === pass.passTypeId && row.serialNumber === pass.serialNumber) {
        this.rows.delete(row.id);
        this.registrations?.removeForPass(row.id);
      }
    }
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
    this.handedOutLastModified.set(pass, pass.lastModified.getTime());
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
    // Only a change devices see (a new Last-Modified) takes a new number, as in the real adapter.
    pass.changeSequence =
      pass.lastModified.getTime() !== this.handedOutLastModified.get(pass)
        ? this.nextChangeSequence(pass.passTypeId)
        : stored.changeSequence;
    this.rows.set(pass.id, cloneEntity(pass));
    this.handedOutVersions.set(pass, pass.version);
    this.handedOutLastModified.set(pass, pass.lastModified.getTime());
  }

  async findById(id: number): Promise<Pass | null> {
    const row = this.rows.get(id);
    return row && row.deletedAt === null ? this.handOut(row) : null;
  }

  async findForAccount(accountId: number, id: number): Promise<Pass | null> {
    const row = this.rows.get(id);
    return row && row.deletedAt === null && row.accountId === accountId ? this.handOut(row) : null;
  }

  async findForWallet(passTypeId: number, serialNumber: string): Promise<Pass | null> {
    const row = [...this.rows.values()].find(
      (candidate) =>
        candidate.passTypeId === passTypeId && candidate.serialNumber === serialNumber && candidate.issuedAt !== null,
    );
    return row ? this.handOut(row) : null;
  }

  async findBySerialNumber(passTypeId: number, serialNumber: string): Promise<Pass | null> {
    const row = this.live().find(
      (candidate) => candidate.passTypeId === passTypeId && candidate.serialNumber === serialNumber,
    );
    return row ? this.handOut(row) : null;
  }

  async findByPassDataId(passDataId: string): Promise<Pass | null> {
    const row = this.live().find((candidate) => candidate.passDataId === passDataId);
    return row ? this.handOut(row) : null;
  }

  async listForTemplate(templateId: number, page: { offset: number; limit: number }): Promise<Pass[]> {
    return this.live()
      .filter((row) => row.templateId === templateId && row.issuedAt !== null)
      .sort((a, b) => a.id - b.id)
      .slice(page.offset, page.offset + page.limit)
      .map((row) => this.handOut(row));
  }

  async findByBarcodeMessage(accountId: number, message: string, limit: number): Promise<Pass[]> {
    return this.live()
      .filter((row) => row.accountId === accountId && row.barcodeMessage === message && row.issuedAt !== null)
      .sort((a, b) => a.id - b.id)
      .slice(0, limit)
      .map((row) => this.handOut(row));
  }

  async touchAllOfTemplate(templateId: number, now: Date): Promise<number> {
    const rows = this.live().filter((row) => row.templateId === templateId && !row.voided);
    if (rows.length === 0) return 0;
    const changeSequence = this.nextChangeSequence(rows[0].passTypeId);
    for (const row of rows) {
      row.touch(now);
      row.changeSequence = changeSequence;
    }
    return rows.length;
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
