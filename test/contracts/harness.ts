import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { migrateDatabase } from '../../src/adapters/outbound/persistence/migrate';
import { createMikroOrmOptions } from '../../src/adapters/outbound/persistence/mikro-orm.config';
import { MikroOrmAccountRepository } from '../../src/adapters/outbound/persistence/mikro-orm-account.repository';
import { MikroOrmDeviceRegistrationRepository } from '../../src/adapters/outbound/persistence/mikro-orm-device-registration.repository';
import { MikroOrmPassTemplateRepository } from '../../src/adapters/outbound/persistence/mikro-orm-pass-template.repository';
import { MikroOrmPassTypeRepository } from '../../src/adapters/outbound/persistence/mikro-orm-pass-type.repository';
import { MikroOrmPassRepository } from '../../src/adapters/outbound/persistence/mikro-orm-pass.repository';
import { MikroOrmPushJobRepository } from '../../src/adapters/outbound/persistence/mikro-orm-push-job.repository';
import { MikroOrmUnitOfWork } from '../../src/adapters/outbound/persistence/mikro-orm.unit-of-work';
import { MikroOrmWalletPassIndex } from '../../src/adapters/outbound/persistence/mikro-orm-wallet-pass.index';
import type { AccountRepository } from '../../src/domain/ports/account.repository';
import type { DeviceRegistrationRepository } from '../../src/domain/ports/device-registration.repository';
import type { PassTemplateRepository } from '../../src/domain/ports/pass-template.repository';
import type { PassTypeRepository } from '../../src/domain/ports/pass-type.repository';
import type { PassRepository } from '../../src/domain/ports/pass.repository';
import type { PushJobRepository } from '../../src/domain/ports/push-job.repository';
import type { UnitOfWork } from '../../src/domain/ports/unit-of-work';
import type { WalletPassIndex } from '../../src/domain/ports/wallet-pass-index';
import { InMemoryAccountRepository } from '../fakes/in-memory-account.repository';
import { InMemoryDeviceRegistrationRepository } from '../fakes/in-memory-device-registration.repository';
import { InMemoryPassTemplateRepository } from '../fakes/in-memory-pass-template.repository';
import { InMemoryPassTypeRepository } from '../fakes/in-memory-pass-type.repository';
import { InMemoryPassRepository } from '../fakes/in-memory-pass.repository';
import { InMemoryPushJobRepository } from '../fakes/in-memory-push-job.repository';
import { InMemoryUnitOfWork } from '../fakes/in-memory-unit-of-work';
import { InMemoryWalletPassIndex } from '../fakes/in-memory-wallet-pass.index';

/**
 * The ports over one store, as the contracts need them together (a pass needs its template...),
 * and the unit of work that makes calls on them one transaction.
 */
export interface Repositories {
  accounts: AccountRepository;
  passTypes: PassTypeRepository;
  templates: PassTemplateRepository;
  passes: PassRepository;
  registrations: DeviceRegistrationRepository;
  pushJobs: PushJobRepository;
  walletPasses: WalletPassIndex;
  /** The fake's runs the work as it is: only the databases roll back. */
  unitOfWork: UnitOfWork;
}

export interface RepositoryHarness {
  repos: Repositories;
  /** Set for the MikroORM implementations. */
  orm?: MikroORM;
  teardown(): Promise<void>;
}

export type HarnessSetup = () => Promise<RepositoryHarness>;

export function inMemoryRepositories(): Repositories {
  const passTypes = new InMemoryPassTypeRepository();
  const registrations = new InMemoryDeviceRegistrationRepository(passTypes);
  const passes = new InMemoryPassRepository(registrations);
  const templates = new InMemoryPassTemplateRepository(passes);
  return {
    accounts: new InMemoryAccountRepository(),
    passTypes,
    templates,
    passes,
    registrations,
    pushJobs: new InMemoryPushJobRepository(registrations, passes),
    walletPasses: new InMemoryWalletPassIndex(passTypes, passes, templates),
    unitOfWork: new InMemoryUnitOfWork(),
  };
}

export function mikroOrmRepositories(orm: MikroORM): Repositories {
  return {
    accounts: new MikroOrmAccountRepository(orm),
    passTypes: new MikroOrmPassTypeRepository(orm),
    templates: new MikroOrmPassTemplateRepository(orm),
    passes: new MikroOrmPassRepository(orm),
    registrations: new MikroOrmDeviceRegistrationRepository(orm),
    pushJobs: new MikroOrmPushJobRepository(orm),
    walletPasses: new MikroOrmWalletPassIndex(orm),
    unitOfWork: new MikroOrmUnitOfWork(orm),
  };
}

export const inMemory: HarnessSetup = async () => ({ repos: inMemoryRepositories(), teardown: async () => {} });

/** The application's options, with the migrator's progress lines kept out of the test output. */
function quietOptions(databaseUrl: string, schema?: string): Options {
  const options = createMikroOrmOptions(databaseUrl, { schema });
  return { ...options, migrations: { ...options.migrations, silent: true } };
}

/** A fresh SQLite file per call, migrated through the code path the application uses. */
export const sqlite: HarnessSetup = async () => {
  const directory = mkdtempSync(join(tmpdir(), 'passgate-contract-'));
  const databaseUrl = `sqlite:${join(directory, 'passgate.sqlite')}`;
  const orm = await MikroORM.init(quietOptions(databaseUrl));
  await migrateDatabase(orm, databaseUrl);
  return {
    repos: mikroOrmRepositories(orm),
    orm,
    teardown: async () => {
      await orm.close(true);
      rmSync(directory, { recursive: true, force: true });
    },
  };
};

let schemaCounter = 0;

/**
 * A fresh PostgreSQL schema per call: jest runs files in parallel workers against one database,
 * so each harness migrates its own schema and drops it afterwards.
 */
export function postgres(databaseUrl: string): HarnessSetup {
  return async () => {
    schemaCounter += 1;
    const schema = `passgate_test_${process.pid}_${schemaCounter}_${Math.random().toString(36).slice(2, 8)}`;
    const orm = await MikroORM.init(quietOptions(databaseUrl, schema));
    try {
      const check = await orm.checkConnection();
      if (check.ok) await orm.em.getConnection().execute(`create schema "${schema}"`);
      await migrateDatabase(orm, databaseUrl);
    } catch (error) {
      await orm.close(true);
      throw error;
    }
    return {
      repos: mikroOrmRepositories(orm),
      orm,
      teardown: async () => {
        try {
          await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
        } finally {
          await orm.close(true);
        }
      },
    };
  };
}

/**
 * Every implementation a contract runs against. PostgreSQL only when TEST_DATABASE_URL is set; once
 * set, an unreachable server fails the run rather than skipping it.
 */
export function implementations(): Array<[string, HarnessSetup | null]> {
  const postgresUrl = process.env.TEST_DATABASE_URL;
  return [
    ['in-memory fake', inMemory],
    ['MikroORM on SQLite', sqlite],
    ['MikroORM on PostgreSQL', postgresUrl ? postgres(postgresUrl) : null],
  ];
}

/**
 * Declares `contract` for each implementation; an implementation without a setup (PostgreSQL
 * without TEST_DATABASE_URL) shows up as skipped.
 */
export function runContract(
  contract: (name: string, setup: HarnessSetup) => void,
  implementationsToRun = implementations(),
): void {
  for (const [name, setup] of implementationsToRun) {
    if (setup === null) {
      describe.skip(`${name} (set TEST_DATABASE_URL to run)`, () => {
        it('is skipped', () => undefined);
      });
      continue;
    }
    contract(name, setup);
  }
}

/** A plain, comparable picture of a domain object: dates as ISO text (ms), bytes as hex, classes as plain objects. */
export function snapshot(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  if (value instanceof Date) return { date: value.toISOString() };
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  if (Array.isArray(value)) return value.map(snapshot);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, snapshot(inner)]));
}
