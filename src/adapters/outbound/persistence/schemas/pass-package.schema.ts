import { EntitySchema } from '@mikro-orm/core';
import { Pass } from '../../../../domain/pass';

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
