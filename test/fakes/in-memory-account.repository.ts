import type { Account } from '../../src/domain/account';
import { AccountRepository } from '../../src/domain/ports/account.repository';
import { cloneEntity } from './clone';

export class InMemoryAccountRepository extends AccountRepository {
  private readonly rows = new Map<number, Account>();
  private nextId = 1;

  async add(account: Account): Promise<Account> {
    account.id = this.nextId++;
    this.rows.set(account.id, cloneEntity(account));
    return account;
  }

  async save(account: Account): Promise<void> {
    if (!this.rows.has(account.id)) throw new Error(`account ${account.id} was never added`);
    this.rows.set(account.id, cloneEntity(account));
  }

  async findById(id: number): Promise<Account | null> {
    const row = this.rows.get(id);
    return row ? cloneEntity(row) : null;
  }

  async findByApiKeyId(keyId: string): Promise<Account | null> {
    for (const row of this.rows.values()) {
      if (row.apiKeys.some((key) => key.keyId === keyId)) return cloneEntity(row);
    }
    return null;
  }
}
