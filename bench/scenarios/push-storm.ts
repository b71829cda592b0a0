import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { type Dispatcher, Pool } from 'undici';
import { MAX_PENDING_WRITES } from '../../src/adapters/outbound/package-cache/caching-pass.packager';
import { applyServiceV8Flags } from '../../src/v8-settings';
import { startCpuProfile } from '../lib/cpu-profile';
import type { ApnsStandIn } from '../../test/support/apns-stand-in';
import { refusedByStandIn } from '../lib/apns-stand-in-process';
import type { InstalledDevice } from '../lib/installed-passes';
import {
  cpuCeilingPerSecond,
  eventLoopUtilizationSince,
  mainThreadCpuMs,
  type MemoryPeaks,
  peakRssMb,
  percent,
  processesCpuMs,
  processesCpuMsSince,
  sampleMemory,
} from '../lib/probes';
import { median, percentile } from '../lib/rounds';
import type { BenchContext, CaseResult, Figure, Metrics, Scenario } from '../lib/scenario';
import { seedInstalledPassesElsewhere } from '../lib/seeding-process';
import { dropServiceSchema, seedAccountAndTemplate, serviceEnvironment } from '../lib/service-environment';

/** HTTP/1.1 keep-alive connections of the devices' side, as in the passdock-api scenario. */
const CONNECTIONS = 32;

/** The template change: a new accessibility description, which every pass's pass.json carries. */
const NEW_DESCRIPTION = 'Boarding pass (storm)';

/** Argument that makes this file, forked, the devices' process instead of a scenario module. */
const LOAD_FLAG = '--push-storm-load';

/** Longest a storm may take before the case fails (the target is 10 s). */
const STORM_TIMEOUT_MS = 15 * 60_000;

/** Devices in the storm: the 10,000; --quick checks the benchmark with fewer. */
function deviceCount(context: BenchContext): number {
  return context.quick ? 1_000 : 10_000;
}

type Phase = 'storm' | 'cached' | 'notModified';

/** What the service's process tells the devices' process once the service is up and seeded. */
interface StormPlan {
  origin: string;
  apiKey: string;
  templateId: number;
  passTypeIdentifier: string;
  devicesFile: string;
  connections: number;
}

interface StormResult {
  devices: number;
  served: number;
  failures: number;
  firstFailure: string;
  /** From sending the PUT to the last device holding its new pass. */
  durationMs: number;
  putMs: number;
  firstPushMs: number;
  lastPushMs: number;
  pushes: number;
  /** From a device's push arriving to its new pass downloaded. */
  pushToServedP50Ms: number;
  pushToServedP99Ms: number;
  packageBytes: number;
}

interface RoundResult {
  requests: number;
  durationMs: number;
  expected: number;
  unexpected: number;
  errors: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

type LoadMessage =
  | { type: 'stand-in'; host: string; port: number; caFile: string }
  | { type: 'phase-start'; phase: Phase }
  | { type: 'phase-end'; phase: Phase; cpuMs: number }
  | { type: 'result'; storm: StormResult; cached: RoundResult; notModified: RoundResult };

/** What the service's process measured of itself during one phase. */
interface PhaseProbe extends MemoryPeaks {
  cpuMs: number;
  /** Of cpuMs, the event loop's thread's; null without /proc. */
  mainThreadCpuMs: number | null;
  /** The devices' process's CPU over the same phase (the stand-in receiving the pushes included). */
  loadCpuMs: number;
  /** PostgreSQL's processes' CPU over the same phase when they run on this machine; else null. */
  databaseCpuMs: number | null;
  /** Share of the phase the service's event loop was running code. */
  eventLoopUtilization: number;
  eventLoopMaxMs: number;
}

/**
 * A template change reaching every device that holds one of its passes, through the real service:
 * `createApp` in this case's process (database of its own: SQLite, or PostgreSQL when DATABASE_URL
 * says so) with PUSH_MODE=apns towards the tests' APNs stand-in (test/support/apns-stand-in.ts),
 * which lives in the devices' process. 10,000 passes of the seed template are seeded in bulk by
 * another process, each installed on a device of its own.
 * The devices' process then changes the template through the Passdock API (PUT
 * /api/v1/templates/:id, a new description: every pass gets a new version and every device a
 * queued push) and each device, when its push reaches the stand-in, asks what changed since its
 * tag and GETs its pass with its old If-Modified-Since (200, a newly signed pass), over a pool of
 * HTTP/1.1 keep-alive connections. The figure is the time from the PUT to the last device served.
 * Then every device GETs its pass again without If-Modified-Since (cached packages), and again with
 * the Last-Modified it got (304), each a round over all devices on the same keep-alive connections.
 */
export const pushStormScenario: Scenario = {
  name: 'push-storm',
  title: `Push storm: a template change reaches every device (real service, ${CONNECTIONS} device connections over loopback)`,
  cases: ['storm'],

  async run(_caseName: string, context: BenchContext): Promise<Metrics> {
    const { Logger } = await import('@nestjs/common');
    Logger.overrideLogger(['error']);
    const load = startLoadProcess();
    const standIn = await load.standIn;
    const { env, schema } = serviceEnvironment(`push_storm_${process.pid}`, context, {
      PUSH_MODE: 'apns',
      APNS_HOST: standIn.host,
      APNS_PORT: String(standIn.port),
      APNS_CA_FILE: standIn.caFile,
    });
    const { loadAppConfig } = await import('../../src/config/app-config');
    const { createApp } = await import('../../src/bootstrap');
    const app = await createApp(loadAppConfig(env, context.workDir));
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const count = deviceCount(context);
      const devicesFile = join(context.workDir, `push-storm-devices-${process.pid}.json`);
      const seedStart = performance.now();
      const { apiKey, templateId, passTypeIdentifier, devices } = await seed(app, context, env.DATABASE_URL!, count, devicesFile);
      const seedMs = performance.now() - seedStart;

      const probes: Partial<Record<Phase, PhaseProbe>> = {};
      const running = new Map<Phase, (loadCpuMs: number) => PhaseProbe>();
      const result = await load.run({ origin, apiKey, templateId, passTypeIdentifier, devicesFile, connections: CONNECTIONS }, (message) => {
        if (message.type === 'phase-start') running.set(message.phase, probe(`push-storm-${message.phase}`, context.postgresUrl !== null));
        else if (message.type === 'phase-end') probes[message.phase] = running.get(message.phase)!(message.cpuMs);
      });
      const { storm, cached, notModified } = result;
      // The service's high-water mark once it has served every round: what follows in this process
      // is the benchmark's own check of a package (fetch, the verifier) and the shutdown.
      const servingPeakRssMb = peakRssMb();
      if (storm.failures > 0 || storm.served !== count) {
        throw new Error(`storm: ${storm.served} of ${count} devices served, ${storm.failures} failures (first: ${storm.firstFailure})`);
      }
      for (const [name, round] of Object.entries({ cached, notModified })) {
        if (round.unexpected + round.errors > 0 || round.expected !== count) {
          throw new Error(`${name}: ${round.expected} of ${count} as expected, ${round.unexpected} other statuses, ${round.errors} errors`);
        }
      }

      // A figure of packages Wallet would refuse is worth nothing: one device's new pass, checked as a device does.
      const sample = devices[0];
      const response = await fetch(`${origin}/wallet/v1/passes/${passTypeIdentifier}/${sample.serialNumber}`, {
        headers: { authorization: `ApplePass ${sample.authenticationToken}` },
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      const { verifyPkpass } = await import('../../src/adapters/outbound/signing/pkpass-verifier');
      const report = await verifyPkpass(bytes, { trustedCaPems: [context.caPem] });
      if (!report.valid) throw new Error(`invalid package: ${JSON.stringify(report.checks.filter((check) => !check.ok))}`);
      const { passJsonOf, unzipPkpass } = await import('../../test/support/pkpass');
      const description = passJsonOf(unzipPkpass(bytes)).description;
      if (description !== NEW_DESCRIPTION) throw new Error(`the served pass says "${String(description)}", not the template's new description`);

      const { PassPackager } = await import('../../src/domain/ports/pass-packager');
      const { CachingPassPackager } = await import('../../src/adapters/outbound/package-cache/caching-pass.packager');
      const packager = app.get(PassPackager);
      const cache = packager instanceof CachingPassPackager ? packager : null;
      await cache?.whenStored();
      const { MikroORM } = await import('@mikro-orm/core');
      const stored = await app
        .get(MikroORM)
        .em.getConnection()
        .execute<Array<{ stored: number | string }>>('select count(*) as stored from pass_packages');

      const perSecond = (round: RoundResult) => (round.requests * 1000) / round.durationMs;
      const phase = (name: Phase) =>
        probes[name] ?? {
          cpuMs: 0,
          mainThreadCpuMs: null,
          loadCpuMs: 0,
          databaseCpuMs: null,
          eventLoopUtilization: 0,
          eventLoopMaxMs: 0,
          rssMaxMb: 0,
          heapMaxMb: 0,
          externalMaxMb: 0,
        };
      // The database server's CPU counts where it shares this machine's cores, as it does here.
      const ceiling = (name: Phase, operations: number) =>
        cpuCeilingPerSecond(phase(name).cpuMs / operations, (phase(name).loadCpuMs + (phase(name).databaseCpuMs ?? 0)) / operations);
      return {
        devices: count,
        seedMs,
        stormMs: storm.durationMs,
        stormPutMs: storm.putMs,
        stormFirstPushMs: storm.firstPushMs,
        stormLastPushMs: storm.lastPushMs,
        stormPushToServedP50Ms: storm.pushToServedP50Ms,
        stormPushToServedP99Ms: storm.pushToServedP99Ms,
        stormDevicesPerSecond: (count * 1000) / storm.durationMs,
        stormCpuMsPerDevice: phase('storm').cpuMs / count,
        stormMainThreadCpuMsPerDevice: perOperation(phase('storm').mainThreadCpuMs, count),
        stormEventLoopMaxMs: phase('storm').eventLoopMaxMs,
        stormLoadCpuMsPerDevice: phase('storm').loadCpuMs / count,
        stormDatabaseCpuMsPerDevice: perOperation(phase('storm').databaseCpuMs, count),
        stormEventLoopUtilization: phase('storm').eventLoopUtilization,
        stormCpuCeilingSeconds: count / ceiling('storm', count),
        stormRssMaxMb: phase('storm').rssMaxMb,
        stormHeapMaxMb: phase('storm').heapMaxMb,
        stormExternalMaxMb: phase('storm').externalMaxMb,
        cachedPerSecond: perSecond(cached),
        cachedLatencyP50Ms: cached.latencyP50Ms,
        cachedLatencyP99Ms: cached.latencyP99Ms,
        cachedCpuUsPerRequest: (phase('cached').cpuMs * 1000) / cached.requests,
        cachedMainThreadCpuUsPerRequest: perOperation(phase('cached').mainThreadCpuMs, cached.requests / 1000),
        cachedEventLoopMaxMs: phase('cached').eventLoopMaxMs,
        cachedLoadCpuUsPerRequest: (phase('cached').loadCpuMs * 1000) / cached.requests,
        cachedDatabaseCpuUsPerRequest: perOperation(phase('cached').databaseCpuMs, cached.requests / 1000),
        cachedEventLoopUtilization: phase('cached').eventLoopUtilization,
        cachedCpuCeilingPerSecond: ceiling('cached', cached.requests),
        cachedRssMaxMb: phase('cached').rssMaxMb,
        notModifiedPerSecond: perSecond(notModified),
        notModifiedLatencyP50Ms: notModified.latencyP50Ms,
        notModifiedLatencyP99Ms: notModified.latencyP99Ms,
        notModifiedCpuUsPerRequest: (phase('notModified').cpuMs * 1000) / notModified.requests,
        notModifiedMainThreadCpuUsPerRequest: perOperation(phase('notModified').mainThreadCpuMs, notModified.requests / 1000),
        notModifiedEventLoopMaxMs: phase('notModified').eventLoopMaxMs,
        notModifiedLoadCpuUsPerRequest: (phase('notModified').loadCpuMs * 1000) / notModified.requests,
        notModifiedDatabaseCpuUsPerRequest: perOperation(phase('notModified').databaseCpuMs, notModified.requests / 1000),
        notModifiedEventLoopUtilization: phase('notModified').eventLoopUtilization,
        notModifiedCpuCeilingPerSecond: ceiling('notModified', notModified.requests),
        notModifiedRssMaxMb: phase('notModified').rssMaxMb,
        packageBytes: storm.packageBytes,
        packagesInMemory: cache?.memoryUsage.packages ?? 0,
        packageMemoryBytes: cache?.memoryUsage.bytes ?? 0,
        packageMemoryMaxMb: (cache?.memoryUsage.maxBytes ?? 0) / 1024 / 1024,
        storeWritesSkipped: cache?.storeWrites.skipped ?? 0,
        storedPackages: Number(stored[0]?.stored ?? 0),
        postgres: context.postgresUrl === null ? 0 : 1,
        servingPeakRssMb,
      };
    } finally {
      // Closing first lets the push worker and the requests still in the service finish before the stand-in and the tables go.
      await app.close();
      await load.close();
      if (schema !== null) await dropServiceSchema(context.postgresUrl!, schema);
    }
  },

  figures(results: Record<string, CaseResult>, context: BenchContext): Figure[] {
    const storm = results.storm;
    const m = storm.metrics;
    const database = m.postgres ? 'PostgreSQL' : 'SQLite';
    const full = m.devices >= 10_000;
    const devices = m.devices.toLocaleString('en-US');
    const quick = full ? '' : ` (--quick: ${devices} devices; the target is for 10,000)`;
    const seconds = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
    const cacheNote =
      `memory tier ${m.packageMemoryMaxMb.toFixed(0)} MB (PACKAGE_CACHE_MAX_BYTES default) holds ${m.packagesInMemory.toLocaleString('en-US')} of the ${devices} ` +
      `${(m.packageBytes / 1024).toFixed(0)} KiB packages (${(m.packageMemoryBytes / Math.max(1, m.packagesInMemory) / 1024).toFixed(1)} KiB each without the template's images and certificates); ${m.storedPackages.toLocaleString('en-US')} stored in ${database}, ${m.storeWritesSkipped.toLocaleString('en-US')} store writes left out during the storm (more than ${MAX_PENDING_WRITES} under way)`;
    const stormSeconds = m.stormMs / 1000;
    return [
      {
        figure: `push storm: ${devices} registered devices, a template change, then every device's list + GET of its new pass`,
        unit: 's',
        value: stormSeconds,
        target: {
          text: '≤ 10 s for 10,000 devices',
          met: full && stormSeconds <= 10,
        },
        note:
          `${m.stormDevicesPerSecond.toFixed(0)} devices/s; PUT of the template (${devices} passes advanced, ${devices} pushes queued, one transaction) ` +
          `${m.stormPutMs.toFixed(0)} ms; pushes reached the stand-in from ${seconds(m.stormFirstPushMs)} s to ${seconds(m.stormLastPushMs)} s; ` +
          `each device asks when its push arrives, push to new pass p50 ${seconds(m.stormPushToServedP50Ms)} s, p99 ${seconds(m.stormPushToServedP99Ms)} s; ` +
          `service CPU ${m.stormCpuMsPerDevice.toFixed(2)} ms per device (list + sign + serve, pushes included)${mainThreadNote(m.stormMainThreadCpuMsPerDevice, 'ms')}; longest event-loop block ${m.stormEventLoopMaxMs.toFixed(0)} ms; ` +
          `the service's event loop busy ${percent(m.stormEventLoopUtilization)} of the storm; the devices' process (and the APNs stand-in) ${m.stormLoadCpuMsPerDevice.toFixed(2)} ms of CPU per device` +
          databaseNote(m.stormDatabaseCpuMsPerDevice, 'ms') +
          ': ' +
          `at that CPU, this machine's cores could serve 10,000 devices in ${(m.stormCpuCeilingSeconds * (10_000 / m.devices)).toFixed(1)} s at the soonest; ` +
          `${CONNECTIONS} device connections in a process of their own, ${database}; every package verified like a device does on a sample; 0 failures` +
          quick,
      },
      {
        figure: 'GET of a cached pass (every device again, no If-Modified-Since)',
        unit: 'GET/s',
        value: m.cachedPerSecond,
        target: { text: '≥ 5,000 per second', met: m.cachedPerSecond >= 5_000 },
        note:
          `${CONNECTIONS} keep-alive connections (undici, the devices' process), each of the ${devices} devices once; latency p50 ${m.cachedLatencyP50Ms.toFixed(0)} ms, p99 ${m.cachedLatencyP99Ms.toFixed(0)} ms; ` +
          `service CPU ${m.cachedCpuUsPerRequest.toFixed(0)} µs per GET${mainThreadNote(m.cachedMainThreadCpuUsPerRequest, 'µs')}; longest event-loop block ${m.cachedEventLoopMaxMs.toFixed(0)} ms; ` +
          ceilingNote(m.cachedEventLoopUtilization, m.cachedLoadCpuUsPerRequest, m.cachedDatabaseCpuUsPerRequest, m.cachedCpuCeilingPerSecond) +
          `; ${cacheNote}` +
          (context.quick ? ' (--quick)' : ''),
      },
      {
        figure: '304 Not Modified (every device again, If-Modified-Since = its Last-Modified)',
        unit: '304/s',
        value: m.notModifiedPerSecond,
        target: { text: '≥ 10,000 per second', met: m.notModifiedPerSecond >= 10_000 },
        note:
          `${CONNECTIONS} keep-alive connections (undici, the devices' process), each of the ${devices} devices once; latency p50 ${m.notModifiedLatencyP50Ms.toFixed(1)} ms, p99 ${m.notModifiedLatencyP99Ms.toFixed(0)} ms; ` +
          `service CPU ${m.notModifiedCpuUsPerRequest.toFixed(0)} µs per request${mainThreadNote(m.notModifiedMainThreadCpuUsPerRequest, 'µs')}; longest event-loop block ${m.notModifiedEventLoopMaxMs.toFixed(0)} ms; ` +
          ceilingNote(m.notModifiedEventLoopUtilization, m.notModifiedLoadCpuUsPerRequest, m.notModifiedDatabaseCpuUsPerRequest, m.notModifiedCpuCeilingPerSecond) +
          (context.quick ? ' (--quick)' : ''),
      },
      {
        figure: 'peak RSS of the service, push storm',
        unit: 'MB',
        value: m.servingPeakRssMb,
        target: { text: '≤ 400 MB', met: m.servingPeakRssMb <= 400 },
        note:
          `getrusage maxrss of the service's process once every round was served (${storm.peakRssMb.toFixed(0)} MB with the benchmark's own check of a package and the shutdown after it); its ${devices} passes were seeded in bulk by another process (${(m.seedMs / 1000).toFixed(1)} s); ` +
          `sampled RSS at most ${m.stormRssMaxMb.toFixed(0)} MB in the storm (V8 heap up to ${m.stormHeapMaxMb.toFixed(0)} MB, Buffers up to ${m.stormExternalMaxMb.toFixed(0)} MB), ` +
          `${m.cachedRssMaxMb.toFixed(0)} MB cached GETs, ${m.notModifiedRssMaxMb.toFixed(0)} MB 304s; ` +
          'the devices and the stand-in are another process',
      },
    ];
  },
};

/** Milliseconds per operation (per thousand, for µs); NaN (null in latest.json) without the figure. */
function perOperation(ms: number | null, operations: number): number {
  return ms === null ? Number.NaN : ms / operations;
}

/** ", of it 0.93 ms on the event loop's thread" where /proc told. */
function mainThreadNote(value: number, unit: 'ms' | 'µs'): string {
  return Number.isFinite(value) ? ` (${value.toFixed(unit === 'ms' ? 2 : 0)} ${unit} of it on the event loop's thread)` : '';
}

/** ", PostgreSQL's processes on this machine 0.41 ms" where they were measured. */
function databaseNote(value: number, unit: 'ms' | 'µs'): string {
  return Number.isFinite(value) ? `, PostgreSQL's processes on this machine ${value.toFixed(unit === 'ms' ? 2 : 0)} ${unit}` : '';
}

function ceilingNote(eventLoopUtilization: number, loadCpuUsPerRequest: number, databaseCpuUsPerRequest: number, ceilingPerSecond: number): string {
  return (
    `the service's event loop busy ${percent(eventLoopUtilization)} of the round; the devices' process ${loadCpuUsPerRequest.toFixed(0)} µs of CPU per request` +
    databaseNote(databaseCpuUsPerRequest, 'µs') +
    `: at that CPU, this machine's cores could answer at most ${ceilingPerSecond.toFixed(0)} per second`
  );
}

/**
 * Starts this process's probes for one phase, and on PostgreSQL the database server's CPU when it
 * runs on this machine; the returned function stops them (given the devices' process's CPU over
 * the phase) and reads them.
 * With BENCH_CPU_PROF=<folder>, each phase's CPU profile goes there too (bench/lib/cpu-profile.ts).
 */
function probe(name: string, postgres: boolean): (loadCpuMs: number) => PhaseProbe {
  const stopProfile = startCpuProfile(name);
  const databaseCpuStart = postgres ? processesCpuMs('postgres') : null;
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const cpuStart = process.cpuUsage();
  const mainThreadCpuStart = mainThreadCpuMs();
  const loopStart = performance.eventLoopUtilization();
  const stopSampling = sampleMemory();
  return (loadCpuMs) => {
    const eventLoopUtilization = eventLoopUtilizationSince(loopStart);
    const memory = stopSampling();
    void stopProfile();
    histogram.disable();
    const cpu = process.cpuUsage(cpuStart);
    const mainThreadCpuEnd = mainThreadCpuMs();
    return {
      cpuMs: (cpu.user + cpu.system) / 1000,
      mainThreadCpuMs: mainThreadCpuStart === null || mainThreadCpuEnd === null ? null : mainThreadCpuEnd - mainThreadCpuStart,
      loadCpuMs,
      databaseCpuMs: processesCpuMsSince(databaseCpuStart, postgres ? processesCpuMs('postgres') : null),
      eventLoopUtilization,
      eventLoopMaxMs: histogram.max / 1e6,
      ...memory,
    };
  };
}

/**
 * An account through the CLI's use case, the pass type the service made of CERTS_DIR, the seed's
 * boarding-pass template (icon and logo with @2x), and `count` passes of it installed on a device
 * each, those written by a process of their own (bench/lib/seeding-process.ts).
 */
async function seed(
  app: import('@nestjs/platform-fastify').NestFastifyApplication,
  context: BenchContext,
  databaseUrl: string,
  count: number,
  devicesFile: string,
) {
  const { apiKey, template, passType } = await seedAccountAndTemplate(app, context);
  const devices = await seedInstalledPassesElsewhere(databaseUrl, template.id, count, devicesFile);
  return { apiKey, templateId: template.id, passTypeIdentifier: passType.passTypeIdentifier, devices };
}

/** Forks this file as the devices' process; it starts the APNs stand-in first and says where it listens. */
function startLoadProcess() {
  const child: ChildProcess = fork(__filename, [LOAD_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let onMessage: (message: LoadMessage) => void = () => undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const standIn = new Promise<Extract<LoadMessage, { type: 'stand-in' }>>((resolve, reject) => {
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`the devices' process exited with code ${code}`)));
    onMessage = (message) => {
      if (message.type === 'stand-in') resolve(message);
    };
  });
  child.on('message', (message: LoadMessage) => onMessage(message));
  return {
    standIn,
    run(plan: StormPlan, onPhase: (message: LoadMessage) => void): Promise<Extract<LoadMessage, { type: 'result' }>> {
      return new Promise((resolve, reject) => {
        void exited.then((code) => reject(new Error(`the devices' process exited with code ${code}`)));
        onMessage = (message) => {
          if (message.type === 'result') resolve(message);
          else onPhase(message);
        };
        child.send(plan);
      });
    },
    async close(): Promise<void> {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}

/** A response the devices' process read whole. */
interface Answer {
  status: number;
  headers: Dispatcher.ResponseData['headers'];
  body: Buffer;
}

function call(devices: Pool, method: Dispatcher.HttpMethod, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return devices.request({ method, path, headers, body }).then(async (response) => ({
    status: response.statusCode,
    headers: response.headers,
    body: Buffer.from(await response.body.arrayBuffer()),
  }));
}

/**
 * The devices' process: the APNs stand-in (each push wakes its device), the PUT that changes the
 * template, the storm over a pool of keep-alive connections, then the two rounds on the same pool.
 */
async function loadProcess(): Promise<void> {
  const { ApnsStandIn } = await import('../../test/support/apns-stand-in');
  const standIn = await ApnsStandIn.start();
  const send = (message: LoadMessage) => process.send!(message);
  // The service's process ends this one by disconnecting, once the service is closed.
  process.on('disconnect', () => void standIn.close().then(() => process.exit(0)));
  send({ type: 'stand-in', host: standIn.host, port: standIn.port, caFile: standIn.caFile });
  const plan = await new Promise<StormPlan>((resolve) => process.once('message', (message) => resolve(message as StormPlan)));
  const devices = JSON.parse(readFileSync(plan.devicesFile, 'utf8')) as InstalledDevice[];
  const origin = new URL(plan.origin);
  const pool = new Pool(origin, { connections: plan.connections });
  const listPath = (device: InstalledDevice, tag: string) =>
    `/wallet/v1/devices/${device.deviceLibraryIdentifier}/registrations/${plan.passTypeIdentifier}?passesUpdatedSince=${tag}`;
  const passPath = (device: InstalledDevice) => `/wallet/v1/passes/${plan.passTypeIdentifier}/${device.serialNumber}`;
  const applePass = (device: InstalledDevice) => `ApplePass ${device.authenticationToken}`;

  // Warm-up of the routes a device uses (JIT, connections), on passes of their own version: nothing
  // changed since their tag (204), If-Modified-Since of their version (304), a few first downloads (signing).
  for (const [index, device] of devices.slice(0, 100).entries()) {
    await call(pool, 'GET', listPath(device, device.tag), {});
    const headers: Record<string, string> = { authorization: applePass(device) };
    if (index >= 20) headers['if-modified-since'] = device.lastModified;
    await call(pool, 'GET', passPath(device), headers);
  }

  const storm = await runStorm(plan, devices, pool, { listPath, passPath, applePass }, standIn, send);
  /**
   * Every device once, over the keep-alive pool: `plan.connections` requests in flight, each
   * connection asking again as soon as it has its answer. undici's Pool (the client behind Node's
   * fetch) rather than autocannon, which spends about 390 µs of CPU on each 28 KiB response here
   * (2,600 per second at most on its core): it would have measured itself. node:http's client took
   * 70-94 µs of CPU for a 28 KiB response, undici's 51-72 µs; on two cores the devices' CPU is CPU
   * the service does not get.
   */
  const round = async (phase: Phase, notModified: boolean): Promise<RoundResult> => {
    const expectedStatus = notModified ? 304 : 200;
    const latencies: number[] = [];
    let next = 0;
    let expected = 0;
    let unexpected = 0;
    let errors = 0;
    const connection = async () => {
      while (next < devices.length) {
        const index = next++;
        const device = devices[index];
        const headers: Record<string, string> = { authorization: applePass(device) };
        if (notModified) headers['if-modified-since'] = storm.lastModified[index];
        const sentAt = performance.now();
        try {
          const answer = await call(pool, 'GET', passPath(device), headers);
          latencies.push(performance.now() - sentAt);
          if (answer.status === expectedStatus && (notModified || (answer.headers['content-type'] === 'application/vnd.apple.pkpass' && answer.body.length > 0))) expected += 1;
          else unexpected += 1;
        } catch {
          errors += 1;
        }
      }
    };
    send({ type: 'phase-start', phase });
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await Promise.all(Array.from({ length: plan.connections }, connection));
    const durationMs = performance.now() - start;
    send({ type: 'phase-end', phase, cpuMs: cpuMsSince(cpuStart) });
    latencies.sort((a, b) => a - b);
    return {
      requests: latencies.length + errors,
      durationMs,
      expected,
      unexpected,
      errors,
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP99Ms: percentile(latencies, 0.99),
    };
  };
  const cached = await round('cached', false);
  const notModified = await round('notModified', true);
  await pool.close();
  send({ type: 'result', storm: storm.result, cached, notModified });
}

/**
 * The storm: PUT of the template, then each device, when its push arrives, lists what changed
 * since its tag and GETs its pass with the If-Modified-Since of the version it holds.
 */
async function runStorm(
  plan: StormPlan,
  devices: InstalledDevice[],
  pool: Pool,
  paths: {
    listPath: (device: InstalledDevice, tag: string) => string;
    passPath: (device: InstalledDevice) => string;
    applePass: (device: InstalledDevice) => string;
  },
  standIn: ApnsStandIn,
  send: (message: LoadMessage) => void,
): Promise<{ result: StormResult; lastModified: string[] }> {
  const byToken = new Map(devices.map((device, index) => [device.pushToken, index]));
  const lastModified: string[] = new Array<string>(devices.length);
  const pushedAt: number[] = new Array<number>(devices.length);
  const pushToServed: number[] = [];
  const queue: number[] = [];
  let head = 0;
  let active = 0;
  let served = 0;
  let failures = 0;
  let firstFailure = '';
  let pushes = 0;
  let firstPushAt = 0;
  let lastPushAt = 0;
  let lastServedAt = 0;
  let packageBytes = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const serve = async (index: number): Promise<void> => {
    const device = devices[index];
    const listed = await call(pool, 'GET', paths.listPath(device, device.tag), {});
    if (listed.status !== 200) throw new Error(`list: ${listed.status}`);
    const changed = JSON.parse(listed.body.toString('utf8')) as { serialNumbers: string[]; lastUpdated: string };
    if (!changed.serialNumbers.includes(device.serialNumber)) throw new Error(`list: ${device.serialNumber} not among ${changed.serialNumbers.join(', ')}`);
    const latest = await call(pool, 'GET', paths.passPath(device), {
      authorization: paths.applePass(device),
      'if-modified-since': device.lastModified,
    });
    if (latest.status !== 200 || latest.headers['content-type'] !== 'application/vnd.apple.pkpass' || latest.body.length === 0) {
      throw new Error(`pass: ${latest.status} ${latest.headers['content-type']} ${latest.body.length} bytes`);
    }
    lastModified[index] = String(latest.headers['last-modified']);
    packageBytes = latest.body.length;
  };
  const pump = () => {
    while (active < plan.connections && head < queue.length) {
      const index = queue[head++];
      active += 1;
      serve(index)
        .then(
          () => {
            served += 1;
            lastServedAt = performance.now();
            pushToServed.push(lastServedAt - pushedAt[index]);
          },
          (error: unknown) => {
            failures += 1;
            firstFailure ||= (error as Error).message;
          },
        )
        .finally(() => {
          active -= 1;
          if (served + failures === devices.length) finish();
          else pump();
        });
    }
  };
  const wake = (token: string) => {
    const index = byToken.get(token);
    if (index === undefined || pushedAt[index] !== undefined) return;
    const now = performance.now();
    pushedAt[index] = now;
    pushes += 1;
    firstPushAt ||= now;
    lastPushAt = now;
    queue.push(index);
    pump();
  };
  // Each push the stand-in accepted wakes its device; the record is emptied as it is read.
  const watching = (async () => {
    while (pushes < devices.length) {
      await standIn.waitForRequests(1, STORM_TIMEOUT_MS);
      for (const push of standIn.requests.splice(0)) if (!refusedByStandIn(push)) wake(push.token!);
    }
  })();
  watching.catch(() => undefined);

  send({ type: 'phase-start', phase: 'storm' });
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const put = await call(
    pool,
    'PUT',
    `/api/v1/templates/${plan.templateId}?api_token=${plan.apiKey}`,
    { 'content-type': 'application/json' },
    JSON.stringify({ description: NEW_DESCRIPTION }),
  );
  const putMs = performance.now() - start;
  if (put.status !== 200) throw new Error(`PUT template: ${put.status} ${put.body.toString('utf8')}`);
  const timeout = setTimeout(() => {
    failures += devices.length - served - failures;
    firstFailure ||= `${served} of ${devices.length} devices served after ${STORM_TIMEOUT_MS / 1000} s (${pushes} pushes arrived)`;
    finish();
  }, STORM_TIMEOUT_MS);
  await finished;
  clearTimeout(timeout);
  send({ type: 'phase-end', phase: 'storm', cpuMs: cpuMsSince(cpuStart) });
  const sorted = pushToServed.sort((a, b) => a - b);
  return {
    lastModified,
    result: {
      devices: devices.length,
      served,
      failures,
      firstFailure,
      durationMs: lastServedAt - start,
      putMs,
      firstPushMs: firstPushAt - start,
      lastPushMs: lastPushAt - start,
      pushes,
      pushToServedP50Ms: median(sorted),
      pushToServedP99Ms: percentile(sorted, 0.99),
      packageBytes,
    },
  };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / 1000;
}

if (require.main === module && process.argv[2] === LOAD_FLAG) {
  // The devices take in the service's 28 KiB packages as fast as it sends them, each an
  // ArrayBuffer: with the service's V8 setting for those (src/v8-settings.ts) rather than a
  // mark-compact every few hundred milliseconds, 0.39-0.41 ms of CPU per device against 0.46-0.53
  // in alternating storms on SQLite (21:27-21:29), CPU the service shares the two cores with.
  applyServiceV8Flags();
  loadProcess().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
