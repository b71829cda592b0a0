import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from './platform';

/**
 * Template files (images) that stored packages leave out and name by digest (compactPackage), one
 * row per file and template, deleted with the template. Rows in `pass_packages` stored before
 * this hold whole packages, which are read as they are. Uncompressed on PostgreSQL, like the
 * packages (Migration20261205100000PassPackageStorage): PNGs do not compress.
 */
export class Migration20261205170000PassPackageFiles extends Migration {
  override up(): void {
    for (const statement of isPostgres(this.driver.getPlatform()) ? POSTGRESQL : SQLITE) this.addSql(statement);
  }
}

const SQLITE = [
  `create table "pass_package_files" (
    "template_id" integer not null,
    "digest" text not null,
    "bytes" blob not null,
    "created_at" datetime not null,
    constraint "pass_package_files_template_id_foreign" foreign key("template_id") references "pass_templates"("id") on delete cascade on update cascade,
    primary key ("template_id", "digest")
  )`,
  // Redundant with the primary key, but MikroORM's SQLite mapping indexes every foreign key.
  'create index "pass_package_files_template_id_index" on "pass_package_files" ("template_id")',
];

const POSTGRESQL = [
  `create table "pass_package_files" (
    "template_id" int not null,
    "digest" text not null,
    "bytes" bytea not null,
    "created_at" timestamptz(3) not null,
    constraint "pass_package_files_pkey" primary key ("template_id", "digest")
  )`,
  'alter table "pass_package_files" add constraint "pass_package_files_template_id_foreign" foreign key ("template_id") references "pass_templates" ("id") on update cascade on delete cascade',
  'alter table "pass_package_files" alter column "bytes" set storage external',
];
