import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from './platform';

/**
 * Signed packages kept in the database, one per pass, so that a restarted or another instance
 * serves a pass version without signing it again. Rows go with their pass.
 */
export class Migration20261122120000PassPackageCache extends Migration {
  override up(): void {
    for (const statement of isPostgres(this.driver.getPlatform()) ? POSTGRESQL : SQLITE) this.addSql(statement);
  }
}

const SQLITE = [
  `create table "pass_packages" (
    "pass_id" integer not null,
    "cache_key" text not null,
    "bytes" blob not null,
    "created_at" datetime not null,
    constraint "pass_packages_pass_id_foreign" foreign key("pass_id") references "passes"("id") on delete cascade on update cascade,
    primary key ("pass_id")
  )`,
  // Redundant with the primary key, but MikroORM's SQLite mapping indexes every foreign key and
  // would otherwise put this index in the next generated migration.
  'create index "pass_packages_pass_id_index" on "pass_packages" ("pass_id")',
];

const POSTGRESQL = [
  `create table "pass_packages" (
    "pass_id" int not null,
    "cache_key" text not null,
    "bytes" bytea not null,
    "created_at" timestamptz(3) not null,
    constraint "pass_packages_pkey" primary key ("pass_id")
  )`,
  'alter table "pass_packages" add constraint "pass_packages_pass_id_foreign" foreign key ("pass_id") references "passes" ("id") on update cascade on delete cascade',
];
