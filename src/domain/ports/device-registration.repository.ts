import type { DeviceRegistration } from '../device-registration';

export abstract class DeviceRegistrationRepository {
  /**
   * Registers the device for the pass, or updates the push token of an existing registration
   * (of every registration of that device: the token belongs to the device).
   */
  abstract register(registration: DeviceRegistration): Promise<'created' | 'already-registered'>;
  /** Removes one registration; removing one that does not exist is not an error. */
  abstract unregister(deviceLibraryIdentifier: string, passId: number): Promise<void>;
  abstract find(deviceLibraryIdentifier: string, passId: number): Promise<DeviceRegistration | null>;
  /** Every registration for a pass, by device library identifier. */
  abstract listForPass(passId: number): Promise<DeviceRegistration[]>;
  /** The ids of the passes a device is registered for, ascending. */
  abstract listPassIdsForDevice(deviceLibraryIdentifier: string): Promise<number[]>;
}
