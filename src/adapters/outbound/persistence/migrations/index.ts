import type { MigrationObject } from '@mikro-orm/core';
import { Migration20260101000000Initial } from './Migration20260101000000Initial';
import { Migration20261122100000PassDataAndRecipients } from './Migration20261122100000PassDataAndRecipients';
import { Migration20261122120000PassPackageCache } from './Migration20261122120000PassPackageCache';
import { Migration20261122220000WalletWebService } from './Migration20261122220000WalletWebService';
import { Migration20261122230000Personalization } from './Migration20261122230000Personalization';
import { Migration20261205100000PassPackageStorage } from './Migration20261205100000PassPackageStorage';
import { Migration20261205170000PassPackageFiles } from './Migration20261205170000PassPackageFiles';
import { Migration20261205223000PassPackageInline } from './Migration20261205223000PassPackageInline';

/**
 * Every migration, in order. Listed by import rather than found by path, so the same list works
 * under ts-jest/swc and in `dist/`. `npm run migration:create` writes new files to this folder;
 * add each one here.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20260101000000Initial', class: Migration20260101000000Initial },
  { name: 'Migration20261122100000PassDataAndRecipients', class: Migration20261122100000PassDataAndRecipients },
  { name: 'Migration20261122120000PassPackageCache', class: Migration20261122120000PassPackageCache },
  { name: 'Migration20261122220000WalletWebService', class: Migration20261122220000WalletWebService },
  { name: 'Migration20261122230000Personalization', class: Migration20261122230000Personalization },
  { name: 'Migration20261205100000PassPackageStorage', class: Migration20261205100000PassPackageStorage },
  { name: 'Migration20261205170000PassPackageFiles', class: Migration20261205170000PassPackageFiles },
  { name: 'Migration20261205223000PassPackageInline', class: Migration20261205223000PassPackageInline },
];
