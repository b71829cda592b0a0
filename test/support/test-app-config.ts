import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { createMikroOrmOptions } from '../../src/adapters/outbound/persistence/mikro-orm.config';
import { AppConfig, loadAppConfig } from '../../src/config/app-config';

/**
 * Configuration for a service under test: its own certs folder and database. PostgreSQL when
 * TEST_DATABASE_URL is set (in a schema of its own, created by the migrations), else a fresh
 * SQLite file.
 */
export function testAppConfig(overrides: NodeJS.ProcessEnv = {}): { config: AppConfig; env: NodeJS.ProcessEnv; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'passgate-e2e-'));
  const env: NodeJS.ProcessEnv = {
    PORT: '0',
    PUBLIC_BASE_URL: 'https://passes.test',
    DATABASE_URL: process.env.TEST_DATABASE_URL
      ? withSchema(process.env.TEST_DATABASE_URL, `passgate_e2e_${basename(dir).slice('passgate-e2e-'.length)}`)
      : `sqlite:${join(dir, 'passgate.sqlite')}`,
    CERTS_DIR: join(dir, 'certs'),
    LOG_LEVEL: 'silent',
    ...overrides,
  };
  return { config: loadAppConfig(env, dir), env, dir };
}

function withSchema(databaseUrl: string, schema: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('schema', schema.toLowerCase());
  return url.toString();
}

/** Drops the PostgreSQL schema a test service used; nothing to do for SQLite files in the temp folder. */
export async function dropTestDatabase(env: NodeJS.ProcessEnv): Promise<void> {
  const databaseUrl = env.DATABASE_URL ?? '';
  if (!/^postgres(ql)?:/.test(databaseUrl)) return;
  const schema = new URL(databaseUrl).searchParams.get('schema');
  if (!schema) return;
  const orm = await MikroORM.init({ ...createMikroOrmOptions(databaseUrl), migrations: { silent: true } });
  try {
    await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
  } finally {
    await orm.close(true);
  }
}
