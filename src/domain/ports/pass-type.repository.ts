import type { PassType } from '../pass-type';

export abstract class PassTypeRepository {
  /** Stores a new pass type and assigns its id; a second one with the same identifier is refused. */
  abstract add(passType: PassType): Promise<PassType>;
  abstract save(passType: PassType): Promise<void>;
  abstract findById(id: number): Promise<PassType | null>;
  /** As `PassTemplateRepository.findAtVersion`: this version from memory, or as stored now. */
  abstract findAtVersion(id: number, updatedAt: Date): Promise<PassType | null>;
  abstract findByIdentifier(passTypeIdentifier: string): Promise<PassType | null>;
  /** The pass types an account may sign with: its own and the shared one from CERTS_DIR, by id. */
  abstract listUsableBy(accountId: number): Promise<PassType[]>;
  /** The pass types owned by no account (configured from CERTS_DIR, now or before), by id. */
  abstract listShared(): Promise<PassType[]>;
}
