import { rootCertificates } from 'node:tls';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { Notification, Provider } from '@parse/node-apn';
import { SendPushes } from '../../src/application/send-pushes.use-case';
import { SystemClock } from '../../src/adapters/outbound/clock/system-clock';
import { MikroOrmAccountRepository } from '../../src/adapters/outbound/persistence/mikro-orm-account.repository';
import { MikroOrmDeviceRegistrationRepository } from '../../src/adapters/outbound/persistence/mikro-orm-device-registration.repository';
import { MikroOrmPassTemplateRepository } from '../../src/adapters/outbound/persistence/mikro-orm-pass-template.repository';
import { MikroOrmPassTypeRepository } from '../../src/adapters/outbound/persistence/mikro-orm-pass-type.repository';
import { MikroOrmPushJobRepository } from '../../src/adapters/outbound/persistence/mikro-orm-push-job.repository';
import { ApnsPassUpdateNotifier, EMPTY_DICTIONARY_PAYLOAD } from '../../src/adapters/outbound/push/apns-pass-update.notifier';
import { PUSH_BATCH_SIZE, PUSH_BATCHES_IN_FLIGHT, PushWorker } from '../../src/adapters/outbound/push/push-worker';
import { InProcessPendingPushesSignal } from '../../src/adapters/outbound/push/in-process-pending-pushes.signal';
import { loadAppConfig } from '../../src/config/app-config';
import { Account } from '../../src/domain/account';
import type { PassType } from '../../src/domain/pass-type';
import { PassUpdateNotifier } from '../../src/domain/ports/pass-update-notifier';
import type { PushResult } from '../../src/domain/push';
import { startStandInProcess, type StandInProcess, type StandInUsage } from '../lib/apns-stand-in-process';
import { startCpuProfile } from '../lib/cpu-profile';
import { openBenchDatabase } from '../lib/database';
import { benchPushToken, seedInstalledPasses } from '../lib/installed-passes';
import { caseNames, kindOf, median, roundsOf } from '../lib/rounds';
import type { BenchContext, CaseResult, Figure, Metrics, Scenario } from '../lib/scenario';
import { BENCH_PASS_TYPE_IDENTIFIER, benchPassType, seedTemplate } from '../lib/seed-pass';

const CASES = {
  fast: `ApnsPassUpdateNotifier, batches of ${PUSH_BATCH_SIZE} (PUSH_BATCH_SIZE) on one HTTP/2 connection`,
  stock: 'sequential `for … await provider.send(notification, token)` over @parse/node-apn',
} as const;

/** Alternating rounds of the notifier and the sequential loop; each figure is the median. */
const ROUNDS = 3;
/** Rounds of the durable path (seeding its registrations takes longer than the sends). */
const DURABLE_ROUNDS = 2;

/** Pushes per measured run of the notifier (and at most of the sequential loop, which stops at durationMs). */
function pushCount(context: BenchContext): number {
  return context.quick ? 5_000 : 20_000;
}

/** Queued jobs the durable path drains. */
function jobCount(context: BenchContext): number {
  return context.quick ? 2_000 : 10_000;
}

/**
 * node-apn's Notification with the body passgate sends (`{ }`, see EMPTY_DICTIONARY_PAYLOAD), so
 * the baseline puts the same bytes on the wire as the notifier.
 */
class EmptyDictionaryNotification extends Notification {
  compile(): string {
    return EMPTY_DICTIONARY_PAYLOAD;
  }
}

/**
 * Update pushes to a local HTTP/2 APNs stand-in that runs in a process of its own (its CPU is not
 * the client's). The client is the real ApnsPassUpdateNotifier: one node-apn Provider per
 * certificate, one `provider.send` per batch of PUSH_BATCH_SIZE tokens, batches one after the
 * other (the notifier's own rate). The baseline awaits each push before the next, the same
 * certificate against the same stand-in. The durable case is the push worker's whole path:
 * registrations in the database, one enqueue for the template's change, then
 * `PushWorker.sendWhileDue` (PUSH_BATCHES_IN_FLIGHT batches at a time, each claim with lease,
 * current push tokens, send, mark delivered) until the queue is empty.
 */
export const apnsFanoutScenario: Scenario = {
  name: 'apns-fanout',
  title: 'Update pushes to a local HTTP/2 APNs stand-in (stand-in in a process of its own)',
  cases: [...caseNames(ROUNDS), ...Array.from({ length: DURABLE_ROUNDS }, (_, index) => `durable#${index + 1}`)],

  async run(caseName: string, context: BenchContext): Promise<Metrics> {
    Logger.overrideLogger(['error']);
    const standIn = await startStandInProcess();
    try {
      const kind = caseName.split('#')[0];
      if (kind === 'durable') return await durablePath(context, standIn);
      return kindOf(caseName) === 'fast' ? await notifierBatches(context, standIn) : await sequentialLoop(context, standIn);
    } finally {
      await standIn.close();
    }
  },

  figures(results: Record<string, CaseResult>, context: BenchContext): Figure[] {
    const { fastRounds, stockRounds, fast, stock } = roundsOf(results);
    const durableRounds = Object.entries(results)
      .filter(([caseName]) => caseName.startsWith('durable#'))
      .map(([, result]) => result);
    const durable = (metric: string) => median(durableRounds.map((result) => result.metrics[metric]));
    const spread = (list: CaseResult[], metric: string, digits = 0) => list.map((result) => result.metrics[metric].toFixed(digits)).join(', ');
    const peak = (list: CaseResult[]) => Math.max(...list.map((result) => result.peakRssMb));
    const failures = [...fastRounds, ...stockRounds, ...durableRounds].reduce((sum, result) => sum + result.metrics.failures, 0);
    const standInBusy = (busy: number) =>
      busy >= 0.85 ? `the stand-in was busy ${(busy * 100).toFixed(0)}% of the time: it, not the client, sets the rate` : `stand-in busy ${(busy * 100).toFixed(0)}% of the time (not the bottleneck)`;
    const stockRate = stock('pushesPerSecond');
    const database = durableRounds[0]?.metrics.postgres ? 'PostgreSQL' : 'SQLite';
    return [
      {
        figure: `update pushes per second, notifier alone (${fast('pushes')} pushes in batches of ${PUSH_BATCH_SIZE})`,
        unit: 'pushes/s',
        value: fast('pushesPerSecond'),
        baseline: { label: CASES.stock, value: stockRate },
        target: { text: '≥ 10,000 per second', met: fast('pushesPerSecond') >= 10_000 },
        note:
          `${(fast('pushesPerSecond') / stockRate).toFixed(1)}× the baseline; rounds ${spread(fastRounds, 'pushesPerSecond')} (baseline ${spread(stockRounds, 'pushesPerSecond')}); ` +
          `client CPU ${fast('clientCpuUsPerPush').toFixed(0)} µs per push (baseline ${stock('clientCpuUsPerPush').toFixed(0)} µs); ` +
          `${standInBusy(fast('standInBusy'))}, ${fast('standInCpuUsPerPush').toFixed(0)} µs of its CPU per push (baseline ${stock('standInCpuUsPerPush').toFixed(0)} µs); ` +
          `the end-to-end tests' stand-in (test/support/apns-stand-in.ts), TLS, one HTTP/2 connection, 200 to every push; ${failures} failed pushes; median of ${ROUNDS} rounds` +
          (context.quick ? ' (quick: fewer pushes)' : ''),
      },
      {
        figure: `push jobs per second end to end: enqueue for a template, then the push worker until drained (${database})`,
        unit: 'jobs/s',
        value: durable('jobsPerSecond'),
        baseline: { label: `${CASES.stock} (no database)`, value: stockRate },
        target: { text: '≥ 10,000 per second', met: durable('jobsPerSecond') >= 10_000 },
        note:
          `${durable('jobs')} jobs (one per registered device), rounds ${spread(durableRounds, 'jobsPerSecond')}; PushWorker.sendWhileDue: batches of ${PUSH_BATCH_SIZE}, ${PUSH_BATCHES_IN_FLIGHT} in flight, each claim → send → mark delivered; ` +
          `the database alone (no push in flight) ${(durable('databaseShare') * 100).toFixed(0)}% of the wall time; ` +
          `enqueue (one INSERT … SELECT for all ${durable('jobs')}) ${durable('enqueueMs').toFixed(0)} ms; ${standInBusy(durable('standInBusy'))}; ` +
          `client CPU ${durable('clientCpuUsPerJob').toFixed(0)} µs per job; longest event-loop block ${Math.max(...durableRounds.map((result) => result.metrics.eventLoopMaxMs)).toFixed(0)} ms (the longest of ${durableRounds.length} rounds)`,
      },
      {
        figure: 'peak RSS, pushes: notifier alone / durable path',
        unit: 'MB',
        value: Math.max(peak(fastRounds), peak(durableRounds)),
        baseline: { label: CASES.stock, value: peak(stockRounds) },
        target: { text: '≤ 400 MB', met: Math.max(peak(fastRounds), peak(durableRounds)) <= 400 },
        note: `notifier alone ${peak(fastRounds).toFixed(0)} MB, durable path ${peak(durableRounds).toFixed(0)} MB (its ${durable('jobs')} passes seeded in the same process); the stand-in's process is not counted`,
      },
    ];
  },
};

function notifierConfig(context: BenchContext, standIn: StandInProcess) {
  return loadAppConfig(
    {
      PUBLIC_BASE_URL: 'https://passes.bench.test',
      PUSH_MODE: 'apns',
      APNS_HOST: standIn.host,
      APNS_PORT: String(standIn.port),
      APNS_CA_FILE: standIn.caFile,
    },
    context.workDir,
  );
}

/** What a measured phase cost: wall time, this process's CPU, the stand-in's pushes and CPU. */
async function measure<T>(name: string, standIn: StandInProcess, phase: () => Promise<T>) {
  const stopProfile = startCpuProfile(`apns-fanout-${name}`);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const standInBefore = await standIn.usage();
  const cpuBefore = process.cpuUsage();
  histogram.enable();
  const start = performance.now();
  const value = await phase();
  const wallMs = performance.now() - start;
  histogram.disable();
  const cpu = process.cpuUsage(cpuBefore);
  await stopProfile();
  const standInAfter = await standIn.usage();
  const delta: StandInUsage = {
    pushes: standInAfter.pushes - standInBefore.pushes,
    refused: standInAfter.refused - standInBefore.refused,
    cpuMs: standInAfter.cpuMs - standInBefore.cpuMs,
  };
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, standIn: delta, eventLoopMaxMs: histogram.max / 1e6 };
}

async function notifierBatches(context: BenchContext, standIn: StandInProcess): Promise<Metrics> {
  const notifier = new ApnsPassUpdateNotifier(notifierConfig(context, standIn));
  try {
    const passType = benchPassType(context.material);
    passType.id = 1;
    const count = pushCount(context);
    const tokens = Array.from({ length: count }, (_, index) => benchPushToken(index));
    // Warm-up: the TLS connection, JIT; not measured.
    for (let start = 0; start < 2_000; start += PUSH_BATCH_SIZE) await notifier.notify(passType, tokens.slice(start, start + PUSH_BATCH_SIZE));
    const phase = await measure(`notifier-${process.pid}`, standIn, async () => {
      let failures = 0;
      for (let start = 0; start < count; start += PUSH_BATCH_SIZE) {
        const results = await notifier.notify(passType, tokens.slice(start, start + PUSH_BATCH_SIZE));
        failures += results.filter((result) => result.outcome.kind !== 'delivered').length;
      }
      return failures;
    });
    if (phase.standIn.pushes !== count - phase.value) throw new Error(`stand-in answered ${phase.standIn.pushes} of ${count} pushes`);
    return pushMetrics(count, phase);
  } finally {
    await notifier.onModuleDestroy();
  }
}

async function sequentialLoop(context: BenchContext, standIn: StandInProcess): Promise<Metrics> {
  const provider = new Provider({
    cert: context.material.certificatePem,
    key: context.material.privateKeyPem,
    address: standIn.host,
    port: standIn.port,
    ca: [...rootCertificates, readFileSync(standIn.caFile, 'utf8')],
    connectionRetryLimit: 0,
  });
  try {
    const notification = new EmptyDictionaryNotification();
    notification.topic = BENCH_PASS_TYPE_IDENTIFIER;
    notification.expiry = Math.floor(Date.now() / 1000) + 7 * 24 * 3600;
    const count = pushCount(context);
    const tokens = Array.from({ length: count }, (_, index) => benchPushToken(index));
    for (const token of tokens.slice(0, 200)) await provider.send(notification, token);
    const phase = await measure(`sequential-${process.pid}`, standIn, async () => {
      const deadline = performance.now() + context.durationMs;
      let sent = 0;
      let failures = 0;
      for (const token of tokens) {
        const { failed } = await provider.send(notification, token);
        failures += failed.length;
        sent += 1;
        if (performance.now() >= deadline) break;
      }
      return { sent, failures };
    });
    return pushMetrics(phase.value.sent, { ...phase, value: phase.value.failures });
  } finally {
    await new Promise<void>((resolve) => provider.shutdown(resolve));
  }
}

function pushMetrics(
  pushes: number,
  phase: { value: number; wallMs: number; cpuMs: number; standIn: StandInUsage; eventLoopMaxMs: number },
): Metrics {
  return {
    pushes,
    failures: phase.value + phase.standIn.refused,
    wallMs: phase.wallMs,
    pushesPerSecond: (pushes * 1000) / phase.wallMs,
    clientCpuUsPerPush: (phase.cpuMs * 1000) / pushes,
    standInCpuUsPerPush: (phase.standIn.cpuMs * 1000) / pushes,
    standInBusy: phase.standIn.cpuMs / phase.wallMs,
    eventLoopMaxMs: phase.eventLoopMaxMs,
  };
}

/**
 * The push worker's path with the database: `jobCount` passes of one template, each registered on
 * a device of its own; the template's change queues one job per device (PushJobRepository's one
 * INSERT … SELECT, as UpdateTemplate does), then the push worker's own `sendWhileDue` drains the
 * queue through SendPushes and the real notifier, as its loop does while batches come back full.
 */
async function durablePath(context: BenchContext, standIn: StandInProcess): Promise<Metrics> {
  const database = await openBenchDatabase(context, 'apns_fanout');
  const notifier = new ApnsPassUpdateNotifier(notifierConfig(context, standIn));
  try {
    const { orm } = database;
    const count = jobCount(context);
    const account = await new MikroOrmAccountRepository(orm).add(Account.create('Bench', new Date()).account);
    const passTypes = new MikroOrmPassTypeRepository(orm);
    const passType = await passTypes.add(benchPassType(context.material, account.id));
    const template = await new MikroOrmPassTemplateRepository(orm).add(seedTemplate(account.id, passType.id));
    await seedInstalledPasses(orm, template, count);
    // Warm-up: the notifier's TLS connection (a token no device holds), not measured.
    await notifier.notify(passType, [benchPushToken(count + 1)]);

    const pushJobs = new MikroOrmPushJobRepository(orm);
    const enqueueStart = performance.now();
    const enqueued = await pushJobs.enqueueForTemplate(template.id, new Date());
    const enqueueMs = performance.now() - enqueueStart;
    if (enqueued !== count) throw new Error(`enqueued ${enqueued} jobs, not ${count}`);

    // The time with pushes in flight, to tell it from the time on the database alone.
    const timedNotifier = new TimedNotifier(notifier);
    const sendPushes = new SendPushes(pushJobs, passTypes, new MikroOrmDeviceRegistrationRepository(orm), timedNotifier, new SystemClock());
    const worker = new PushWorker(sendPushes, pushJobs, new InProcessPendingPushesSignal());
    const phase = await measure(`durable-${process.pid}`, standIn, () => worker.sendWhileDue());
    const pending = await pushJobs.countPending();
    if (phase.value.delivered !== count || pending !== 0 || phase.standIn.pushes !== count) {
      throw new Error(`durable path: ${phase.value.delivered} of ${count} delivered, ${pending} pending, stand-in answered ${phase.standIn.pushes}`);
    }
    return {
      jobs: count,
      failures: phase.value.failed + phase.value.retried + phase.standIn.refused,
      wallMs: phase.wallMs,
      jobsPerSecond: (count * 1000) / phase.wallMs,
      enqueueMs,
      databaseShare: (phase.wallMs - timedNotifier.ms) / phase.wallMs,
      clientCpuUsPerJob: (phase.cpuMs * 1000) / count,
      standInBusy: phase.standIn.cpuMs / phase.wallMs,
      eventLoopMaxMs: phase.eventLoopMaxMs,
      postgres: context.postgresUrl === null ? 0 : 1,
    };
  } finally {
    await notifier.onModuleDestroy();
    await database.close();
  }
}

/**
 * A notifier that measures the time during which at least one of its calls is under way, to tell
 * the time spent only on the database (no push in flight) from the rest of the wall time.
 */
class TimedNotifier extends PassUpdateNotifier {
  ms = 0;
  private inFlight = 0;
  private busySince = 0;

  constructor(private readonly inner: PassUpdateNotifier) {
    super();
  }

  async notify(passType: PassType, pushTokens: readonly string[]): Promise<PushResult[]> {
    if (this.inFlight++ === 0) this.busySince = performance.now();
    try {
      return await this.inner.notify(passType, pushTokens);
    } finally {
      if (--this.inFlight === 0) this.ms += performance.now() - this.busySince;
    }
  }
}
