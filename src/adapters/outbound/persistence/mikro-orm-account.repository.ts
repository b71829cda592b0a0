import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Account, ApiKey } from '../../../domain/account';
import { AccountRepository } from '../../../domain/ports/account.repository';
import { entityManagerFor, findBySql, findOneBySql, saveDetached } from './mikro-orm-repository';
import { ApiKeyRecord } from './schemas/api-key.schema';

@Injectable()
export class MikroOrmAccountRepository extends AccountRepository {
  constructor(private readonly orm: MikroORM) {
    super();
  }

  async add(account: Account): Promise<Account> {
    await entityManagerFor(this.orm).transactional(async (em) => {
      em.persist(account);
      await em.flush();
      em.persist(account.apiKeys.map((key) => toRecord(key, account.id)));
      await em.flush();
    });
    return account;
  }

  async save(account: Account): Promise<void> {
    await entityManagerFor(this.orm).transactional(async (em) => {
      await saveDetached(em, Account, account, { id: account.id });
      const records = await em.find(ApiKeyRecord, { accountId: account.id });
      const byKeyId = new Map(records.map((record) => [record.keyId, record]));
      for (const key of account.apiKeys) {
        const record = byKeyId.get(key.keyId);
        if (record === undefined) {
          em.persist(toRecord(key, account.id));
          continue;
        }
        byKeyId.delete(key.keyId);
        record.secretHash = key.secretHash;
        record.createdAt = key.createdAt;
        record.revokedAt = key.revokedAt;
      }
      for (const dropped of byKeyId.values()) em.remove(dropped);
      await em.flush();
    });
  }

  async findById(id: number): Promise<Account | null> {
    return this.withKeys(await findOneBySql(this.orm, Account, 'select * from accounts where id = ?', [id]));
  }

  /** Every Passdock request authenticates with this: two statements, no query building. */
  async findByApiKeyId(keyId: string): Promise<Account | null> {
    return this.withKeys(
      await findOneBySql(this.orm, Account, 'select a.* from accounts a join api_keys k on k.account_id = a.id where k.key_id = ?', [keyId]),
    );
  }

  private async withKeys(account: Account | null): Promise<Account | null> {
    if (account === null) return null;
    const records = await findBySql(this.orm, ApiKeyRecord, 'select * from api_keys where account_id = ? order by id asc', [account.id]);
    account.apiKeys = records.map(toApiKey);
    return account;
  }
}

function toRecord(key: ApiKey, accountId: number): ApiKeyRecord {
  const record = new ApiKeyRecord();
  record.keyId = key.keyId;
  record.accountId = accountId;
  record.secretHash = key.secretHash;
  record.createdAt = key.createdAt;
  record.revokedAt = key.revokedAt;
  return record;
}

function toApiKey(record: ApiKeyRecord): ApiKey {
  const key = new ApiKey();
  key.keyId = record.keyId;
  key.secretHash = record.secretHash;
  key.createdAt = record.createdAt;
  key.revokedAt = record.revokedAt;
  return key;
}
