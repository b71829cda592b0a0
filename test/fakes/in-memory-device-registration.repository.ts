import type { DeviceRegistration } from '../../src/domain/device-registration';
import type { Pass } from '../../src/domain/pass';
import { ChangedPass, DeviceRegistrationRepository } from '../../src/domain/ports/device-registration.repository';
import type { PassTypeRepository } from '../../src/domain/ports/pass-type.repository';
import { cloneEntity } from './clone';

/** The pass fake's rows, which the registration queries join as the database does. */
interface PassRows {
  storedRows(): Pass[];
}

export class InMemoryDeviceRegistrationRepository extends DeviceRegistrationRepository {
  readonly rows = new Map<string, DeviceRegistration>();
  private passes: PassRows = { storedRows: () => [] };

  /** The pass types the "what changed?" list joins by identifier, as the database does. */
  constructor(private readonly passTypes: Pick<PassTypeRepository, 'findByIdentifier'>) {
    super();
  }

  attachPasses(passes: PassRows): void {
    this.passes = passes;
  }

  private static keyOf(deviceLibraryIdentifier: string, passId: number): string {
    return `${deviceLibraryIdentifier}\u0000${passId}`;
  }

  async register(registration: DeviceRegistration): Promise<'created' | 'already-registered'> {
    for (const row of this.rows.values()) {
      if (row.deviceLibraryIdentifier === registration.deviceLibraryIdentifier) {
        row.pushToken = registration.pushToken;
        row.updatedAt = registration.updatedAt;
      }
    }
    const key = InMemoryDeviceRegistrationRepository.keyOf(registration.deviceLibraryIdentifier, registration.passId);
    if (this.rows.has(key)) return 'already-registered';
    this.rows.set(key, cloneEntity(registration));
    return 'created';
  }

  async unregister(deviceLibraryIdentifier: string, passId: number): Promise<void> {
    this.rows.delete(InMemoryDeviceRegistrationRepository.keyOf(deviceLibraryIdentifier, passId));
  }

  async find(deviceLibraryIdentifier: string, passId: number): Promise<DeviceRegistration | null> {
    const row = this.rows.get(InMemoryDeviceRegistrationRepository.keyOf(deviceLibraryIdentifier, passId));
    return row ? cloneEntity(row) : null;
  }

  async listForPass(passId: number): Promise<DeviceRegistration[]> {
    return [...this.rows.values()]
      .filter((row) => row.passId === passId)
      .sort((a, b) => (a.deviceLibraryIdentifier < b.deviceLibraryIdentifier ? -1 : 1))
      .map((row) => cloneEntity(row));
  }

  async listPassIdsForDevice(deviceLibraryIdentifier: string): Promise<number[]> {
    return [...this.rows.values()]
      .filter((row) => row.deviceLibraryIdentifier === deviceLibraryIdentifier)
      .map((row) => row.passId)
      .sort((a, b) => a - b);
  }

  async listChangedPasses(
    deviceLibraryIdentifier: string,
    passTypeIdentifier: string,
    after: number | null,
  ): Promise<ChangedPass[]> {
    const passType = await this.passTypes.findByIdentifier(passTypeIdentifier);
    if (passType === null) return [];
    const registered = new Set(await this.listPassIdsForDevice(deviceLibraryIdentifier));
    return this.passes
      .storedRows()
      .filter((pass) => registered.has(pass.id) && pass.passTypeId === passType.id)
      .filter((pass) => after === null || pass.changeSequence > after)
      .map((pass) => ({ serialNumber: pass.serialNumber, changeSequence: pass.changeSequence }))
      .sort((a, b) => (a.serialNumber < b.serialNumber ? -1 : a.serialNumber > b.serialNumber ? 1 : 0));
  }

  async removeByPushToken(pushToken: string, passTypeId: number | null): Promise<number> {
    const passTypeOf = new Map(this.passes.storedRows().map((pass) => [pass.id, pass.passTypeId]));
    let removed = 0;
    for (const [key, row] of this.rows) {
      if (row.pushToken !== pushToken) continue;
      if (passTypeId !== null && passTypeOf.get(row.passId) !== passTypeId) continue;
      this.rows.delete(key);
      removed += 1;
    }
    return removed;
  }

  async countInstalledPasses(templateId: number): Promise<number> {
    const installed = new Set([...this.rows.values()].map((row) => row.passId));
    return this.passes
      .storedRows()
      .filter((pass) => pass.templateId === templateId && pass.deletedAt === null && installed.has(pass.id)).length;
  }

  /** Called by the pass fake when a pass goes away, as the database's cascade does. */
  removeForPass(passId: number): void {
    for (const [key, row] of this.rows) if (row.passId === passId) this.rows.delete(key);
  }
}
