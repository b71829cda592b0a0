import { Injectable } from '@nestjs/common';
import { DeviceRegistrationRepository } from '../domain/ports/device-registration.repository';
import { PassTypeRepository } from '../domain/ports/pass-type.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { assertDeviceLibraryIdentifier } from './wallet-device';
import { loadWalletPass, WalletPassRequest } from './wallet-pass';

/**
 * A device stops following a pass (removed from Wallet, or automatic updates off). Removing a
 * registration that is already gone succeeds too: the device retries anything but 200 (P-REG-3).
 * @see https://developer.apple.com/documentation/walletpasses/unregister-a-pass-for-update-notifications
 */
@Injectable()
export class UnregisterDevice {
  constructor(
    private readonly passTypes: PassTypeRepository,
    private readonly passes: PassRepository,
    private readonly registrations: DeviceRegistrationRepository,
  ) {}

  async execute(command: WalletPassRequest & { deviceLibraryIdentifier: string }): Promise<void> {
    assertDeviceLibraryIdentifier(command.deviceLibraryIdentifier);
    const { pass } = await loadWalletPass(this.passTypes, this.passes, command);
    await this.registrations.unregister(command.deviceLibraryIdentifier, pass.id);
  }
}
