import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { CachingPassPackager, MAX_PENDING_WRITES } from '../../src/adapters/outbound/package-cache/caching-pass.packager';
import { MikroOrmPassPackageStore } from '../../src/adapters/outbound/package-cache/mikro-orm-pass-package.store';
import { MikroOrmAccountRepository } from '../../src/adapters/outbound/persistence/mikro-orm-account.repository';
import { MikroOrmPassTemplateRepository } from '../../src/adapters/outbound/persistence/mikro-orm-pass-template.repository';
import { MikroOrmPassTypeRepository } from '../../src/adapters/outbound/persistence/mikro-orm-pass-type.repository';
import { MikroOrmPassRepository } from '../../src/adapters/outbound/persistence/mikro-orm-pass.repository';
import { NodeCryptoPassPackager } from '../../src/adapters/outbound/signing/node-crypto-pass.packager';
import { loadAppConfig } from '../../src/config/app-config';
import { Account } from '../../src/domain/account';
import type { PackageInput } from '../../src/domain/ports/pass-packager';
import { openBenchDatabase } from '../lib/database';
import { timedPhase } from '../lib/probes';
import type { BenchContext, CaseResult, Figure, Metrics, Scenario } from '../lib/scenario';
import { benchPassType, seedPass, seedTemplate } from '../lib/seed-pass';

const CONCURRENCY = 8;
const WARM_UP = 200;
/**
 * A memory tier that holds every package of the scenario (1,000 of 28 KiB), so that "from memory"
 * measures the tier rather than its size: with the service's default (PACKAGE_CACHE_MAX_BYTES,
 * 16 MiB) a round over 1,000 passes would find each evicted by the time it comes round again.
 */
const MEMORY_TIER_BYTES = 48 * 1024 * 1024;

/**
 * The package cache in front of the default packager, over the database (SQLite, or PostgreSQL
 * when DATABASE_URL says so): the first request of each pass version signs and stores, later ones
 * come from memory, and a fresh process (a restart, another instance) reads the database instead
 * of signing again.
 */
export const packageCacheScenario: Scenario = {
  name: 'package-cache',
  title: 'Package cache (default packager behind memory and database tiers)',
  cases: ['tiers'],

  async run(_caseName: string, context: BenchContext): Promise<Metrics> {
    Logger.overrideLogger(['error']);
    const database = await openBenchDatabase(context, 'package_cache');
    try {
      const { orm } = database;
      const passCount = context.quick ? 100 : 1000;
      const account = await new MikroOrmAccountRepository(orm).add(Account.create('Bench', new Date()).account);
      const passType = await new MikroOrmPassTypeRepository(orm).add(benchPassType(context.material, account.id));
      const template = await new MikroOrmPassTemplateRepository(orm).add(seedTemplate(account.id, passType.id));
      const passes = new MikroOrmPassRepository(orm);
      const inputs: PackageInput[] = [];
      const warmUp: PackageInput[] = [];
      for (let index = 0; index < passCount + WARM_UP; index++) {
        (index < passCount ? inputs : warmUp).push({ pass: await passes.add(seedPass(template, index)), template, passType });
      }

      const config = loadAppConfig({ PUBLIC_BASE_URL: 'https://passes.bench.test' }, context.workDir);
      const store = new MikroOrmPassPackageStore(orm);
      const options = { maxBytes: MEMORY_TIER_BYTES, webServiceUrl: config.webServiceUrl };
      const first = new CachingPassPackager(new NodeCryptoPassPackager(config), store, options);
      const all = { durationMs: 0, concurrency: CONCURRENCY, minCount: passCount, maxCount: passCount };
      // Warm-up on passes of their own: JIT, the signer's parsed material, the database connections.
      const warming = new CachingPassPackager(new NodeCryptoPassPackager(config), store, options);
      await timedPhase((index) => warming.package(warmUp[index]), { ...all, minCount: WARM_UP, maxCount: WARM_UP });
      const rereading = new CachingPassPackager(new NodeCryptoPassPackager(config), store, options);
      await timedPhase((index) => rereading.package(warmUp[index]), { ...all, minCount: WARM_UP, maxCount: WARM_UP });

      const signAndStore = await timedPhase((index) => first.package(inputs[index]), all);
      // Packages are served before they are stored; the phase ends when the database has them all.
      const drainStart = performance.now();
      await first.whenStored();
      const signAndStoreMs = signAndStore.wallMs + (performance.now() - drainStart);
      const memory = await timedPhase((index) => first.package(inputs[index % passCount]), {
        durationMs: context.durationMs,
        concurrency: CONCURRENCY,
      });
      const restarted = new CachingPassPackager(new NodeCryptoPassPackager(config), store, options);
      const fromDatabase = await timedPhase((index) => restarted.package(inputs[index]), all);

      const perSecond = (stats: { count: number; wallMs: number }) => (stats.count * 1000) / stats.wallMs;
      return {
        passes: passCount,
        signAndStorePerSecond: (passCount * 1000) / signAndStoreMs,
        skippedWrites: first.storeWrites.skipped,
        memoryHitsPerSecond: perSecond(memory),
        databaseHitsPerSecond: perSecond(fromDatabase),
        eventLoopMaxMs: Math.max(signAndStore.eventLoopMaxMs, memory.eventLoopMaxMs, fromDatabase.eventLoopMaxMs),
        signAndStoreEventLoopMaxMs: signAndStore.eventLoopMaxMs,
        memoryEventLoopMaxMs: memory.eventLoopMaxMs,
        databaseEventLoopMaxMs: fromDatabase.eventLoopMaxMs,
        memoryBytes: first.memoryUsage.bytes,
        postgres: context.postgresUrl === null ? 0 : 1,
      };
    } finally {
      await database.close();
    }
  },

  figures(results: Record<string, CaseResult>): Figure[] {
    const tiers = results.tiers.metrics;
    const database = tiers.postgres ? 'PostgreSQL' : 'SQLite';
    return [
      {
        figure: `first request of a pass version: sign and store (${database})`,
        unit: 'passes/s',
        value: tiers.signAndStorePerSecond,
        note: `${tiers.passes} passes, ${CONCURRENCY} in flight, until the database has them all; ${tiers.skippedWrites} writes left out (more than ${MAX_PENDING_WRITES} under way)`,
      },
      {
        figure: 'cached package from memory',
        unit: 'passes/s',
        value: tiers.memoryHitsPerSecond,
        note: `a memory tier of ${MEMORY_TIER_BYTES / 1024 / 1024} MiB, which holds all ${tiers.passes} (the service's default is smaller: PACKAGE_CACHE_MAX_BYTES)`,
      },
      {
        figure: `cached package from ${database} after a restart (no signing)`,
        unit: 'passes/s',
        value: tiers.databaseHitsPerSecond,
      },
      {
        figure: 'longest event-loop block, package cache',
        unit: 'ms',
        value: tiers.eventLoopMaxMs,
        target: { text: '≤ 10 ms', met: tiers.eventLoopMaxMs <= 10 },
        note: `largest of sign and store ${tiers.signAndStoreEventLoopMaxMs.toFixed(1)} ms, memory ${tiers.memoryEventLoopMaxMs.toFixed(1)} ms, database ${tiers.databaseEventLoopMaxMs.toFixed(1)} ms`,
      },
      {
        figure: 'peak RSS, package cache',
        unit: 'MB',
        value: results.tiers.peakRssMb,
        target: { text: '≤ 400 MB', met: results.tiers.peakRssMb <= 400 },
        note: `${(tiers.memoryBytes / 1024 / 1024).toFixed(1)} MB of packages held in memory`,
      },
    ];
  },
};
