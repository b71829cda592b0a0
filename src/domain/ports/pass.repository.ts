import type { Pass } from '../pass';

/**
 * Passes. Every finder but `findForWallet` treats a deleted pass (`deletedAt` set) as absent: for
 * its account it is gone, only the Wallet web service still serves it to the devices that hold it.
 */
export abstract class PassRepository {
  /**
   * Stores a new pass and assigns its id; SERIAL_NUMBER_TAKEN when its pass type already has that
   * serial. The serial of a deleted pass is free again: the deleted pass goes for good.
   */
  abstract add(pass: Pass): Promise<Pass>;
  /**
   * Stores changes to a pass this repository handed out (loaded or added). PASS_CHANGED_CONCURRENTLY
   * when the stored pass changed since (its version moved): the caller reloads and applies its
   * change again, so no change is lost and no two contents share a version. PASS_NOT_FOUND when it
   * was removed meanwhile. A change devices see (a new `lastModified`) takes the pass type's next
   * `changeSequence`, so that changes committed later always carry a higher one (what the Wallet
   * web service's tags rely on); other changes keep the pass's number.
   */
  abstract save(pass: Pass): Promise<void>;
  abstract findById(id: number): Promise<Pass | null>;
  /** The pass with this id if it belongs to the account; another account's pass is null. */
  abstract findForAccount(accountId: number, id: number): Promise<Pass | null>;
  abstract findBySerialNumber(passTypeId: number, serialNumber: string): Promise<Pass | null>;
  abstract findByPassDataId(passDataId: string): Promise<Pass | null>;
  /** The issued pass a device asks for by (pass type, serial), deleted ones included. */
  abstract findForWallet(passTypeId: number, serialNumber: string): Promise<Pass | null>;
  /** Issued passes of a template by ascending id, `limit` at a time after skipping `offset`. */
  abstract listForTemplate(templateId: number, page: { offset: number; limit: number }): Promise<Pass[]>;
  /** The account's issued passes whose own barcode message is exactly `message`, by ascending id. */
  abstract findByBarcodeMessage(accountId: number, message: string, limit: number): Promise<Pass[]>;
  /**
   * Advances the version of every pass of a template (its design changed) by the rules of
   * `Pass.touch`, all with one new `changeSequence`. Deleted and voided passes stay as they are:
   * their last version told Wallet to stop following them. Returns how many passes changed.
   */
  abstract touchAllOfTemplate(templateId: number, now: Date): Promise<number>;
  /** Removes the pass and its device registrations for good (data that was never issued). */
  abstract remove(pass: Pass): Promise<void>;
}
