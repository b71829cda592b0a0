import { EntitySchema } from '@mikro-orm/core';
import { Pass } from '../../../../domain/pass';
import { PassTemplate } from '../../../../domain/pass-template';
import { PassType } from '../../../../domain/pass-type';
import { ImageSetType } from '../types/image-set.type';
import { jsonColumn, ownedByAccount } from './columns';

/** Names the translation of a duplicate serial into SERIAL_NUMBER_TAKEN relies on. */
export const PASS_SERIAL_UNIQUE = 'passes_pass_type_id_serial_number_unique';

export const PassSchema = new EntitySchema<Pass>({
  class: Pass,
  tableName: 'passes',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    accountId: { ...ownedByAccount },
    templateId: {
      kind: 'm:1',
      entity: () => PassTemplate,
      mapToPk: true,
      joinColumn: 'template_id',
      deleteRule: 'cascade',
    },
    passTypeId: { kind: 'm:1', entity: () => PassType, mapToPk: true, joinColumn: 'pass_type_id' },
    serialNumber: { type: 'text' },
    fieldValues: { ...jsonColumn },
    barcodeMessage: { type: 'text', nullable: true },
    barcodeAltText: { type: 'text', nullable: true },
    locations: { ...jsonColumn, nullable: true },
    beacons: { ...jsonColumn, nullable: true },
    relevantDate: { type: 'text', nullable: true },
    expirationDate: { type: 'text', nullable: true },
    images: { type: ImageSetType },
    voided: { type: 'boolean' },
    redeemed: { type: 'boolean' },
    redeemedAt: { type: 'datetime', length: 3, nullable: true },
    authenticationToken: { type: 'text' },
    webToken: { type: 'text', unique: 'passes_web_token_unique' },
    passDataId: { type: 'text', unique: 'passes_pass_data_id_unique' },
    customPassId: { type: 'text', nullable: true },
    recipient: { ...jsonColumn, nullable: true },
    issuedAt: { type: 'datetime', length: 3, nullable: true },
    passDataDeletedAt: { type: 'datetime', length: 3, nullable: true },
    deletedAt: { type: 'datetime', length: 3, nullable: true },
    personalization: { ...jsonColumn, nullable: true },
    createdAt: { type: 'datetime', length: 3 },
    // The pass's version time: millisecond precision is part of the contract (Apple's update tags).
    updatedAt: { type: 'datetime', length: 3 },
    version: { type: 'integer' },
    // Nullable only because SQLite cannot add a NOT NULL column without a default; the migration
    // filled every row and Pass always sets it.
    lastModified: { type: 'datetime', length: 3, nullable: true },
    changeSequence: { type: 'integer', default: 0 },
    showsAsVoided: { type: 'boolean', persist: false, getter: true },
  },
  uniques: [{ name: PASS_SERIAL_UNIQUE, properties: ['passTypeId', 'serialNumber'] }],
  indexes: [
    { name: 'passes_template_id_index', properties: ['templateId'] },
    { name: 'passes_account_id_index', properties: ['accountId'] },
    { name: 'passes_account_id_barcode_message_index', properties: ['accountId', 'barcodeMessage'] },
  ],
});
