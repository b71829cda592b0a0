import { Injectable } from '@nestjs/common';
import { DeviceRegistration } from '../domain/device-registration';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { Clock } from '../domain/ports/clock';
import { DeviceRegistrationRepository } from '../domain/ports/device-registration.repository';
import { PassTypeRepository } from '../domain/ports/pass-type.repository';
import { PassRepository } from '../domain/ports/pass.repository';
import { loadWalletPass, WalletPassRequest } from './wallet-pass';
import { assertDeviceLibraryIdentifier } from './wallet-device';

export interface RegisterDeviceCommand extends WalletPassRequest {
  deviceLibraryIdentifier: string;
  /** The JSON body Wallet sends: `{"pushToken": "<hex>"}`. */
  body: unknown;
}

/** APNs device tokens are hex; 32 bytes today, and Apple reserves the right to make them longer. */
const PUSH_TOKEN = /^[0-9a-fA-F]{16,200}$/;

/**
 * A device asks to be told about updates of a pass. The push token is overwritten on every call
 * (it can change for the same device; the reference's P-REG-1).
 * @see https://developer.apple.com/documentation/walletpasses/register-a-pass-for-update-notifications
 */
@Injectable()
export class RegisterDevice {
  constructor(
    private readonly passTypes: PassTypeRepository,
    private readonly passes: PassRepository,
    private readonly registrations: DeviceRegistrationRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: RegisterDeviceCommand): Promise<'created' | 'already-registered'> {
    assertDeviceLibraryIdentifier(command.deviceLibraryIdentifier);
    const { pass } = await loadWalletPass(this.passTypes, this.passes, command);
    const pushToken = (command.body as { pushToken?: unknown } | null)?.pushToken;
    if (typeof pushToken !== 'string' || !PUSH_TOKEN.test(pushToken)) {
      throw new DomainError(DomainErrorCode.RegistrationInvalid, 'The body needs a pushToken: the hex APNs device token.');
    }
    return this.registrations.register(
      DeviceRegistration.create(command.deviceLibraryIdentifier, pass.id, pushToken, this.clock.now()),
    );
  }
}
