import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { compiledEntry, compiledFile, PROJECT_ROOT, removeCompiled, runEntry } from '../support/compiled-service';
import { opensslVerify, passJsonOf, unzipPkpass } from '../support/pkpass';
import { createThrowawayCerts } from '../support/throwaway-certs';
import { SEED_FAMILY, PNG_BASE64 } from './passdock/passdock-app';
import { dropTestDatabase, testAppConfig } from '../support/test-app-config';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('starting the service', () => {
  const cleanups: NodeJS.ProcessEnv[] = [];

  beforeAll(() => {
    compiledEntry('main');
  }, 120_000);

  afterAll(async () => {
    removeCompiled();
    for (const env of cleanups) await dropTestDatabase(env);
  });

  it('starts, answers /health and stops cleanly on SIGTERM', async () => {
    const { env } = testAppConfig();
    cleanups.push(env);
    const port = await freePort();
    const child = spawn(process.execPath, [compiledEntry('main')], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      let health: Response | undefined;
      for (let attempt = 0; attempt < 150 && !health; attempt += 1) {
        health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        if (!health) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(health?.status).toBe(200);
      expect(await health!.json()).toEqual({ status: 'ok', database: 'up' });
      expect(output).toMatch(/development/i);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('stopped');
  }, 60_000);

  // Which thread built the packages cannot be seen from outside the process: the next test counts them.
  it('signs passes with PACKAGE_BUILD_THREADS=2 and serves them', async () => {
    const { env, dir } = testAppConfig();
    cleanups.push(env);
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const serviceEnv = { PATH: process.env.PATH, ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_BASE_URL: origin, PACKAGE_BUILD_THREADS: '2', LOG_LEVEL: 'info' };
    const account = await runEntry('cli', ['account:create', '--name', 'Threads'], serviceEnv);
    expect(account.code).toBe(0);
    const { apiKey } = JSON.parse(account.stdout) as { apiKey: string };
    const child = spawn(process.execPath, [compiledEntry('main')], { cwd: PROJECT_ROOT, env: serviceEnv });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      for (let attempt = 0; attempt < 150; attempt += 1) {
        if ((await fetch(`${origin}/health`).catch(() => undefined))?.ok) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const template = await fetch(`${origin}/api/v1/templates?api_token=${apiKey}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ description: 'Boarding pass', icon: { filename: 'icon.png', data: PNG_BASE64 }, family: SEED_FAMILY }),
      });
      expect(template.status).toBe(201);
      const { id: templateId } = (await template.json()) as { id: number };
      // More passes at once than threads, so that both threads build and jobs queue behind them.
      const downloads = await Promise.all(
        Array.from({ length: 6 }, async (_, index) => {
          const created = await fetch(`${origin}/api/v1/templates/${templateId}/passes?api_token=${apiKey}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ pass: { serial_number: `THREAD-${index}`, name: `Passenger ${index}`, from: 'SFO', to: 'JFK' } }),
          });
          expect(created.status).toBe(201);
          const { download } = (await created.json()) as { download: string };
          const response = await fetch(download);
          expect(response.status).toBe(200);
          return Buffer.from(await response.arrayBuffer());
        }),
      );
      const caFile = join(dir, 'certs', 'wwdr.pem');
      for (const [index, bytes] of downloads.entries()) {
        const files = unzipPkpass(bytes);
        expect(opensslVerify(files, caFile).ok).toBe(true);
        expect(passJsonOf(files)).toMatchObject({ serialNumber: `THREAD-${index}`, passTypeIdentifier: 'pass.dev.passgate.local' });
      }
      expect(readFileSync(caFile, 'utf8')).toMatch(/BEGIN CERTIFICATE/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('stopped');
    // The request log (LOG_LEVEL=info): one line per request, the API key replaced in its URL.
    const requestLines = output
      .split('\n')
      .filter((line) => line.includes('"request completed"'))
      .map((line) => JSON.parse(line) as { req: { method: string; url: string }; res: { statusCode: number } });
    expect(requestLines).toContainEqual(
      expect.objectContaining({ req: expect.objectContaining({ method: 'POST', url: '/api/v1/templates?api_token=[redacted]' }), res: { statusCode: 201 } }),
    );
    const downloadLines = requestLines.filter((line) => line.req.method === 'GET' && /^\/passes\/\d+\/[^/]+\.pkpass$/.test(line.req.url));
    expect(downloadLines.map((line) => line.res.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(output).not.toContain(apiKey);
  }, 60_000);

  it('builds the packages it serves on its package build threads, not on the event loop', async () => {
    // The compiled application as main.js creates it, but in this process, where its threads can be counted.
    const { createApp } = (await import(compiledFile('bootstrap.js'))) as typeof import('../../src/bootstrap');
    const { loadAppConfig } = (await import(compiledFile('config/app-config.js'))) as typeof import('../../src/config/app-config');
    const { CreateAccount } = (await import(
      compiledFile('application/create-account.use-case.js')
    )) as typeof import('../../src/application/create-account.use-case');
    const { WorkerThreadPassPackager } = (await import(
      compiledFile('adapters/outbound/signing/worker-thread-pass.packager.js')
    )) as typeof import('../../src/adapters/outbound/signing/worker-thread-pass.packager');
    const { env, dir } = testAppConfig({ PACKAGE_BUILD_THREADS: '2' });
    cleanups.push(env);
    const app = await createApp(loadAppConfig(env, dir));
    try {
      const buildThreads = app.get(WorkerThreadPassPackager, { strict: false });
      expect(buildThreads).toBeInstanceOf(WorkerThreadPassPackager);
      expect(buildThreads.threadUsage).toEqual({ threads: 0, jobs: 0 });
      const { apiKey } = await app.get(CreateAccount, { strict: false }).execute('Threads');
      const template = await app.inject({
        method: 'POST',
        url: `/api/v1/templates?api_token=${apiKey}`,
        payload: { description: 'Boarding pass', icon: { filename: 'icon.png', data: PNG_BASE64 }, family: SEED_FAMILY },
      });
      expect(template.statusCode).toBe(201);
      const templateId = template.json<{ id: number }>().id;
      const created = await app.inject({
        method: 'POST',
        url: `/api/v1/templates/${templateId}/passes?api_token=${apiKey}`,
        payload: { pass: { serial_number: 'ON-A-THREAD', name: 'Ada', from: 'SFO', to: 'JFK' } },
      });
      expect(created.statusCode).toBe(201);

      const download = await app.inject({ method: 'GET', url: new URL(created.json<{ download: string }>().download).pathname });

      expect(download.statusCode).toBe(200);
      expect(passJsonOf(unzipPkpass(download.rawPayload))).toMatchObject({ serialNumber: 'ON-A-THREAD' });
      // Threads start only when WorkerThreadPassPackager is asked for a package.
      expect(buildThreads.threadUsage).toEqual({ threads: 1, jobs: 0 });
    } finally {
      await app.close();
    }
  });

  it('names the variable when the configuration is bad', async () => {
    const { env } = testAppConfig();
    const result = await runEntry('main', [], { ...env, PORT: 'eighty', PUSH_MODE: 'loud' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT="eighty"');
    expect(result.stderr).toContain('PUSH_MODE="loud"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says which database it cannot reach, without the password', async () => {
    const port = await freePort();
    const { env } = testAppConfig();
    const result = await runEntry('main', [], { ...env, DATABASE_URL: `postgres://passgate:hunter2@127.0.0.1:${port}/passgate` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).toMatch(/database/i);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the missing certificate file', async () => {
    const { env, dir } = testAppConfig();
    cleanups.push(env);
    const certs = await createThrowawayCerts();
    mkdirSync(join(dir, 'certs'), { recursive: true });
    writeFileSync(join(dir, 'certs', 'wwdr.pem'), certs.ca.certificatePem);
    writeFileSync(join(dir, 'certs', 'signer-cert.pem'), certs.signer.certificatePem);
    const result = await runEntry('main', [], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('signer-key.pem');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
