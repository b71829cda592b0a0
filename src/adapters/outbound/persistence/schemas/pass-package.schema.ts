import { EntitySchema } from '@mikro-orm/core';
import { Pass } from '../../../../domain/pass';
import { PassTemplate } from '../../../../domain/pass-template';

/**
 * Row of the `pass_packages` table: the signed `.pkpass` last built for a pass, kept so that a
 * restarted or another instance serves it without signing again. One row per pass (a newer version
 * replaces the older one); `cacheKey` names the pass version and signing material it was built
 * from, so a row of an older version is never served. Deleted with its pass.
 */
export class PassPackageRecord {
  passId!: number;
  cacheKey!: string;
  bytes!: Buffer;
  createdAt!: Date;
}

export const PassPackageRecordSchema = new EntitySchema<PassPackageRecord>({
  class: PassPackageRecord,
  tableName: 'pass_packages',
  properties: {
    passId: {
      kind: 'm:1',
      entity: () => Pass,
      mapToPk: true,
      primary: true,
      joinColumn: 'pass_id',
      deleteRule: 'cascade',
    },
    cacheKey: { type: 'text' },
    bytes: { type: 'blob' },
    createdAt: { type: 'datetime', length: 3 },
  },
});

/**
 * Row of the `pass_package_files` table: a template's file (an image, or a certificate of its pass
 * type as signatures carry it) that the packages of its passes in `pass_packages` leave out and
 * name by `digest`, its hex SHA-256 (compactPackage). Per template, so one account's packages
 * never read another's files; deleted with the template.
 */
export class PassPackageFileRecord {
  templateId!: number;
  digest!: string;
  bytes!: Buffer;
  createdAt!: Date;
}

export const PassPackageFileRecordSchema = new EntitySchema<PassPackageFileRecord>({
  class: PassPackageFileRecord,
  tableName: 'pass_package_files',
  properties: {
    templateId: {
      kind: 'm:1',
      entity: () => PassTemplate,
      mapToPk: true,
      primary: true,
      joinColumn: 'template_id',
      deleteRule: 'cascade',
    },
    digest: { type: 'text', primary: true },
    bytes: { type: 'blob' },
    createdAt: { type: 'datetime', length: 3 },
  },
});
