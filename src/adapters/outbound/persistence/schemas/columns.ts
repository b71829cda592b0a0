import { JsonType } from '@mikro-orm/core';
import { Account } from '../../../../domain/account';

/** `json` rather than `jsonb` on PostgreSQL: the documents come back exactly as written, key order included. */
export const jsonColumn = { type: JsonType, columnType: 'json' } as const;

/** The owning account's id on the domain object; a foreign key that deletes the row with its account. */
export const ownedByAccount = {
  kind: 'm:1',
  entity: () => Account,
  mapToPk: true,
  joinColumn: 'account_id',
  deleteRule: 'cascade',
} as const;
