import type { Platform } from '@mikro-orm/core';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';

/** Migrations hold SQL per platform: SQLite for the embedded default, PostgreSQL for production. */
export function isPostgres(platform: Platform): boolean {
  return platform instanceof PostgreSqlPlatform;
}
