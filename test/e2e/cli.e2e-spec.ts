import { Test } from '@nestjs/testing';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PasskitGeneratorPassPackager } from '../../src/adapters/outbound/signing/passkit-generator-pass.packager';
import { AuthenticateApiKey } from '../../src/application/authenticate-api-key.use-case';
import { ConfigModule } from '../../src/config/config.module';
import { CoreModule } from '../../src/core.module';
import { PassTypeRepository } from '../../src/domain/ports/pass-type.repository';
import { unzipPkpass, zipPkpass } from '../support/pkpass';
import { packageInput } from '../support/signing-fixtures';
import { createThrowawayCerts } from '../support/throwaway-certs';
import { compiledEntry, removeCompiled, runEntry } from '../support/compiled-service';
import { dropTestDatabase, testAppConfig } from '../support/test-app-config';

describe('the CLI', () => {
  const setup = testAppConfig();
  const cli = (...args: string[]) => runEntry('cli', args, setup.env);

  beforeAll(() => {
    compiledEntry('cli');
  }, 120_000);

  afterAll(async () => {
    removeCompiled();
    await dropTestDatabase(setup.env);
  });

  async function withCore<T>(use: (get: <S>(type: abstract new (...args: never[]) => S) => S) => Promise<T>): Promise<T> {
    const module = await Test.createTestingModule({ imports: [ConfigModule.forRoot(setup.config), CoreModule] }).compile();
    await module.init();
    try {
      return await use((type) => module.get(type as never));
    } finally {
      await module.close();
    }
  }

  it('account:create prints exactly one line of JSON with the key, and the key works', async () => {
    const result = await cli('account:create', '--name', 'Acme');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    const printed = JSON.parse(lines[0]);
    expect(printed).toEqual({ id: expect.any(Number), name: 'Acme', apiKey: expect.stringMatching(/^pg_[0-9a-f]{16}[A-Za-z0-9_-]{43}$/) });
    const account = await withCore((get) => get(AuthenticateApiKey).execute(printed.apiKey));
    expect(account?.id).toBe(printed.id);
  });

  it('account:create without a name fails on stderr', async () => {
    const result = await cli('account:create');
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/--name/);
  });

  it('account:rotate-key prints a new key and the old one stops working', async () => {
    const created = JSON.parse((await cli('account:create', '--name', 'Rotating')).stdout);
    const result = await cli('account:rotate-key', '--id', String(created.id));
    expect(result.code).toBe(0);
    const rotated = JSON.parse(result.stdout);
    expect(rotated).toEqual({ id: created.id, name: 'Rotating', apiKey: expect.stringMatching(/^pg_/) });
    expect(rotated.apiKey).not.toBe(created.apiKey);
    await withCore(async (get) => {
      expect(await get(AuthenticateApiKey).execute(created.apiKey)).toBeNull();
      expect((await get(AuthenticateApiKey).execute(rotated.apiKey))?.id).toBe(created.id);
    });
    const missing = await cli('account:rotate-key', '--id', '987654');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('ACCOUNT_NOT_FOUND');
  });

  it('passtype:import reads a .p12 and adds the pass type to the account', async () => {
    const created = JSON.parse((await cli('account:create', '--name', 'Importer')).stdout);
    const certs = await createThrowawayCerts({ passTypeIdentifier: `pass.com.acme.cli${created.id}`, teamIdentifier: 'ACME123456' });
    writeFileSync(join(certs.dir, 'signer.pem'), certs.signer.certificatePem);
    writeFileSync(join(certs.dir, 'key.pem'), certs.signer.privateKeyPem);
    const p12 = join(certs.dir, 'signer.p12');
    execFileSync('openssl', [
      'pkcs12', '-export', '-in', join(certs.dir, 'signer.pem'), '-inkey', join(certs.dir, 'key.pem'),
      '-passout', 'pass:s3cret', '-out', p12,
    ]);
    const wrong = await cli('passtype:import', '--account', String(created.id), '--p12', p12, '--password', 'nope', '--wwdr', certs.caFile);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('SIGNING_MATERIAL_INVALID');

    const result = await cli('passtype:import', '--account', String(created.id), '--p12', p12, '--password', 's3cret', '--wwdr', certs.caFile);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      accountId: created.id,
      passTypeIdentifier: `pass.com.acme.cli${created.id}`,
      teamIdentifier: 'ACME123456',
      isDefault: true,
      development: true,
    });
    const stored = await withCore((get) => get(PassTypeRepository).findByIdentifier(`pass.com.acme.cli${created.id}`));
    expect(stored?.accountId).toBe(created.id);
  });

  it('pass:verify accepts a signed package and rejects a tampered one', async () => {
    const certs = await createThrowawayCerts();
    const bytes = await new PasskitGeneratorPassPackager(setup.config).package(packageInput(certs.material));
    const valid = join(certs.dir, 'valid.pkpass');
    writeFileSync(valid, bytes);
    const files = unzipPkpass(bytes);
    files['pass.json'] = Buffer.from(files['pass.json'].toString().replace('SERIAL-1', 'SERIAL-2'));
    const tampered = join(certs.dir, 'tampered.pkpass');
    writeFileSync(tampered, zipPkpass(files));

    const ok = await cli('pass:verify', valid, '--ca', certs.caFile);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/VALID/);
    expect(ok.stdout).not.toMatch(/FAIL/);

    const bad = await cli('pass:verify', tampered, '--ca', certs.caFile);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/INVALID/);
    expect(bad.stdout).toMatch(/\[FAIL\] manifest/);

    const missing = await cli('pass:verify', join(certs.dir, 'nope.pkpass'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Cannot read/);
  });
});
