import type { WalletPassEntry } from '../wallet-pass-entry';

/** Finds what a device's request to the Wallet web service addresses, in one lookup. */
export abstract class WalletPassIndex {
  /**
   * The issued pass with this serial number of the pass type with this identifier, deleted ones
   * included (as `PassRepository.findForWallet`); null when there is none.
   */
  abstract find(passTypeIdentifier: string, serialNumber: string): Promise<WalletPassEntry | null>;
}
