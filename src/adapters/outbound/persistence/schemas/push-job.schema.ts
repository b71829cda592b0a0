import { EntitySchema } from '@mikro-orm/core';
import { PassType } from '../../../../domain/pass-type';

export type PushJobState = 'waiting' | 'sending' | 'delivered' | 'failed' | 'dropped';

/**
 * Row of `push_jobs`, the durable queue of update pushes and the record of their outcomes. `dueAt`
 * is when a waiting job may be sent, or when the lease of a job being sent runs out (a worker that
 * died with it leaves it to be claimed again then).
 */
export class PushJobRecord {
  id!: number;
  deviceLibraryIdentifier!: string;
  passTypeId!: number;
  state!: PushJobState;
  attempts!: number;
  dueAt!: Date;
  createdAt!: Date;
  finishedAt!: Date | null;
  lastStatus!: number | null;
  lastReason!: string | null;
}

/** At most one waiting push per device and pass type: later changes join it. */
export const PUSH_JOB_WAITING_UNIQUE = 'push_jobs_waiting_unique';

export const PushJobRecordSchema = new EntitySchema<PushJobRecord>({
  class: PushJobRecord,
  tableName: 'push_jobs',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    deviceLibraryIdentifier: { type: 'text' },
    passTypeId: { kind: 'm:1', entity: () => PassType, mapToPk: true, joinColumn: 'pass_type_id', deleteRule: 'cascade' },
    state: { type: 'text' },
    attempts: { type: 'integer' },
    dueAt: { type: 'datetime', length: 3 },
    createdAt: { type: 'datetime', length: 3 },
    finishedAt: { type: 'datetime', length: 3, nullable: true },
    lastStatus: { type: 'integer', nullable: true },
    lastReason: { type: 'text', nullable: true },
  },
  indexes: [
    { name: 'push_jobs_state_due_at_index', properties: ['state', 'dueAt'] },
    { name: 'push_jobs_pass_type_id_index', properties: ['passTypeId'] },
    {
      name: PUSH_JOB_WAITING_UNIQUE,
      expression: `create unique index "${PUSH_JOB_WAITING_UNIQUE}" on "push_jobs" ("device_library_identifier", "pass_type_id") where "state" = 'waiting'`,
    },
  ],
});
