import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from './platform';

/**
 * Rewards enrollment on templates: the `personalization.json` offer and the pass.json `nfc`
 * dictionary. Existing templates offer neither.
 */
export class Migration20261122230000Personalization extends Migration {
  override up(): void {
    for (const statement of isPostgres(this.driver.getPlatform()) ? POSTGRESQL : SQLITE) this.addSql(statement);
  }
}

const SQLITE = [
  'alter table "pass_templates" add column "personalization" json null',
  'alter table "pass_templates" add column "nfc" json null',
];

const POSTGRESQL = [
  'alter table "pass_templates" add column "personalization" json null',
  'alter table "pass_templates" add column "nfc" json null',
];
