import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from './platform';

/**
 * On PostgreSQL, stored packages out of line and uncompressed. A bytea value over 2 KB is first
 * run through pglz by the default storage (EXTENDED); a package is mostly PNGs, which do not
 * compress, so each insert spent 440-640 µs of the server's CPU, against 170-190 µs without the
 * attempt, for the same size on disk (2,000 inserts of a 27 KiB package each way, this machine).
 * SQLite never compresses: nothing to do there.
 * @see https://www.postgresql.org/docs/current/storage-toast.html
 */
export class Migration20261205100000PassPackageStorage extends Migration {
  override up(): void {
    if (isPostgres(this.driver.getPlatform())) this.addSql('alter table "pass_packages" alter column "bytes" set storage external');
  }
}
