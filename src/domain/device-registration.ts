/**
 * A device's subscription to updates of one pass. The push token belongs to the device and is
 * overwritten on every registration call: a token kept from an older call is a stale one.
 * @see https://developer.apple.com/documentation/walletpasses/register-a-pass-for-update-notifications
 */
export class DeviceRegistration {
  deviceLibraryIdentifier!: string;
  passId!: number;
  pushToken!: string;
  createdAt!: Date;
  updatedAt!: Date;

  static create(deviceLibraryIdentifier: string, passId: number, pushToken: string, now: Date): DeviceRegistration {
    const registration = new DeviceRegistration();
    registration.deviceLibraryIdentifier = deviceLibraryIdentifier;
    registration.passId = passId;
    registration.pushToken = pushToken;
    registration.createdAt = now;
    registration.updatedAt = now;
    return registration;
  }
}
