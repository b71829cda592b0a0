import { DomainError, DomainErrorCode } from '../domain/errors';

/** Wallet's identifiers are UUID-like; anything far longer or with control characters is not Wallet. */
const DEVICE_LIBRARY_IDENTIFIER = /^[^\u0000-\u001f\u007f/]{1,128}$/;

export function isDeviceLibraryIdentifier(deviceLibraryIdentifier: string): boolean {
  return DEVICE_LIBRARY_IDENTIFIER.test(deviceLibraryIdentifier);
}

export function assertDeviceLibraryIdentifier(deviceLibraryIdentifier: string): void {
  if (!isDeviceLibraryIdentifier(deviceLibraryIdentifier)) {
    throw new DomainError(DomainErrorCode.RegistrationInvalid, 'That is not a device library identifier.');
  }
}
