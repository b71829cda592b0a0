import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { issueSignerCertificate } from '../../../src/adapters/outbound/signing/certs-directory';
import { CreateAccount } from '../../../src/application/create-account.use-case';
import { createApp } from '../../../src/bootstrap';
import { PNG_1X1 } from '../../support/builders';
import { dropTestDatabase, testAppConfig } from '../../support/test-app-config';

/** A 1×1 PNG as base64, for image parameters. */
export const PNG_BASE64 = Buffer.from(PNG_1X1).toString('base64');
export const JPEG_BASE64 = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]).toString('base64');

/** The template of the create-pass page's examples (template 106, "Passdock Airways"), as its documentation shows it. */
export const SEED_FAMILY = {
  title: 'Passdock Airways',
  kind_id: 1,
  organization_name: 'Passdock Airways',
  header: [{ key: 'gate', label: 'GATE', value: '', changeMessage: 'Gate changed to %@' }],
  primary: [
    { key: 'from', label: 'FROM', value: '', changeMessage: 'Departure changed in %@' },
    { key: 'to', label: 'TO', value: '', changeMessage: 'Destination changed to %@' },
  ],
  secondary: [{ key: 'name', label: 'NAME', value: '', changeMessage: 'Passenger name changed to %@' }],
  auxiliary: [
    {
      key: 'departure',
      label: 'DEPARTURE',
      value: '',
      changeMessage: 'Departure time changed to %@',
      dateStyle: 'PKDateStyleMedium',
      timeStyle: 'PKDateStyleMedium',
    },
  ],
  back: [{ key: 'passport', label: 'PASSPORT', value: '', changeMessage: '' }],
  bar: { altText: '', format: 'PKBarcodeFormatQR', message: '', messageEncoding: 'iso-8859-1' },
  custom: [{ transitType: 'PKTransitTypeAir' }],
  relevance: { relevantDate: '' },
  visual: { backgroundColor: 'rgb(237,184,61)', foregroundColor: 'rgb(255,255,255)', labelColor: '', logoText: 'Passdock Airways' },
};

export interface PassdockTestApp {
  app: NestFastifyApplication;
  dir: string;
  server: () => ReturnType<NestFastifyApplication['getHttpServer']>;
  /** A new account's API key. */
  newAccount: (name?: string) => Promise<string>;
  /** Creates a template through the API (form encoding) and returns its id. */
  createTemplate: (apiKey: string, family?: Record<string, unknown>, extra?: Record<string, string>) => Promise<number>;
  close: () => Promise<void>;
}

/** A passgate service for one test file, with its own database and certificates. */
export async function startPassdockApp(): Promise<PassdockTestApp> {
  const setup = testAppConfig();
  const app = await createApp(setup.config);
  await app.getHttpAdapter().getInstance().ready();
  const server = () => app.getHttpServer();
  let accounts = 0;
  return {
    app,
    dir: setup.dir,
    server,
    newAccount: async (name = `Account ${(accounts += 1)}`) => (await app.get(CreateAccount).execute(name)).apiKey,
    createTemplate: async (apiKey, family = SEED_FAMILY, extra = {}) => {
      const response = await request(server())
        .post(`/api/v1/templates?api_token=${apiKey}`)
        .type('form')
        .send({
          description: 'Boarding pass',
          icon: JSON.stringify({ filename: 'icon.png', data: PNG_BASE64 }),
          family: JSON.stringify(family),
          errors: 'true',
          ...extra,
        });
      if (response.status !== 201) throw new Error(`template create: ${response.status} ${response.text}`);
      return (response.body as { id: number }).id;
    },
    close: async () => {
      await app.close();
      await dropTestDatabase(setup.env);
    },
  };
}

/** Collects a binary body, which supertest leaves alone for unknown content types. */
export function binary(response: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

/**
 * A Pass Type ID certificate as Passdock clients upload it (`certificate[data]`, base64 .p12),
 * issued by the development CA in the service's CERTS_DIR so its passes verify against wwdr.pem.
 */
export async function passTypeP12(certsDir: string, passTypeIdentifier: string, password: string): Promise<string> {
  const ca = {
    certificatePem: readFileSync(join(certsDir, 'wwdr.pem'), 'utf8'),
    privateKeyPem: readFileSync(join(certsDir, 'dev-ca-key.pem'), 'utf8'),
  };
  const signer = await issueSignerCertificate(ca, { passTypeIdentifier, teamIdentifier: 'ABCDE12345' });
  const dir = mkdtempSync(join(tmpdir(), 'passgate-p12-'));
  writeFileSync(join(dir, 'cert.pem'), signer.certificatePem);
  writeFileSync(join(dir, 'key.pem'), signer.privateKeyPem);
  execFileSync('openssl', [
    'pkcs12', '-export', '-in', join(dir, 'cert.pem'), '-inkey', join(dir, 'key.pem'),
    '-passout', `pass:${password}`, '-out', join(dir, 'signer.p12'),
  ]);
  return readFileSync(join(dir, 'signer.p12')).toString('base64');
}
