import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadAppConfig } from '../../src/config/app-config';

/**
 * Configuration for a service under test: its own certs folder and database. PostgreSQL when
 * TEST_DATABASE_URL is set, else a fresh SQLite file.
 */
export function testAppConfig(overrides: NodeJS.ProcessEnv = {}): { config: AppConfig; env: NodeJS.ProcessEnv; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'passgate-e2e-'));
  const env: NodeJS.ProcessEnv = {
    PORT: '0',
    PUBLIC_BASE_URL: 'https://passes.test',
    DATABASE_URL: process.env.TEST_DATABASE_URL ?? `sqlite:${join(dir, 'passgate.sqlite')}`,
    CERTS_DIR: join(dir, 'certs'),
    LOG_LEVEL: 'silent',
    ...overrides,
  };
  return { config: loadAppConfig(env, dir), env, dir };
}
