import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { WalletPassIndex } from '../../../domain/ports/wallet-pass-index';
import { WalletPassEntry } from '../../../domain/wallet-pass-entry';
import { batchedOnPostgreSql, type BatchedLookup } from './batched-lookup';
import { dateFromColumn, eachKeySql, executeSqlInContext, rowsForEachKey } from './mikro-orm-repository';

type WalletPassKey = readonly [passTypeIdentifier: string, serialNumber: string];

interface WalletPassRow {
  id: number;
  pass_type_id: number;
  template_id: number;
  authentication_token: string;
  version: number;
  updated_at: unknown;
  last_modified: unknown;
  template_updated_at: unknown;
  pass_type_updated_at: unknown;
}

const SELECT_ENTRY = `select p.id, p.pass_type_id, p.template_id, p.authentication_token, p.version, p.updated_at,
    p.last_modified, t.updated_at as template_updated_at, pt.updated_at as pass_type_updated_at
  from pass_types pt
  join passes p on p.pass_type_id = pt.id
  join pass_templates t on t.id = p.template_id`;

const FIND_SQL = `${SELECT_ENTRY}
  where pt.pass_type_identifier = ? and p.serial_number = ? and p.issued_at is not null`;

/** FIND_SQL for each key of `rowsForEachKey` (PostgreSQL). */
const FIND_MANY_SQL = eachKeySql(
  'identifier text, serial text',
  `${SELECT_ENTRY}
    where pt.pass_type_identifier = k.identifier and p.serial_number = k.serial and p.issued_at is not null
    limit 1`,
);

/**
 * One parameterised statement over passes, their templates and pass types, answered from the
 * unique indexes on the pass type identifier and (pass type, serial). No entity is hydrated: the
 * Wallet web service asks this for every 304 and every package built before, which is most of what
 * devices ask after a change, and MikroORM's `findOne` costs several times what SQLite needs. On
 * PostgreSQL the lookups of one turn of the event loop go as one statement (`batchedOnPostgreSql`).
 */
@Injectable()
export class MikroOrmWalletPassIndex extends WalletPassIndex {
  private readonly lookup: BatchedLookup<WalletPassKey, WalletPassEntry | null>;

  constructor(private readonly orm: MikroORM) {
    super();
    this.lookup = batchedOnPostgreSql(orm, { one: (key) => this.findOne(key), many: (keys) => this.findMany(keys) });
  }

  find(passTypeIdentifier: string, serialNumber: string): Promise<WalletPassEntry | null> {
    return this.lookup.find([passTypeIdentifier, serialNumber]);
  }

  private async findOne(key: WalletPassKey): Promise<WalletPassEntry | null> {
    const rows = await executeSqlInContext<WalletPassRow[]>(this.orm, FIND_SQL, key, 'all');
    return rows.length === 0 ? null : entryOf(rows[0]);
  }

  private async findMany(keys: readonly WalletPassKey[]): Promise<Array<WalletPassEntry | null>> {
    const keyRecords = keys.map(([identifier, serial]) => ({ identifier, serial }));
    const rows = await rowsForEachKey<WalletPassRow>(this.orm, FIND_MANY_SQL, keyRecords);
    return rows.map((row) => (row === null ? null : entryOf(row)));
  }
}

function entryOf(row: WalletPassRow): WalletPassEntry {
  return new WalletPassEntry(row.authentication_token, dateFromColumn(row.last_modified), {
    passId: Number(row.id),
    passVersion: Number(row.version),
    passUpdatedAt: dateFromColumn(row.updated_at),
    templateId: Number(row.template_id),
    templateUpdatedAt: dateFromColumn(row.template_updated_at),
    passTypeId: Number(row.pass_type_id),
    passTypeUpdatedAt: dateFromColumn(row.pass_type_updated_at),
  });
}
