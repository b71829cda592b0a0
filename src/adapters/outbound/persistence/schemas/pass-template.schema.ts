import { EntitySchema, JsonType } from '@mikro-orm/core';
import { Account } from '../../../../domain/account';
import { PassTemplate } from '../../../../domain/pass-template';
import { PassType } from '../../../../domain/pass-type';
import { ImageSetType } from '../types/image-set.type';

/** `json` rather than `jsonb` on PostgreSQL: the documents come back exactly as written, key order included. */
const json = { type: JsonType, columnType: 'json' } as const;

export const PassTemplateSchema = new EntitySchema<PassTemplate>({
  class: PassTemplate,
  tableName: 'pass_templates',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    accountId: {
      kind: 'm:1',
      entity: () => Account,
      mapToPk: true,
      joinColumn: 'account_id',
      deleteRule: 'cascade',
    },
    passTypeId: { kind: 'm:1', entity: () => PassType, mapToPk: true, joinColumn: 'pass_type_id' },
    style: { type: 'text' },
    transitType: { type: 'text', nullable: true },
    eventTicketLayout: { type: 'text', nullable: true },
    title: { type: 'text' },
    description: { type: 'text' },
    organizationName: { type: 'text' },
    logoText: { type: 'text', nullable: true },
    colors: { ...json },
    fields: { ...json },
    barcode: { ...json, nullable: true },
    images: { type: ImageSetType },
    relevance: { ...json },
    localizations: { ...json },
    createdAt: { type: 'datetime', length: 3 },
    updatedAt: { type: 'datetime', length: 3 },
  },
  // Titles are unique per account only by the use case's check, deliberately not by a constraint.
  indexes: [
    { name: 'pass_templates_account_id_title_index', properties: ['accountId', 'title'] },
    { name: 'pass_templates_pass_type_id_index', properties: ['passTypeId'] },
  ],
});
