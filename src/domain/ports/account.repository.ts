import type { Account } from '../account';

export abstract class AccountRepository {
  /** Stores a new account with its keys and assigns its id. */
  abstract add(account: Account): Promise<Account>;
  /** Stores changes to an account and its keys (new keys, revocations). */
  abstract save(account: Account): Promise<void>;
  abstract findById(id: number): Promise<Account | null>;
  /** The account owning the key with this key id, whether or not the key is still active. */
  abstract findByApiKeyId(keyId: string): Promise<Account | null>;
}
