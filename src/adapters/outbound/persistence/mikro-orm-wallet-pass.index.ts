import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { WalletPassIndex } from '../../../domain/ports/wallet-pass-index';
import { WalletPassEntry } from '../../../domain/wallet-pass-entry';
import { dateFromColumn, executeSqlInContext } from './mikro-orm-repository';

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

const FIND_SQL = `select p.id, p.pass_type_id, p.template_id, p.authentication_token, p.version, p.updated_at,
    p.last_modified, t.updated_at as template_updated_at, pt.updated_at as pass_type_updated_at
  from pass_types pt
  join passes p on p.pass_type_id = pt.id
  join pass_templates t on t.id = p.template_id
  where pt.pass_type_identifier = ? and p.serial_number = ? and p.issued_at is not null`;

/**
 * One parameterised statement over passes, their templates and pass types, answered from the
 * unique indexes on the pass type identifier and (pass type, serial). No entity is hydrated: the
 * Wallet web service asks this for every 304 and every package built before, which is most of what
 * devices ask after a change, and MikroORM's `findOne` costs several times what SQLite needs.
 */
@Injectable()
export class MikroOrmWalletPassIndex extends WalletPassIndex {
  constructor(private readonly orm: MikroORM) {
    super();
  }

  async find(passTypeIdentifier: string, serialNumber: string): Promise<WalletPassEntry | null> {
    const rows = await executeSqlInContext<WalletPassRow[]>(this.orm, FIND_SQL, [passTypeIdentifier, serialNumber], 'all');
    const row = rows[0];
    if (row === undefined) return null;
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
}
