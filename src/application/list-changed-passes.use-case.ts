import { Injectable } from '@nestjs/common';
import { DeviceRegistrationRepository } from '../domain/ports/device-registration.repository';
import { isStorableText } from '../domain/text';
import { isDeviceLibraryIdentifier } from './wallet-device';

export interface ChangedSerialNumbers {
  serialNumbers: string[];
  /** The tag the device sends back as `passesUpdatedSince`: digits only, so no encoding mangles it. */
  lastUpdated: string;
}

/** Tags passgate hands out: a change sequence number, at most 15 digits (exact in a double). */
const TAG = /^[0-9]{1,15}$/;

/**
 * "What changed?": the serials of the device's passes of a pass type changed after the tag. The
 * tag is the highest change number among the rows returned, not "now", and the comparison is
 * strictly greater at the same precision, so a change is listed exactly once (the reference's
 * §4 and P-TAG-1 to P-TAG-4). Change numbers are taken under a per-pass-type lock that is held to
 * commit, so no change can become visible later with a number below a tag already handed out.
 * The device sends no Authorization header here; its library identifier is the shared secret.
 * @see https://developer.apple.com/documentation/walletpasses/get-the-list-of-updatable-passes
 */
@Injectable()
export class ListChangedPasses {
  constructor(private readonly registrations: DeviceRegistrationRepository) {}

  /** null: nothing to report (HTTP 204). */
  async execute(query: {
    deviceLibraryIdentifier: string;
    passTypeIdentifier: string;
    passesUpdatedSince: string | undefined;
  }): Promise<ChangedSerialNumbers | null> {
    // Keys no row can hold (a NUL byte, an identifier Wallet never makes) match nothing.
    if (!isDeviceLibraryIdentifier(query.deviceLibraryIdentifier) || !isStorableText(query.passTypeIdentifier)) return null;
    // A tag passgate never made (another server's, or mangled) counts as none: everything is listed once.
    const since = query.passesUpdatedSince !== undefined && TAG.test(query.passesUpdatedSince)
      ? Number(query.passesUpdatedSince)
      : null;
    const changed = await this.registrations.listChangedPasses(query.deviceLibraryIdentifier, query.passTypeIdentifier, since);
    if (changed.length === 0) return null;
    const lastUpdated = Math.max(...changed.map((pass) => pass.changeSequence));
    return { serialNumbers: changed.map((pass) => pass.serialNumber), lastUpdated: String(lastUpdated) };
  }
}
