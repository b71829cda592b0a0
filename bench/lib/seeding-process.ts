import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { InstalledDevice } from './installed-passes';

/** Argument that makes this file, forked, the seeding process. */
const SEED_FLAG = '--seed-installed-passes';

interface SeedOrder {
  databaseUrl: string;
  templateId: number;
  count: number;
  devicesFile: string;
}

/**
 * `seedInstalledPasses` in a process of its own, on the database a service already migrated and
 * holds open (SQLite in WAL mode, or its PostgreSQL schema by the URL's `?schema=`). Ten thousand
 * passes through MikroORM's unit of work grow a V8 heap by a hundred megabytes or more, and V8
 * keeps what it grew; in the service's process that would count towards the service's peak RSS,
 * for rows a real service writes over days, one request at a time.
 */
export async function seedInstalledPassesElsewhere(databaseUrl: string, templateId: number, count: number, devicesFile: string): Promise<InstalledDevice[]> {
  const order: SeedOrder = { databaseUrl, templateId, count, devicesFile };
  const child = fork(__filename, [SEED_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
    child.send(order);
  });
  if (code !== 0) throw new Error(`seeding ${count} installed passes failed (the seeding process exited with code ${code})`);
  return JSON.parse(readFileSync(devicesFile, 'utf8')) as InstalledDevice[];
}

async function seedingProcess(order: SeedOrder): Promise<void> {
  const { MikroORM } = await import('@mikro-orm/core');
  const { createMikroOrmOptions } = await import('../../src/adapters/outbound/persistence/mikro-orm.config');
  const { MikroOrmPassTemplateRepository } = await import('../../src/adapters/outbound/persistence/mikro-orm-pass-template.repository');
  const { seedInstalledPasses } = await import('./installed-passes');
  const orm = await MikroORM.init(createMikroOrmOptions(order.databaseUrl));
  try {
    const template = await new MikroOrmPassTemplateRepository(orm).findById(order.templateId);
    if (template === null) throw new Error(`template ${order.templateId} is not in the database`);
    writeFileSync(order.devicesFile, JSON.stringify(await seedInstalledPasses(orm, template, order.count)));
  } finally {
    await orm.close(true);
  }
}

if (require.main === module && process.argv[2] === SEED_FLAG) {
  process.once('message', (order: SeedOrder) => {
    seedingProcess(order).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
