import { EntitySchema } from '@mikro-orm/core';
import { PassType } from '../../../../domain/pass-type';
import { ownedByAccount } from './columns';

export const PassTypeSchema = new EntitySchema<PassType>({
  class: PassType,
  tableName: 'pass_types',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    // Null for the shared pass type configured in CERTS_DIR.
    accountId: { ...ownedByAccount, nullable: true },
    passTypeIdentifier: { type: 'text', unique: 'pass_types_pass_type_identifier_unique' },
    teamIdentifier: { type: 'text' },
    certificatePem: { type: 'text' },
    privateKeyPem: { type: 'text' },
    privateKeyPassphrase: { type: 'text', nullable: true },
    wwdrCertificatePem: { type: 'text' },
    development: { type: 'boolean' },
    isDefault: { type: 'boolean' },
    certificateExpiresAt: { type: 'datetime', length: 3 },
    createdAt: { type: 'datetime', length: 3 },
    updatedAt: { type: 'datetime', length: 3 },
  },
  indexes: [{ name: 'pass_types_account_id_index', properties: ['accountId'] }],
});
