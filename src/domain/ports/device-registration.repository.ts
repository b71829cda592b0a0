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
  /**
   * The passes of one pass type, named by its identifier as devices name it, that the device is
   * registered for and whose `changeSequence` is greater than `after` (all of them when `after` is
   * null), by serial number; none for an identifier of no pass type.
   */
  abstract listChangedPasses(
    deviceLibraryIdentifier: string,
    passTypeIdentifier: string,
    after: number | null,
  ): Promise<ChangedPass[]>;
  /**
   * Forgets a push token APNs called dead: the registrations that hold it go, those of passes of
   * one pass type (the device gave up that topic) or, with `passTypeId` null, all of them (the
   * token itself is bad). Returns how many went.
   */
  abstract removeByPushToken(pushToken: string, passTypeId: number | null): Promise<number>;
  /** How many of the template's passes are registered on at least one device. */
  abstract countInstalledPasses(templateId: number): Promise<number>;
}

export interface ChangedPass {
  serialNumber: string;
  changeSequence: number;
}
