import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { DeviceRegistration } from '../../../domain/device-registration';
import { ChangedPass, DeviceRegistrationRepository } from '../../../domain/ports/device-registration.repository';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { isPostgres } from './migrations/platform';
import { batchedOnPostgreSql, type BatchedLookup } from './batched-lookup';
import { eachKeySql, entityManagerFor, executeSql, executeSqlInContext, rowsOfEachKey } from './mikro-orm-repository';

type ChangedPassesKey = readonly [deviceLibraryIdentifier: string, passTypeIdentifier: string, after: number | null];

interface ChangedPassRow {
  serial_number: string;
  change_sequence: number | string;
}

/**
 * The pass type by the identifier the device names, in the same statement: "what changed?" is
 * what every device asks after a push, and a lookup of the pass type's id of its own was a second
 * statement (a second round trip on PostgreSQL) for each of them. A scalar subquery, not a join:
 * joined, SQLite's planner starts from the pass type and reads every pass of it through
 * `passes_pass_type_id_index` when a `change_sequence` bound is given (3 ms per list for 10,000
 * passes); this way it starts from the device's registrations.
 */
const SELECT_CHANGED_PASSES = `select p.serial_number, p.change_sequence
  from device_registrations r join passes p on p.id = r.pass_id`;

const CHANGED_PASSES_SQL = `${SELECT_CHANGED_PASSES}
  where r.device_library_identifier = ? and p.pass_type_id = (select id from pass_types where pass_type_identifier = ?)`;
const CHANGED_PASSES_AFTER_SQL = `${CHANGED_PASSES_SQL} and p.change_sequence > ?`;

/** CHANGED_PASSES_SQL for each key of `rowsOfEachKey` (PostgreSQL), `after` null for none. */
const EACH_CHANGED_PASSES_SQL = eachKeySql(
  'device text, identifier text, after bigint',
  `${SELECT_CHANGED_PASSES}
    where r.device_library_identifier = k.device
      and p.pass_type_id = (select id from pass_types where pass_type_identifier = k.identifier)
      and (k.after is null or p.change_sequence > k.after)
    offset 0`,
);

@Injectable()
export class MikroOrmDeviceRegistrationRepository extends DeviceRegistrationRepository {
  /** Every device asks "what changed?" after a push: batched on PostgreSQL (`batchedOnPostgreSql`). */
  private readonly changedPasses: BatchedLookup<ChangedPassesKey, ChangedPass[]>;

  constructor(private readonly orm: MikroORM) {
    super();
    this.changedPasses = batchedOnPostgreSql(orm, {
      one: (key) => this.listChangedPassesOf(key),
      many: (keys) => this.listChangedPassesOfEach(keys),
    });
  }

  /**
   * INSERT … ON CONFLICT DO NOTHING decides created / already-registered, so a device that sends
   * the same registration twice at once gets one of each and never a constraint error.
   */
  async register(registration: DeviceRegistration): Promise<'created' | 'already-registered'> {
    return entityManagerFor(this.orm).transactional(async (em) => {
      // On PostgreSQL, wait for a change of the pass that is being committed: its pushes were
      // queued for the devices registered when it ran, so a registration slipping in between would
      // get neither that push nor, listing before the commit, the change. (SQLite has one writer.)
      if (isPostgres(em.getPlatform())) {
        await executeSql(em as SqlEntityManager, 'select id from passes where id = ? for share', [registration.passId], 'all');
      }
      const inserted = await em
        .createQueryBuilder(DeviceRegistration)
        .insert({
          deviceLibraryIdentifier: registration.deviceLibraryIdentifier,
          passId: registration.passId,
          pushToken: registration.pushToken,
          createdAt: registration.createdAt,
          updatedAt: registration.updatedAt,
        })
        .onConflict(['deviceLibraryIdentifier', 'passId'])
        .ignore()
        .execute('run');
      await em.nativeUpdate(
        DeviceRegistration,
        { deviceLibraryIdentifier: registration.deviceLibraryIdentifier },
        { pushToken: registration.pushToken, updatedAt: registration.updatedAt },
      );
      return inserted.affectedRows > 0 ? 'created' : 'already-registered';
    });
  }

  async unregister(deviceLibraryIdentifier: string, passId: number): Promise<void> {
    await entityManagerFor(this.orm).nativeDelete(DeviceRegistration, { deviceLibraryIdentifier, passId });
  }

  async find(deviceLibraryIdentifier: string, passId: number): Promise<DeviceRegistration | null> {
    return entityManagerFor(this.orm).findOne(DeviceRegistration, { deviceLibraryIdentifier, passId });
  }

  async listForPass(passId: number): Promise<DeviceRegistration[]> {
    const registrations = await entityManagerFor(this.orm).find(DeviceRegistration, { passId });
    // Sorted here, not by the database's collation, so the order is the same on every database.
    return registrations.sort((a, b) => compareCodeUnits(a.deviceLibraryIdentifier, b.deviceLibraryIdentifier));
  }

  async listPassIdsForDevice(deviceLibraryIdentifier: string): Promise<number[]> {
    const rows = await entityManagerFor(this.orm).find(
      DeviceRegistration,
      { deviceLibraryIdentifier },
      { fields: ['passId'], orderBy: { passId: 'asc' } },
    );
    return rows.map((row) => row.passId);
  }

  listChangedPasses(deviceLibraryIdentifier: string, passTypeIdentifier: string, after: number | null): Promise<ChangedPass[]> {
    return this.changedPasses.find([deviceLibraryIdentifier, passTypeIdentifier, after]);
  }

  private async listChangedPassesOf([deviceLibraryIdentifier, passTypeIdentifier, after]: ChangedPassesKey): Promise<ChangedPass[]> {
    const rows = await executeSqlInContext<ChangedPassRow[]>(
      this.orm,
      after === null ? CHANGED_PASSES_SQL : CHANGED_PASSES_AFTER_SQL,
      after === null ? [deviceLibraryIdentifier, passTypeIdentifier] : [deviceLibraryIdentifier, passTypeIdentifier, after],
      'all',
    );
    return changedPassesOf(rows);
  }

  private async listChangedPassesOfEach(keys: readonly ChangedPassesKey[]): Promise<ChangedPass[][]> {
    const keyRecords = keys.map(([device, identifier, after]) => ({ device, identifier, after }));
    const groups = await rowsOfEachKey<ChangedPassRow>(this.orm, EACH_CHANGED_PASSES_SQL, keyRecords);
    return groups.map(changedPassesOf);
  }

  async removeByPushToken(pushToken: string, passTypeId: number | null): Promise<number> {
    if (passTypeId === null) return entityManagerFor(this.orm).nativeDelete(DeviceRegistration, { pushToken });
    const result = await executeSql<{ affectedRows: number }>(
      entityManagerFor(this.orm),
      'delete from device_registrations where push_token = ? and pass_id in (select id from passes where pass_type_id = ?)',
      [pushToken, passTypeId],
      'run',
    );
    return result.affectedRows;
  }

  async countInstalledPasses(templateId: number): Promise<number> {
    const rows = await executeSql<Array<{ installed: number | string }>>(entityManagerFor(this.orm), `select count(distinct r.pass_id) as installed
       from device_registrations r join passes p on p.id = r.pass_id
       where p.template_id = ? and p.deleted_at is null`,
      [templateId],
      'all',
    );
    return Number(rows[0]?.installed ?? 0);
  }
}

function changedPassesOf(rows: readonly ChangedPassRow[]): ChangedPass[] {
  return rows
    .map((row) => ({ serialNumber: row.serial_number, changeSequence: Number(row.change_sequence) }))
    .sort((a, b) => compareCodeUnits(a.serialNumber, b.serialNumber));
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
