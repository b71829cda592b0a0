import { performance } from 'node:perf_hooks';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../../src/config/app-config';
import { percentile } from '../lib/rounds';
import type { BenchContext, CaseResult, Figure, Metrics, Scenario } from '../lib/scenario';
import { dropServiceSchema, seedAccountAndTemplate, serviceEnvironment } from '../lib/service-environment';

const CASES = {
  signal: 'the service: a change wakes its push worker (PendingPushesSignal)',
  poll: 'the same service with the signal silenced: the worker finds the push at its next idle poll (every 200 ms)',
} as const;

/** Changes measured per case, after WARM_UP_UPDATES that are not. */
function updateCount(context: BenchContext): number {
  return context.quick ? 15 : 60;
}
const WARM_UP_UPDATES = 3;

/**
 * The pause between two changes, drawn from this range: a change comes at a random point of the
 * worker's idle poll, as a client's change would.
 */
const PAUSE_MS = { least: 50, most: 250 };

/**
 * How soon one change reaches a device: one pass installed on one device, then change after change
 * through the Passdock API (`PUT /api/v1/templates/:id/passes/:id`, a new gate), each timed from
 * sending the PUT to its push reaching the APNs stand-in (test/support/apns-stand-in.ts, in this
 * process, with PUSH_MODE=apns towards it). The baseline is the same service with the signal
 * silenced: what it did before the push worker listened for it.
 */
export const pushLatencyScenario: Scenario = {
  name: 'push-latency',
  title: 'Push latency: one pass change (Passdock PUT) until its push reaches the APNs stand-in',
  cases: ['signal', 'poll'],

  async run(caseName: string, context: BenchContext): Promise<Metrics> {
    const { Logger } = await import('@nestjs/common');
    Logger.overrideLogger(['error']);
    const { ApnsStandIn } = await import('../../test/support/apns-stand-in');
    const standIn = await ApnsStandIn.start();
    const { env, schema } = serviceEnvironment(`push_latency_${caseName}_${process.pid}`, context, {
      PUSH_MODE: 'apns',
      APNS_HOST: standIn.host,
      APNS_PORT: String(standIn.port),
      APNS_CA_FILE: standIn.caFile,
    });
    const { loadAppConfig } = await import('../../src/config/app-config');
    const config = loadAppConfig(env, context.workDir);
    const app = caseName === 'signal' ? await (await import('../../src/bootstrap')).createApp(config) : await silencedApp(config);
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const { apiKey, template, passType } = await seedAccountAndTemplate(app, context);
      const passPath = await installOnePass(origin, apiKey, template.id, passType.passTypeIdentifier);

      const toPush: number[] = [];
      const toAnswer: number[] = [];
      const updates = updateCount(context);
      for (let index = 0; index < WARM_UP_UPDATES + updates; index++) {
        const before = standIn.requests.length;
        const start = performance.now();
        const answer = await fetch(`${origin}${passPath}?api_token=${apiKey}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ pass: { gate: String(index % 90) } }),
        });
        const answeredAt = performance.now();
        if (answer.status !== 200) throw new Error(`PUT pass: ${answer.status} ${await answer.text()}`);
        await standIn.waitForRequests(before + 1, 5_000);
        const pushedAt = performance.now();
        if (index >= WARM_UP_UPDATES) {
          toPush.push(pushedAt - start);
          toAnswer.push(answeredAt - start);
        }
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS.least + Math.random() * (PAUSE_MS.most - PAUSE_MS.least)));
      }
      toPush.sort((a, b) => a - b);
      toAnswer.sort((a, b) => a - b);
      return {
        updates,
        pushP50Ms: percentile(toPush, 0.5),
        pushP90Ms: percentile(toPush, 0.9),
        pushMaxMs: toPush[toPush.length - 1],
        answerP50Ms: percentile(toAnswer, 0.5),
        answerP90Ms: percentile(toAnswer, 0.9),
        postgres: context.postgresUrl === null ? 0 : 1,
      };
    } finally {
      await app.close();
      await standIn.close();
      if (schema !== null) await dropServiceSchema(context.postgresUrl!, schema);
    }
  },

  figures(results: Record<string, CaseResult>, context: BenchContext): Figure[] {
    const signal = results.signal.metrics;
    const poll = results.poll.metrics;
    const database = signal.postgres ? 'PostgreSQL' : 'SQLite';
    return [
      {
        figure: 'one pass change until its push reaches the APNs stand-in (Passdock PUT → push), p50',
        unit: 'ms',
        value: signal.pushP50Ms,
        baseline: { label: CASES.poll, value: poll.pushP50Ms },
        note:
          `${signal.updates} changes one after another, 50–250 ms apart, one pass on one device, ${database}; ` +
          `p90 ${signal.pushP90Ms.toFixed(1)} ms, slowest ${signal.pushMaxMs.toFixed(1)} ms (baseline p90 ${poll.pushP90Ms.toFixed(1)} ms, slowest ${poll.pushMaxMs.toFixed(1)} ms); ` +
          `the PUT's own answer p50 ${signal.answerP50Ms.toFixed(1)} ms, p90 ${signal.answerP90Ms.toFixed(1)} ms (baseline ${poll.answerP50Ms.toFixed(1)} ms, ${poll.answerP90Ms.toFixed(1)} ms)` +
          (context.quick ? ' (--quick: fewer changes)' : ''),
      },
      {
        figure: 'peak RSS, push latency',
        unit: 'MB',
        value: results.signal.peakRssMb,
        baseline: { label: CASES.poll, value: results.poll.peakRssMb },
        target: { text: '≤ 400 MB', met: results.signal.peakRssMb <= 400 },
        note: "getrusage maxrss of the case's process: the service, and the APNs stand-in beside it in the same process",
      },
    ];
  },
};

/** The service with PendingPushesSignal silenced, as the Passdock scenario's stock case overrides the packager. */
async function silencedApp(config: AppConfig): Promise<NestFastifyApplication> {
  const { Test } = await import('@nestjs/testing');
  const { AppModule } = await import('../../src/app.module');
  const { APP_OPTIONS, configureApp, createHttpAdapter } = await import('../../src/bootstrap');
  const { InProcessPendingPushesSignal } = await import('../../src/adapters/outbound/push/in-process-pending-pushes.signal');
  class SilencedPendingPushesSignal extends InProcessPendingPushesSignal {
    override pushesQueued(): void {}
  }
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(InProcessPendingPushesSignal)
    .useClass(SilencedPendingPushesSignal)
    .compile();
  return configureApp(moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), APP_OPTIONS));
}

/** A pass created through the Passdock API and registered by one device, as Wallet does; returns the pass's Passdock path. */
async function installOnePass(origin: string, apiKey: string, templateId: number, passTypeIdentifier: string): Promise<string> {
  const serialNumber = 'LATENCY-1';
  const created = await fetch(`${origin}/api/v1/templates/${templateId}/passes?api_token=${apiKey}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pass: { serial_number: serialNumber, gate: '1' } }),
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
  const { id, download } = (await created.json()) as { id: number; download: string };
  const downloaded = await fetch(`${origin}${new URL(download).pathname}`);
  const { passJsonOf, unzipPkpass } = await import('../../test/support/pkpass');
  const { authenticationToken } = passJsonOf(unzipPkpass(Buffer.from(await downloaded.arrayBuffer()))) as { authenticationToken: string };
  const registered = await fetch(`${origin}/wallet/v1/devices/latency-device/registrations/${passTypeIdentifier}/${serialNumber}`, {
    method: 'POST',
    headers: { authorization: `ApplePass ${authenticationToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ pushToken: 'ab'.repeat(32) }),
  });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  return `/api/v1/templates/${templateId}/passes/${id}`;
}
