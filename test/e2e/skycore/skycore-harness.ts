import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { XMLParser } from 'fast-xml-parser';
import { join } from 'node:path';
import request from 'supertest';
import { CreateAccount } from '../../../src/application/create-account.use-case';
import { CreateTemplate } from '../../../src/application/create-template.use-case';
import { createApp } from '../../../src/bootstrap';
import type { TemplateDefinition } from '../../../src/domain/pass-template';
import { aTemplateDefinition } from '../../support/builders';
import { opensslVerify, passJsonOf, PkpassFiles, sha1Hex, unzipPkpass } from '../../support/pkpass';
import { dropTestDatabase, testAppConfig } from '../../support/test-app-config';

export const ENDPOINT = '/API/wxml/1.3/index.php';

/** A parsed `<RESPONSE>`: element name → text, PASSTEMPLATE nested. */
export type SkycoreAnswer = Record<string, string | Record<string, string>>;

// The tests read answers with an independent parser, entities decoded as a client's parser would.
const responseParser = new XMLParser({ parseTagValue: false, trimValues: true, processEntities: true });

/** A running service with its own database, and helpers to talk Skycore to it. */
export function skycoreService(env: NodeJS.ProcessEnv = {}) {
  const setup = testAppConfig(env);
  let app: NestFastifyApplication;

  const service = {
    setup,
    get app() {
      return app;
    },
    server: () => app.getHttpServer(),
    async start() {
      app = await createApp(setup.config);
      await app.getHttpAdapter().getInstance().ready();
    },
    async stop() {
      await app?.close();
      await dropTestDatabase(setup.env);
    },
    async account(name: string): Promise<{ id: number; apiKey: string }> {
      const { account, apiKey } = await app.get(CreateAccount).execute(name);
      return { id: account.id, apiKey };
    },
    async template(accountId: number, overrides: Partial<TemplateDefinition> = {}): Promise<number> {
      const { passTypeId: _ignored, ...definition } = aTemplateDefinition(overrides);
      const template = await app.get(CreateTemplate).execute({ accountId, passTypeId: null, definition });
      return template.id;
    },
    /** POSTs a document as text/xml and checks the envelope's transport properties. */
    async xml(document: string): Promise<SkycoreAnswer> {
      const response = await request(app.getHttpServer()).post(ENDPOINT).set('content-type', 'text/xml').send(document);
      return answerOf(response);
    },
    async get(query: Record<string, string>): Promise<SkycoreAnswer> {
      return answerOf(await request(app.getHttpServer()).get(ENDPOINT).query(query));
    },
    /** Downloads a DOWNLOADURL through the public route, checks manifest and signature, and returns the files. */
    async download(downloadUrl: string): Promise<PkpassFiles> {
      const path = new URL(downloadUrl).pathname;
      const response = await request(app.getHttpServer()).get(path).buffer(true).parse(binary).expect(200);
      const files = unzipPkpass(response.body as Buffer);
      const manifest = JSON.parse(files['manifest.json'].toString('utf8')) as Record<string, string>;
      expect(Object.keys(manifest).sort()).toEqual(Object.keys(files).filter((name) => name !== 'manifest.json' && name !== 'signature').sort());
      for (const [name, hash] of Object.entries(manifest)) expect(sha1Hex(files[name])).toBe(hash);
      const verified = opensslVerify(files, join(setup.dir, 'certs', 'wwdr.pem'));
      expect(verified.output).not.toMatch(/error/i);
      expect(verified.ok).toBe(true);
      return files;
    },
  };
  return service;
}

/** Every answer: HTTP 200, text/xml in UTF-8, one <RESPONSE> with a STATUS. */
export function answerOf(response: request.Response): SkycoreAnswer {
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
  const parsed = responseParser.parse(response.text) as { RESPONSE?: SkycoreAnswer };
  expect(parsed.RESPONSE).toBeDefined();
  expect(['Success', 'Failure']).toContain(parsed.RESPONSE!.STATUS);
  return parsed.RESPONSE!;
}

export function requestXml(action: string, apiKey: string | null, inner = ''): string {
  const key = apiKey === null ? '' : `<API_KEY>${apiKey}</API_KEY>`;
  return `<REQUEST><ACTION>${action}</ACTION>${key}${inner}</REQUEST>`;
}

export function passDataXml(data: Record<string, string>): string {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<PASSDATA>${Object.entries(data)
    .map(([name, value]) => `<${name}>${escape(value)}</${name}>`)
    .join('')}</PASSDATA>`;
}

export function expectFailure(answer: SkycoreAnswer, code: string): void {
  expect({ status: answer.STATUS, code: answer.ERRORCODE }).toEqual({ status: 'Failure', code });
  expect(typeof answer.ERRORINFO === 'string' && answer.ERRORINFO.length > 0).toBe(true);
}

export function expectSuccess(answer: SkycoreAnswer): void {
  expect({ status: answer.STATUS, code: answer.ERRORCODE, info: answer.ERRORINFO }).toEqual({
    status: 'Success',
    code: undefined,
    info: undefined,
  });
}

export { passJsonOf };

/** Collects a binary body, which supertest leaves alone for unknown content types. */
function binary(response: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}
