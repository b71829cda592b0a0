import { EntitySchema } from '@mikro-orm/core';
import { Account } from '../../../../domain/account';

export const AccountSchema = new EntitySchema<Account>({
  class: Account,
  tableName: 'accounts',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    name: { type: 'text' },
    // Kept in `api_keys` through `ApiKeyRecord`; the repository loads and stores them.
    apiKeys: { type: 'json', persist: false },
    createdAt: { type: 'datetime', length: 3 },
  },
});
