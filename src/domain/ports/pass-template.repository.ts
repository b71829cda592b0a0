import type { PassTemplate } from '../pass-template';

export abstract class PassTemplateRepository {
  /** Stores a new template and assigns its id. */
  abstract add(template: PassTemplate): Promise<PassTemplate>;
  abstract save(template: PassTemplate): Promise<void>;
  /** The template with this id if it belongs to the account; another account's template is null. */
  abstract findForAccount(accountId: number, id: number): Promise<PassTemplate | null>;
  abstract findById(id: number): Promise<PassTemplate | null>;
  /**
   * The template with this id at `updatedAt`, a version the caller has just read elsewhere (a
   * WalletPassEntry's): answered from memory when the repository holds that version, read as
   * stored now otherwise, and then it may be a newer one. Null when there is none (one removed
   * moments ago may still be answered from memory).
   */
  abstract findAtVersion(id: number, updatedAt: Date): Promise<PassTemplate | null>;
  abstract findByTitle(accountId: number, title: string): Promise<PassTemplate | null>;
  /** The account's templates by ascending id, `limit` at a time after skipping `offset`. */
  abstract listForAccount(accountId: number, page: { offset: number; limit: number }): Promise<PassTemplate[]>;
  /** Removes the template together with its passes and their device registrations. */
  abstract remove(template: PassTemplate): Promise<void>;
}
