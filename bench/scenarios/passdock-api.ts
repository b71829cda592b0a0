import { fork } from 'node:child_process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type autocannon from 'autocannon';
import type { AppConfig } from '../../src/config/app-config';
import { startCpuProfile } from '../lib/cpu-profile';
import { cpuCeilingPerSecond, eventLoopUtilizationSince, mainThreadCpuMs, percent, SAMPLE_INTERVAL_MS, sampleMemory } from '../lib/probes';
import { caseNames, kindOf, roundsOf } from '../lib/rounds';
import { dropServiceSchema, seedAccountAndTemplate, serviceEnvironment } from '../lib/service-environment';
import type { BenchContext, CaseResult, Figure, Metrics, Scenario } from '../lib/scenario';

const CASES = {
  fast: 'NodeCryptoPassPackager (default)',
  stock: 'passkit-generator 3.6 behind the same API',
} as const;

/** HTTP/1.1 keep-alive connections of the load generator, each one create-then-download pair at a time. */
const CONNECTIONS = 32;

/** Alternating rounds of the two cases; a rate or a cost is the median of the rounds, a peak the highest (as in the packager scenario). */
const ROUNDS = 3;

/** Shortest measured phase, also with --quick. */
const MIN_DURATION_MS = 3000;

/** Argument that makes this file, forked, the load generator instead of a scenario module. */
const LOAD_FLAG = '--passdock-api-load';


/** What the service process tells the load process. */
interface LoadPlan {
  origin: string;
  apiKey: string;
  templateId: number;
  connections: number;
  warmUpMs: number;
  /** Pause after the warm-up, so requests still queued in the service (stock: 50 ms each) drain first. */
  settleMs: number;
  durationMs: number;
}

/** What the load process reports back. */
type LoadMessage =
  | { type: 'measure-start' }
  | { type: 'measure-end' }
  | {
      type: 'result';
      pairs: number;
      creates: number;
      durationMs: number;
      requests: number;
      non2xx: number;
      errors: number;
      timeouts: number;
      resets: number;
      latencyP50Ms: number;
      latencyP99Ms: number;
      /** The load process's own CPU (user + system) over the measured run. */
      cpuMs: number;
    };

/**
 * The real service under HTTP load: `createApp` (the stock case: the same AppModule with
 * NodeCryptoPassPackager's provider overridden by passkit-generator's packager, so the package
 * cache and everything else stay as they are), listening on loopback in this case's process, on a
 * fresh SQLite file, or in a schema of its own on PostgreSQL when DATABASE_URL says so. An
 * autocannon process forked from here is the load: every connection creates a pass through the
 * Passdock API (`POST /api/v1/templates/:id/passes`, the seed's fields and a serial number of its
 * own) and then GETs the `download` link of the answer. Each pass is new, so its first download
 * misses the package cache and signs, in both cases: that is the figure a client issuing passes
 * sees. The case's peak RSS is the service's (the load generator is another process).
 */
export const passdockApiScenario: Scenario = {
  name: 'passdock-api',
  title: `Issue + download through the Passdock API (create, then GET the .pkpass; ${CONNECTIONS} connections over loopback)`,
  cases: caseNames(ROUNDS),

  async run(caseName: string, context: BenchContext): Promise<Metrics> {
    const { Logger } = await import('@nestjs/common');
    Logger.overrideLogger(['error']);
    // The stock case builds on the event loop, as passkit-generator does wherever it runs.
    const stockEnvironment = kindOf(caseName) === 'stock' ? { PACKAGE_BUILD_THREADS: '0' } : {};
    const { env, schema } = serviceEnvironment(`passdock_api_${caseName.replace(/\W/g, '_')}_${process.pid}`, context, stockEnvironment);
    const { loadAppConfig } = await import('../../src/config/app-config');
    const config = loadAppConfig(env, context.workDir);
    const app = kindOf(caseName) === 'fast' ? await (await import('../../src/bootstrap')).createApp(config) : await stockApp(config);
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const { apiKey, template } = await seedAccountAndTemplate(app, context);
      const templateId = template.id;

      const plan: LoadPlan = {
        origin,
        apiKey,
        templateId,
        connections: CONNECTIONS,
        warmUpMs: context.quick ? 1000 : 2000,
        settleMs: 2000,
        // At least 3 s even with --quick: the baseline's first downloads take over a second at 32 connections.
        durationMs: Math.max(context.durationMs, MIN_DURATION_MS),
      };
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      // From the start of the warm-up: the peak RSS is the whole case's.
      const stopSampling = sampleMemory();
      let cpuStart = process.cpuUsage();
      let cpu = { user: 0, system: 0 };
      let mainThreadCpuStart = mainThreadCpuMs();
      let mainThreadCpu: number | null = null;
      let loopStart = performance.eventLoopUtilization();
      let eventLoopUtilization = 0;
      let stopProfile: () => Promise<void> = () => Promise.resolve();
      const load = await runLoadProcess(plan, (message) => {
        if (message.type === 'measure-start') {
          cpuStart = process.cpuUsage();
          mainThreadCpuStart = mainThreadCpuMs();
          loopStart = performance.eventLoopUtilization();
          histogram.enable();
          stopProfile = startCpuProfile(`passdock-api-${caseName}`);
        } else if (message.type === 'measure-end') {
          cpu = process.cpuUsage(cpuStart);
          const mainThreadCpuEnd = mainThreadCpuMs();
          mainThreadCpu = mainThreadCpuStart === null || mainThreadCpuEnd === null ? null : mainThreadCpuEnd - mainThreadCpuStart;
          eventLoopUtilization = eventLoopUtilizationSince(loopStart);
          histogram.disable();
        }
      });
      await stopProfile();
      const memory = stopSampling();
      const failures = load.non2xx + load.errors + load.timeouts + load.resets;
      if (failures > 0) {
        throw new Error(
          `${caseName}: ${load.non2xx} non-2xx responses, ${load.errors} errors, ${load.timeouts} timeouts, ${load.resets} sequences without a download link`,
        );
      }
      if (load.pairs === 0) throw new Error(`${caseName}: no pass was created and downloaded`);

      // A figure of packages Wallet would refuse is worth nothing: one more pair, checked as a device does.
      const sample = await createAndDownload(origin, apiKey, templateId, `CHECK-${process.pid}`);
      const { verifyPkpass } = await import('../../src/adapters/outbound/signing/pkpass-verifier');
      const report = await verifyPkpass(sample, { trustedCaPems: [context.caPem] });
      if (!report.valid) throw new Error(`${caseName}: invalid package: ${JSON.stringify(report.checks.filter((check) => !check.ok))}`);

      const cpuMs = (cpu.user + cpu.system) / 1000;
      return {
        pairs: load.pairs,
        creates: load.creates,
        durationMs: load.durationMs,
        pairsPerSecond: (load.pairs * 1000) / load.durationMs,
        errors: failures,
        latencyP50Ms: load.latencyP50Ms,
        latencyP99Ms: load.latencyP99Ms,
        serviceCpuMs: cpuMs,
        serviceCpuMsPerPair: cpuMs / load.pairs,
        // NaN (null in latest.json) where /proc cannot tell.
        mainThreadCpuMsPerPair: mainThreadCpu === null ? Number.NaN : mainThreadCpu / load.pairs,
        loadCpuMsPerPair: load.cpuMs / load.pairs,
        cpuCeilingPerSecond: cpuCeilingPerSecond(cpuMs / load.pairs, load.cpuMs / load.pairs),
        eventLoopUtilization,
        eventLoopMaxMs: histogram.max / 1e6,
        ...memory,
        connections: CONNECTIONS,
        packageBytes: sample.length,
        postgres: context.postgresUrl === null ? 0 : 1,
      };
    } finally {
      // Closing first lets requests still in the service finish before their tables go.
      await app.close();
      if (schema !== null) await dropServiceSchema(context.postgresUrl!, schema);
    }
  },

  figures(results: Record<string, CaseResult>): Figure[] {
    const { fastRounds, stockRounds, fast, stock, maxOf } = roundsOf(results);
    const ratio = fast('pairsPerSecond') / stock('pairsPerSecond');
    const spread = (list: CaseResult[], metric: string, digits: number) =>
      list.map((result) => result.metrics[metric].toFixed(digits)).join(', ');
    const peak = (list: CaseResult[]) => Math.max(...list.map((result) => result.peakRssMb));
    const errors = [...fastRounds, ...stockRounds].reduce((sum, result) => sum + result.metrics.errors, 0);
    const database = fastRounds[0]?.metrics.postgres ? 'PostgreSQL' : 'SQLite';
    return [
      {
        figure: 'issue + download through the Passdock API (create, then GET the .pkpass)',
        unit: 'passes/s',
        value: fast('pairsPerSecond'),
        baseline: { label: CASES.stock, value: stock('pairsPerSecond') },
        target: { text: '≥ 400 per second', met: fast('pairsPerSecond') >= 400 },
        note:
          `${ratio.toFixed(1)}× the baseline; rounds ${spread(fastRounds, 'pairsPerSecond', 0)} (baseline ${spread(stockRounds, 'pairsPerSecond', 1)}); ` +
          `${CONNECTIONS} autocannon connections in a process of their own, ${database}; every pass new, so every download signs ` +
          `(package-cache miss) in both cases; ${errors} errors; request latency p50 ${fast('latencyP50Ms').toFixed(0)} ms, ` +
          `p99 ${fast('latencyP99Ms').toFixed(0)} ms (baseline ${stock('latencyP50Ms').toFixed(0)} / ${stock('latencyP99Ms').toFixed(0)} ms); ` +
          `service CPU ${fast('serviceCpuMsPerPair').toFixed(2)} ms per pass` +
          (Number.isFinite(fast('mainThreadCpuMsPerPair')) ? ` (${fast('mainThreadCpuMsPerPair').toFixed(2)} ms of it on the event loop's thread)` : '') +
          ` (baseline ${stock('serviceCpuMsPerPair').toFixed(1)} ms); ` +
          `longest event-loop block in the service ${maxOf('fast', 'eventLoopMaxMs').toFixed(1)} ms, the longest of the rounds (baseline ${maxOf('stock', 'eventLoopMaxMs').toFixed(0)} ms); the rest the median of ${ROUNDS} rounds of ${(fast('durationMs') / 1000).toFixed(0)} s; ` +
          `the service's event loop busy ${percent(fast('eventLoopUtilization'))} of the time; autocannon ${fast('loadCpuMsPerPair').toFixed(2)} ms of CPU per pass: ` +
          `at ${(fast('serviceCpuMsPerPair') + fast('loadCpuMsPerPair')).toFixed(2)} ms of CPU per pass in all, this machine's cores could run at most ${fast('cpuCeilingPerSecond').toFixed(0)} per second`,
      },
      {
        figure: 'peak RSS of the service, Passdock API issue + download',
        unit: 'MB',
        value: peak(fastRounds),
        baseline: { label: CASES.stock, value: peak(stockRounds) },
        target: { text: '≤ 400 MB', met: peak(fastRounds) <= 400 },
        note:
          `getrusage maxrss of the service process (the load generator is another process), largest of the ${ROUNDS} rounds; ` +
          `sampled every ${SAMPLE_INTERVAL_MS} ms: RSS up to ${Math.max(...fastRounds.map((result) => result.metrics.rssMaxMb)).toFixed(0)} MB, ` +
          `V8 heap up to ${Math.max(...fastRounds.map((result) => result.metrics.heapMaxMb)).toFixed(0)} MB, ` +
          `Buffers up to ${Math.max(...fastRounds.map((result) => result.metrics.externalMaxMb)).toFixed(0)} MB`,
      },
    ];
  },
};

/** The same application as createApp builds, with passkit-generator's packager in NodeCryptoPassPackager's place. */
async function stockApp(config: AppConfig): Promise<NestFastifyApplication> {
  const { Test } = await import('@nestjs/testing');
  const { AppModule } = await import('../../src/app.module');
  const { AppConfig } = await import('../../src/config/app-config');
  const { APP_OPTIONS, configureApp, createHttpAdapter } = await import('../../src/bootstrap');
  const { NodeCryptoPassPackager } = await import('../../src/adapters/outbound/signing/node-crypto-pass.packager');
  const { PasskitGeneratorPassPackager } = await import('../../src/adapters/outbound/signing/passkit-generator-pass.packager');
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(NodeCryptoPassPackager)
    .useFactory({ factory: (appConfig: AppConfig) => new PasskitGeneratorPassPackager(appConfig), inject: [AppConfig] })
    .compile();
  return configureApp(moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), APP_OPTIONS));
}

/** Forks this file as the load generator and resolves with its result. */
function runLoadProcess(plan: LoadPlan, onPhase: (message: LoadMessage) => void): Promise<Extract<LoadMessage, { type: 'result' }>> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [LOAD_FLAG, JSON.stringify(plan)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: Extract<LoadMessage, { type: 'result' }> | undefined;
    child.on('message', (message: LoadMessage) => {
      if (message.type === 'result') result = message;
      else onPhase(message);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`load generator exited with code ${code}`))));
  });
}

/** The seed page's create-pass body (../shared/seeds/002_…) for pass `serial`. */
function passBody(serial: string, index: number): string {
  return JSON.stringify({
    pass: {
      serial_number: serial,
      gate: String(10 + (index % 80)),
      departure: '2012-12-18T14:34:10-02:00',
      from: 'SFO',
      to: 'JFK',
      name: `Passenger ${index}`,
      passport: `X${String(index).padStart(8, '0')}`,
      bar: { message: `QRRSNDKAIUDS${index}` },
    },
  });
}

async function createAndDownload(origin: string, apiKey: string, templateId: number, serial: string): Promise<Buffer> {
  const created = await fetch(`${origin}/api/v1/templates/${templateId}/passes?api_token=${apiKey}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: passBody(serial, 0),
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
  const { download } = (await created.json()) as { download: string };
  const downloaded = await fetch(`${origin}${new URL(download).pathname}`);
  if (downloaded.status !== 200) throw new Error(`download: ${downloaded.status}`);
  return Buffer.from(await downloaded.arrayBuffer());
}

/**
 * The load process: autocannon's request sequence, per connection, create then download. The
 * POST's onResponse keeps the answer's `download` path in the connection's context and the GET's
 * setupRequest uses it; a connection without one (a failed create) asks for a path that 404s, so
 * it counts as a failure rather than vanishing. Completed pairs are the 2xx responses less the
 * creates: each GET follows its own POST on the same connection.
 */
async function loadProcess(plan: LoadPlan): Promise<void> {
  const { default: autocannon } = await import('autocannon');
  let serial = 0;
  let creates = 0;
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: `/api/v1/templates/${plan.templateId}/passes?api_token=${plan.apiKey}`,
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => {
        serial += 1;
        return { ...request, body: passBody(`API-${String(serial).padStart(8, '0')}`, serial) };
      },
      onResponse: (status, body, context) => {
        const connection = context as { download?: string };
        connection.download = undefined;
        if (status !== 201) return;
        creates += 1;
        connection.download = new URL((JSON.parse(body) as { download: string }).download).pathname;
      },
    },
    {
      method: 'GET',
      setupRequest: (request, context) => ({ ...request, path: (context as { download?: string }).download ?? '/passes/0/missing.pkpass' }),
    },
  ];
  const run = (durationMs: number) =>
    autocannon({
      url: plan.origin,
      connections: plan.connections,
      pipelining: 1,
      duration: durationMs / 1000,
      timeout: 30,
      requests,
    });

  await run(plan.warmUpMs);
  await new Promise((resolve) => setTimeout(resolve, plan.settleMs));
  creates = 0;
  process.send!({ type: 'measure-start' } satisfies LoadMessage);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const result = await run(plan.durationMs);
  const durationMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  process.send!({ type: 'measure-end' } satisfies LoadMessage);
  const message: LoadMessage = {
    type: 'result',
    pairs: result['2xx'] - creates,
    creates,
    durationMs,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    resets: result.resets,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  await new Promise<void>((resolve, reject) => process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())));
}

if (require.main === module && process.argv[2] === LOAD_FLAG) {
  loadProcess(JSON.parse(process.argv[3]) as LoadPlan).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
