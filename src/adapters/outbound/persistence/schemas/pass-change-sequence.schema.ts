import { EntitySchema } from '@mikro-orm/core';
import { PassType } from '../../../../domain/pass-type';

/**
 * Row of `pass_change_sequences`: the last change number handed out for a pass type. Taking the
 * next one locks the row until the transaction ends, so changes of one pass type commit in the
 * order of their numbers and an update tag never skips a change committed after it was made.
 */
export class PassChangeSequence {
  passTypeId!: number;
  lastValue!: number;
}

export const PassChangeSequenceSchema = new EntitySchema<PassChangeSequence>({
  class: PassChangeSequence,
  tableName: 'pass_change_sequences',
  properties: {
    passTypeId: {
      kind: 'm:1',
      entity: () => PassType,
      mapToPk: true,
      primary: true,
      joinColumn: 'pass_type_id',
      deleteRule: 'cascade',
    },
    lastValue: { type: 'integer' },
  },
});
