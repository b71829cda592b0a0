import { EntitySchema } from '@mikro-orm/core';
import { ownedByAccount } from './columns';

/**
 * Row of the `api_keys` table. The domain's `ApiKey` knows nothing of its account, so the rows get
 * their own class; the serial id keeps the account's keys in the order they were issued.
 */
export class ApiKeyRecord {
  id!: number;
  keyId!: string;
  accountId!: number;
  secretHash!: string;
  createdAt!: Date;
  revokedAt!: Date | null;
}

export const ApiKeyRecordSchema = new EntitySchema<ApiKeyRecord>({
  class: ApiKeyRecord,
  tableName: 'api_keys',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    keyId: { type: 'text', unique: 'api_keys_key_id_unique' },
    accountId: { ...ownedByAccount },
    secretHash: { type: 'text' },
    createdAt: { type: 'datetime', length: 3 },
    revokedAt: { type: 'datetime', length: 3, nullable: true },
  },
  indexes: [{ name: 'api_keys_account_id_index', properties: ['accountId'] }],
});
