import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { BenchContext } from './scenario';

/**
 * The environment of a real service started in a case's process (as the passdock-api scenario
 * starts one): its own database (a SQLite file in the run's folder, or a schema of its own on
 * PostgreSQL when DATABASE_URL says so, to be dropped with `dropServiceSchema`), CERTS_DIR with
 * the run's signer, request logging off. `extra` adds or overrides variables (PUSH_MODE, APNS_*).
 */
export function serviceEnvironment(
  name: string,
  context: BenchContext,
  extra: NodeJS.ProcessEnv = {},
): { env: NodeJS.ProcessEnv; schema: string | null } {
  const certsDir = join(context.workDir, `${name}-certs`);
  mkdirSync(certsDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(certsDir, 'wwdr.pem'), context.material.wwdrCertificatePem);
  writeFileSync(join(certsDir, 'signer-cert.pem'), context.material.certificatePem);
  writeFileSync(join(certsDir, 'signer-key.pem'), context.material.privateKeyPem, { mode: 0o600 });
  let databaseUrl = `sqlite:${join(context.workDir, `${name}.sqlite`)}`;
  let schema: string | null = null;
  if (context.postgresUrl !== null) {
    schema = `passgate_bench_${name}`;
    const url = new URL(context.postgresUrl);
    url.searchParams.set('schema', schema);
    databaseUrl = url.toString();
  }
  return {
    schema,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: 'http://127.0.0.1',
      DATABASE_URL: databaseUrl,
      CERTS_DIR: certsDir,
      // Request logging off: the figure is the service's, not a terminal's; errors still show.
      LOG_LEVEL: 'error',
      PUSH_MODE: 'log',
      ...extra,
    },
  };
}

export async function dropServiceSchema(postgresUrl: string, schema: string): Promise<void> {
  const { MikroORM } = await import('@mikro-orm/core');
  const { createMikroOrmOptions } = await import('../../src/adapters/outbound/persistence/mikro-orm.config');
  const orm = await MikroORM.init({ ...createMikroOrmOptions(postgresUrl), migrations: { silent: true } });
  try {
    await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
  } finally {
    await orm.close(true);
  }
}

/**
 * An account through the CLI's use case, and the seed's boarding-pass template (icon and logo
 * with @2x, as in the packager scenario) on the pass type the service made of CERTS_DIR.
 */
export async function seedAccountAndTemplate(app: NestFastifyApplication, context: BenchContext) {
  const { MikroORM } = await import('@mikro-orm/core');
  const { CreateAccount } = await import('../../src/application/create-account.use-case');
  const { MikroOrmPassTypeRepository } = await import('../../src/adapters/outbound/persistence/mikro-orm-pass-type.repository');
  const { MikroOrmPassTemplateRepository } = await import('../../src/adapters/outbound/persistence/mikro-orm-pass-template.repository');
  const { ConfiguredPassTypeInitializer } = await import('../../src/configured-pass-type.initializer');
  const { benchPassType, seedTemplate } = await import('./seed-pass');
  const { account, apiKey } = await app.get(CreateAccount).execute('Bench');
  const orm = app.get(MikroORM);
  const passType =
    app.get(ConfiguredPassTypeInitializer).passType ?? (await new MikroOrmPassTypeRepository(orm).add(benchPassType(context.material, account.id)));
  const template = await new MikroOrmPassTemplateRepository(orm).add(seedTemplate(account.id, passType.id));
  return { orm, apiKey, template, passType };
}
