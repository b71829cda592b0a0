import { EntitySchema } from '@mikro-orm/core';
import { PassTemplate } from '../../../../domain/pass-template';
import { PassType } from '../../../../domain/pass-type';
import { ImageSetType } from '../types/image-set.type';
import { jsonColumn, ownedByAccount } from './columns';

export const PassTemplateSchema = new EntitySchema<PassTemplate>({
  class: PassTemplate,
  tableName: 'pass_templates',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    accountId: { ...ownedByAccount },
    passTypeId: { kind: 'm:1', entity: () => PassType, mapToPk: true, joinColumn: 'pass_type_id' },
    style: { type: 'text' },
    transitType: { type: 'text', nullable: true },
    eventTicketLayout: { type: 'text', nullable: true },
    title: { type: 'text' },
    description: { type: 'text' },
    organizationName: { type: 'text' },
    logoText: { type: 'text', nullable: true },
    colors: { ...jsonColumn },
    fields: { ...jsonColumn },
    barcode: { ...jsonColumn, nullable: true },
    images: { type: ImageSetType },
    relevance: { ...jsonColumn },
    localizations: { ...jsonColumn },
    recipientRequired: { type: 'boolean', default: false },
    personalization: { ...jsonColumn, nullable: true },
    nfc: { ...jsonColumn, nullable: true },
    createdAt: { type: 'datetime', length: 3 },
    updatedAt: { type: 'datetime', length: 3 },
  },
  // Titles are unique per account only by the use case's check, deliberately not by a constraint.
  indexes: [
    { name: 'pass_templates_account_id_title_index', properties: ['accountId', 'title'] },
    { name: 'pass_templates_pass_type_id_index', properties: ['passTypeId'] },
  ],
});
