import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { compiledEntry, PROJECT_ROOT, removeCompiled, runEntry } from '../support/compiled-service';
import { createThrowawayCerts } from '../support/throwaway-certs';
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
