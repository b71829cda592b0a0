import type { DeviceRegistration } from '../../src/domain/device-registration';
import { DeviceRegistrationRepository } from '../../src/domain/ports/device-registration.repository';
import { cloneEntity } from './clone';

export class InMemoryDeviceRegistrationRepository extends DeviceRegistrationRepository {
  readonly rows = new Map<string, DeviceRegistration>();

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

  /** Called by the pass fake when a pass goes away, as the database's cascade does. */
  removeForPass(passId: number): void {
    for (const [key, row] of this.rows) if (row.passId === passId) this.rows.delete(key);
  }
}
