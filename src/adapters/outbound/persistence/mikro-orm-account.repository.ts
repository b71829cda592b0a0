import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Account, ApiKey } from '../../../domain/account';
import { AccountRepository } from '../../../domain/ports/account.repository';
import { batchedOnPostgreSql, type BatchedLookup } from './batched-lookup';
import { eachKeySql, entityManagerFor, findBySql, findEachBySql, findGroupsBySql, findOneBySql, saveDetached } from './mikro-orm-repository';
import { ApiKeyRecord } from './schemas/api-key.schema';

const BY_API_KEY_SQL = 'select a.* from accounts a join api_keys k on k.account_id = a.id where k.key_id = ?';
const KEYS_SQL = 'select * from api_keys where account_id = ? order by id asc';

/** The two above for each key of `findEachBySql` and `findGroupsBySql` (PostgreSQL), an index lookup each. */
const EACH_BY_API_KEY_SQL = eachKeySql(
  'key_id text',
  'select a.* from accounts a join api_keys ak on ak.account_id = a.id where ak.key_id = k.key_id limit 1',
);
const EACH_KEYS_SQL = eachKeySql('account_id int', 'select * from api_keys where account_id = k.account_id order by id asc offset 0');

/**
 * Every Passdock request authenticates with `findByApiKeyId`: two statements, no query building,
 * and on PostgreSQL those of one turn of the event loop go as one statement each
 * (`batchedOnPostgreSql`).
 */
@Injectable()
export class MikroOrmAccountRepository extends AccountRepository {
  private readonly byApiKeyId: BatchedLookup<string, Account | null>;
  private readonly keysOf: BatchedLookup<number, ApiKeyRecord[]>;

  constructor(private readonly orm: MikroORM) {
    super();
    this.byApiKeyId = batchedOnPostgreSql(orm, {
      one: (keyId) => findOneBySql(orm, Account, BY_API_KEY_SQL, [keyId]),
      many: (keyIds) => findEachBySql(orm, Account, EACH_BY_API_KEY_SQL, keyIds.map((keyId) => ({ key_id: keyId }))),
    });
    this.keysOf = batchedOnPostgreSql(orm, {
      one: (accountId) => findBySql(orm, ApiKeyRecord, KEYS_SQL, [accountId]),
      many: (accountIds) => findGroupsBySql(orm, ApiKeyRecord, EACH_KEYS_SQL, accountIds.map((accountId) => ({ account_id: accountId }))),
    });
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

  async findByApiKeyId(keyId: string): Promise<Account | null> {
    return this.withKeys(await this.byApiKeyId.find(keyId));
  }

  private async withKeys(account: Account | null): Promise<Account | null> {
    if (account === null) return null;
    account.apiKeys = (await this.keysOf.find(account.id)).map(toApiKey);
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
