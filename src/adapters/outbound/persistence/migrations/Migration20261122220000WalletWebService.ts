import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from './platform';

/**
 * What the Wallet web service and update pushes keep: passes deleted for their account but still
 * served void to the devices holding them, personalization answers, each version's whole-second
 * Last-Modified and its place in its pass type's change sequence, the per-pass-type counters, and
 * the durable push queue. Existing passes start at change 0 with Last-Modified = their version
 * time truncated to the second.
 */
export class Migration20261122220000WalletWebService extends Migration {
  override up(): void {
    for (const statement of isPostgres(this.driver.getPlatform()) ? POSTGRESQL : SQLITE) this.addSql(statement);
  }
}

const SQLITE = [
  'alter table "passes" add column "deleted_at" datetime null',
  'alter table "passes" add column "personalization" json null',
  'alter table "passes" add column "last_modified" datetime null',
  'alter table "passes" add column "change_sequence" integer not null default 0',
  'update "passes" set "last_modified" = ("updated_at" / 1000) * 1000',
  `create table "pass_change_sequences" (
    "pass_type_id" integer not null,
    "last_value" integer not null,
    constraint "pass_change_sequences_pass_type_id_foreign" foreign key("pass_type_id") references "pass_types"("id") on delete cascade on update cascade,
    primary key ("pass_type_id")
  )`,
  'create index "pass_change_sequences_pass_type_id_index" on "pass_change_sequences" ("pass_type_id")',
  `create table "push_jobs" (
    "id" integer not null primary key autoincrement,
    "device_library_identifier" text not null,
    "pass_type_id" integer not null,
    "state" text not null,
    "attempts" integer not null,
    "due_at" datetime not null,
    "created_at" datetime not null,
    "finished_at" datetime null,
    "last_status" integer null,
    "last_reason" text null,
    constraint "push_jobs_pass_type_id_foreign" foreign key("pass_type_id") references "pass_types"("id") on delete cascade on update cascade
  )`,
  'create index "push_jobs_pass_type_id_index" on "push_jobs" ("pass_type_id")',
  'create index "push_jobs_state_due_at_index" on "push_jobs" ("state", "due_at")',
  `create unique index "push_jobs_waiting_unique" on "push_jobs" ("device_library_identifier", "pass_type_id") where "state" = 'waiting'`,
];

const POSTGRESQL = [
  'alter table "passes" add column "deleted_at" timestamptz(3) null',
  'alter table "passes" add column "personalization" json null',
  'alter table "passes" add column "last_modified" timestamptz(3) null',
  'alter table "passes" add column "change_sequence" int not null default 0',
  `update "passes" set "last_modified" = date_trunc('second', "updated_at")`,
  `create table "pass_change_sequences" (
    "pass_type_id" int not null,
    "last_value" int not null,
    constraint "pass_change_sequences_pkey" primary key ("pass_type_id")
  )`,
  'alter table "pass_change_sequences" add constraint "pass_change_sequences_pass_type_id_foreign" foreign key ("pass_type_id") references "pass_types" ("id") on update cascade on delete cascade',
  `create table "push_jobs" (
    "id" serial primary key,
    "device_library_identifier" text not null,
    "pass_type_id" int not null,
    "state" text not null,
    "attempts" int not null,
    "due_at" timestamptz(3) not null,
    "created_at" timestamptz(3) not null,
    "finished_at" timestamptz(3) null,
    "last_status" int null,
    "last_reason" text null
  )`,
  'alter table "push_jobs" add constraint "push_jobs_pass_type_id_foreign" foreign key ("pass_type_id") references "pass_types" ("id") on update cascade on delete cascade',
  'create index "push_jobs_pass_type_id_index" on "push_jobs" ("pass_type_id")',
  'create index "push_jobs_state_due_at_index" on "push_jobs" ("state", "due_at")',
  `create unique index "push_jobs_waiting_unique" on "push_jobs" ("device_library_identifier", "pass_type_id") where "state" = 'waiting'`,
];
