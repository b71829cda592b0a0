import { migrationsList } from '../../../../src/adapters/outbound/persistence/migrations';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DatabaseHealth } from '../../../../src/adapters/outbound/persistence/database-health';
import { MikroOrmPassRepository } from '../../../../src/adapters/outbound/persistence/mikro-orm-pass.repository';
import { PersistenceModule } from '../../../../src/adapters/outbound/persistence/persistence.module';
import { loadAppConfig } from '../../../../src/config/app-config';
import { ConfigModule } from '../../../../src/config/config.module';
import { AccountRepository } from '../../../../src/domain/ports/account.repository';
import { DeviceRegistrationRepository } from '../../../../src/domain/ports/device-registration.repository';
import { PassTemplateRepository } from '../../../../src/domain/ports/pass-template.repository';
import { PassTypeRepository } from '../../../../src/domain/ports/pass-type.repository';
import { PassRepository } from '../../../../src/domain/ports/pass.repository';
import { anAccount } from '../../../support/builders';

async function appFor(databaseUrl: string): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(loadAppConfig({ DATABASE_URL: databaseUrl })), PersistenceModule],
  }).compile();
  return moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
}

describe('PersistenceModule', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'passgate-module-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('migrates a new SQLite database at start (creating its folder) and binds every port, on Fastify', async () => {
    const app = await appFor(`sqlite:${join(directory, 'nested', 'folder', 'passgate.sqlite')}`);
    await app.init();
    try {
      expect(app.get(PassRepository)).toBeInstanceOf(MikroOrmPassRepository);
      for (const port of [AccountRepository, PassTypeRepository, PassTemplateRepository, DeviceRegistrationRepository]) {
        expect(app.get(port)).toBeDefined();
      }
      const accounts = app.get(AccountRepository);
      const account = await accounts.add(anAccount('Through Nest').account);
      expect((await accounts.findById(account.id))?.name).toBe('Through Nest');
      expect(await app.get(DatabaseHealth).check()).toBe(true);
      const executed = await app.get(MikroORM).getMigrator().getExecutedMigrations();
      expect(executed.map((migration) => migration.name)).toEqual(migrationsList.map((migration) => migration.name));
    } finally {
      await app.close();
    }
  });

  it('keeps its data and migrations over a restart', async () => {
    const url = `sqlite:${join(directory, 'passgate.sqlite')}`;
    const first = await appFor(url);
    await first.init();
    const id = (await first.get(AccountRepository).add(anAccount('Persistent').account)).id;
    await first.close();

    const second = await appFor(url);
    await second.init();
    try {
      expect((await second.get(AccountRepository).findById(id))?.name).toBe('Persistent');
    } finally {
      await second.close();
    }
  });

  it('reports the database as down once it cannot answer, without throwing', async () => {
    const app = await appFor(`sqlite:${join(directory, 'passgate.sqlite')}`);
    await app.init();
    const health = app.get(DatabaseHealth);
    await app.get(MikroORM).close(true);
    await expect(health.check()).resolves.toBe(false);
    await app.close();
  });

  it('fails start-up with a readable message, without the password, when PostgreSQL is out of reach', async () => {
    const app = await appFor('postgres://passgate:s3cret-pw@127.0.0.1:1/passgate');
    const failure = await app.init().then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toBe('Cannot connect to the database at postgres://passgate:***@127.0.0.1:1/passgate: ECONNREFUSED');
    expect(failure?.message).not.toContain('s3cret-pw');
    await app.close().catch(() => undefined);
  });
});
