import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import request from 'supertest';
import { CreateAccount } from '../../../src/application/create-account.use-case';
import { CreateTemplate } from '../../../src/application/create-template.use-case';
import { IssueOrUpdatePass } from '../../../src/application/issue-or-update-pass.use-case';
import { PreparePassData } from '../../../src/application/prepare-pass-data.use-case';
import { createApp } from '../../../src/bootstrap';
import type { Pass } from '../../../src/domain/pass';
import { aTemplateDefinition } from '../../support/builders';
import { opensslVerify, passJsonOf, sha1Hex, unzipPkpass } from '../../support/pkpass';
import { dropTestDatabase, testAppConfig } from '../../support/test-app-config';

const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const MAC_SAFARI =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const DESKTOP_CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const IPHONE_CHROME =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1';

/** Collects a binary body, which supertest leaves alone for unknown content types. */
function binary(response: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('public pass links', () => {
  const setup = testAppConfig();
  let app: NestFastifyApplication;
  let pass: Pass;
  let unissued: Pass;

  beforeAll(async () => {
    app = await createApp(setup.config);
    await app.getHttpAdapter().getInstance().ready();
    const { account } = await app.get(CreateAccount).execute('Distribution test');
    const template = await app.get(CreateTemplate).execute({
      accountId: account.id,
      passTypeId: null,
      definition: { ...aTemplateDefinition({ description: 'Gala <b>"night"</b> & more' }) },
    });
    ({ pass } = await app.get(IssueOrUpdatePass).execute({
      accountId: account.id,
      templateId: template.id,
      serialNumber: 'GALA/2026 #1',
      content: { fields: { name: { value: 'Ada' } } },
    }));
    unissued = await app.get(PreparePassData).execute({
      accountId: account.id,
      templateId: template.id,
      content: {},
      recipient: null,
    });
  });

  afterAll(async () => {
    await app?.close();
    await dropTestDatabase(setup.env);
  });

  const server = () => app.getHttpServer();

  it('serves the signed package at the download link', async () => {
    const response = await request(server())
      .get(`/passes/${pass.id}/${pass.webToken}.pkpass`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(response.headers['content-type']).toBe('application/vnd.apple.pkpass');
    expect(response.headers['content-disposition']).toBe('attachment; filename="GALA_2026_1.pkpass"');
    expect(response.headers['cache-control']).toBe('private, no-cache');
    const files = unzipPkpass(response.body as Buffer);
    const manifest = JSON.parse(files['manifest.json'].toString('utf8')) as Record<string, string>;
    for (const [name, hash] of Object.entries(manifest)) expect(sha1Hex(files[name])).toBe(hash);
    const verified = opensslVerify(files, join(setup.dir, 'certs', 'wwdr.pem'));
    expect(verified.output).not.toMatch(/error/i);
    expect(verified.ok).toBe(true);
    const passJson = passJsonOf(files);
    expect(passJson.serialNumber).toBe('GALA/2026 #1');
    expect(passJson.description).toBe('Gala <b>"night"</b> & more');
    expect(JSON.stringify(passJson.generic)).toContain('"value":"Ada"');
  });

  it('answers every wrong link with the same 404, never saying which part was wrong', async () => {
    const wrongToken = pass.webToken.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const links = [
      `/passes/${pass.id}/${wrongToken}.pkpass`,
      `/passes/${pass.id + 1000}/${pass.webToken}.pkpass`,
      `/passes/${pass.id}/${pass.webToken}`,
      `/passes/${pass.id}/${pass.webToken}.zip`,
      `/passes/abc/${pass.webToken}.pkpass`,
      `/passes/${pass.id}.0/${pass.webToken}.pkpass`,
      `/passes/99999999999999999999/${pass.webToken}.pkpass`,
      `/passes/${unissued.id}/${unissued.webToken}.pkpass`,
      `/p/${pass.id}/${wrongToken}`,
      `/p/${pass.id + 1000}/${pass.webToken}`,
      `/p/${unissued.id}/${unissued.webToken}`,
    ];
    const bodies = new Set<string>();
    for (const link of links) {
      const response = await request(server()).get(link).set('User-Agent', IPHONE_SAFARI);
      expect({ link, status: response.status }).toEqual({ link, status: 404 });
      bodies.add(`${response.headers['content-type']} ${response.text}`);
    }
    expect([...bodies]).toEqual(['text/plain; charset=utf-8 Not found\n']);
  });

  it.each([
    ['iPhone Safari', IPHONE_SAFARI],
    ['macOS Safari', MAC_SAFARI],
  ])('hands %s the pass itself at the landing link', async (_name, userAgent) => {
    const response = await request(server())
      .get(`/p/${pass.id}/${pass.webToken}`)
      .set('User-Agent', userAgent)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(response.headers['content-type']).toBe('application/vnd.apple.pkpass');
    expect(response.headers['vary']).toMatch(/User-Agent/i);
    expect(passJsonOf(unzipPkpass(response.body as Buffer)).serialNumber).toBe('GALA/2026 #1');
  });

  it.each([
    ['desktop Chrome', DESKTOP_CHROME],
    ['Chrome on iPhone', IPHONE_CHROME],
    ['no user agent', ''],
  ])('shows %s a page with the description and the download link, escaped', async (_name, userAgent) => {
    const response = await request(server()).get(`/p/${pass.id}/${pass.webToken}`).set('User-Agent', userAgent).expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['vary']).toMatch(/User-Agent/i);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.text).toContain('<h1>Gala &lt;b&gt;&quot;night&quot;&lt;/b&gt; &amp; more</h1>');
    expect(response.text).not.toContain('<b>');
    expect(response.text).toContain(`href="https://passes.test/passes/${pass.id}/${pass.webToken}.pkpass"`);
  });

});
