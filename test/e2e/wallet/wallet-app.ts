import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { CreateAccount } from '../../../src/application/create-account.use-case';
import { createApp } from '../../../src/bootstrap';
import { ApnsStandIn } from '../../support/apns-stand-in';
import { passJsonOf, unzipPkpass } from '../../support/pkpass';
import { dropTestDatabase, testAppConfig } from '../../support/test-app-config';
import { binary, PNG_BASE64, SEED_FAMILY } from '../passdock/passdock-app';

/** What a device knows of a pass once it has it: what pass.json says. */
export interface InstalledPass {
  passId: number;
  serialNumber: string;
  passTypeIdentifier: string;
  authenticationToken: string;
  webServiceURL: string;
}

/**
 * A passgate service whose pushes go to a local APNs stand-in, restartable on the same database
 * (a push queued before a restart must still arrive after it).
 */
export class WalletTestApp {
  app!: NestFastifyApplication;
  private readonly setup: ReturnType<typeof testAppConfig>;

  private constructor(readonly apns: ApnsStandIn) {
    this.setup = testAppConfig({
      PUSH_MODE: 'apns',
      APNS_HOST: apns.host,
      APNS_PORT: String(apns.port),
      APNS_CA_FILE: apns.caFile,
    });
  }

  static async start(): Promise<WalletTestApp> {
    const service = new WalletTestApp(await ApnsStandIn.start());
    await service.startApp();
    return service;
  }

  async startApp(): Promise<void> {
    this.app = await createApp(this.setup.config);
    await this.app.getHttpAdapter().getInstance().ready();
  }

  async stopApp(): Promise<void> {
    await this.app.close();
  }

  /** The service's CERTS_DIR (its development CA is `wwdr.pem` there). */
  get certsDir(): string {
    return this.setup.config.certsDir;
  }

  server(): ReturnType<NestFastifyApplication['getHttpServer']> {
    return this.app.getHttpServer();
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.apns.close();
    await dropTestDatabase(this.setup.env);
  }

  async newAccount(name = 'Wallet test'): Promise<string> {
    return (await this.app.get(CreateAccount).execute(name)).apiKey;
  }

  async createTemplate(apiKey: string): Promise<number> {
    const response = await request(this.server())
      .post(`/api/v1/templates?api_token=${apiKey}`)
      .type('form')
      .send({
        description: 'Boarding pass',
        icon: JSON.stringify({ filename: 'icon.png', data: PNG_BASE64 }),
        family: JSON.stringify(SEED_FAMILY),
        errors: 'true',
      });
    if (response.status !== 201) throw new Error(`template create: ${response.status} ${response.text}`);
    return (response.body as { id: number }).id;
  }

  /** Issues a pass through the Passdock API and "installs" it: downloads it and reads its pass.json. */
  async issueAndInstall(
    apiKey: string,
    templateId: number,
    serialNumber: string,
    values: Record<string, unknown> = { gate: '12' },
  ): Promise<InstalledPass> {
    const created = await request(this.server())
      .post(`/api/v1/templates/${templateId}/passes?api_token=${apiKey}`)
      .type('form')
      .send({ pass: JSON.stringify({ serial_number: serialNumber, ...values }) })
      .expect(201);
    const body = created.body as { id: number; download: string };
    const pass = passJsonOf(unzipPkpass(await this.download(new URL(body.download).pathname)));
    return {
      passId: body.id,
      serialNumber: pass.serialNumber as string,
      passTypeIdentifier: pass.passTypeIdentifier as string,
      authenticationToken: pass.authenticationToken as string,
      webServiceURL: pass.webServiceURL as string,
    };
  }

  async download(path: string, headers: Record<string, string> = {}): Promise<Buffer> {
    const response = await request(this.server()).get(path).set(headers).buffer(true).parse(binary).expect(200);
    return response.body as Buffer;
  }
}

/** A device's push token: 32 bytes as hex, as APNs hands them out. */
export function pushToken(seed: number): string {
  return seed.toString(16).padStart(2, '0').repeat(32);
}
