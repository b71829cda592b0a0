import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from './platform';

/**
 * Pass data that is stored before it is issued (Skycore's addPassData), pass data that was deleted
 * while its pass stays valid, recipients a pass is locked to, and the barcode-message lookup of
 * Passdock's `passes/search?code=`. Passes that exist already were issued when they were created.
 */
export class Migration20261122100000PassDataAndRecipients extends Migration {
  override up(): void {
    for (const statement of isPostgres(this.driver.getPlatform()) ? POSTGRESQL : SQLITE) this.addSql(statement);
  }
}

const SQLITE = [
  'alter table "pass_templates" add column "recipient_required" integer not null default false',
  'alter table "passes" add column "recipient" json null',
  'alter table "passes" add column "issued_at" datetime null',
  'alter table "passes" add column "pass_data_deleted_at" datetime null',
  'update "passes" set "issued_at" = "created_at"',
  'create index "passes_account_id_barcode_message_index" on "passes" ("account_id", "barcode_message")',
];

const POSTGRESQL = [
  'alter table "pass_templates" add column "recipient_required" boolean not null default false',
  'alter table "passes" add column "recipient" json null',
  'alter table "passes" add column "issued_at" timestamptz(3) null',
  'alter table "passes" add column "pass_data_deleted_at" timestamptz(3) null',
  'update "passes" set "issued_at" = "created_at"',
  'create index "passes_account_id_barcode_message_index" on "passes" ("account_id", "barcode_message")',
];
