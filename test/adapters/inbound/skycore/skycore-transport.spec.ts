import { Body, Controller, Module, Post, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  installSkycoreTransport,
  rawUrlencodedBody,
  SKYCORE_MAX_BODY_BYTES,
  SKYCORE_PATH,
} from '../../../../src/adapters/inbound/skycore/skycore-transport';

@Controller()
class EchoController {
  @Post(SKYCORE_PATH.slice(1))
  skycore(@Body() body: unknown, @Req() req: FastifyRequest) {
    return { body, raw: rawUrlencodedBody(req) };
  }

  @Post('other')
  other(@Body() body: unknown, @Req() req: FastifyRequest) {
    return { body, raw: rawUrlencodedBody(req) };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

/** installSkycoreTransport on an app of its own: only the Skycore route changes. */
describe('installSkycoreTransport', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(EchoModule, new FastifyAdapter({ bodyLimit: 10 * 1024 * 1024 }), { logger: false });
    installSkycoreTransport(app);
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app.close());

  const server = () => app.getHttpServer();

  it('answers Fastify\'s parser errors on the Skycore route with a Failure envelope, and leaves other routes alone', async () => {
    const skycore = await request(server()).post(SKYCORE_PATH).set('content-type', 'application/json').send('{"broken"');
    expect(skycore.status).toBe(200);
    expect(skycore.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(skycore.text).toMatch(/<STATUS>Failure<\/STATUS>\n\s*<ERRORCODE>E100<\/ERRORCODE>\n\s*<ERRORINFO>Invalid request: .+<\/ERRORINFO>/);

    const other = await request(server()).post('/other').set('content-type', 'application/json').send('{"broken"');
    expect(other.status).toBe(400);
    expect(other.headers['content-type']).toMatch(/application\/json/);

    expect((await request(server()).post('/other').set('content-type', 'application/pdf').send('x')).status).toBe(415);
    const unsupported = await request(server()).post(SKYCORE_PATH).set('content-type', 'application/pdf').send('x');
    expect(unsupported.status).toBe(200);
    expect(unsupported.text).toContain('<ERRORCODE>E100</ERRORCODE>');
  });

  it('refuses a body over the endpoint limit on the Skycore route only', async () => {
    const big = `xml=${'x'.repeat(SKYCORE_MAX_BODY_BYTES)}`;
    const skycore = await request(server()).post(SKYCORE_PATH).type('form').send(big);
    expect(skycore.status).toBe(200);
    expect(skycore.text).toContain(`larger than ${SKYCORE_MAX_BODY_BYTES} bytes`);
    expect((await request(server()).post('/other').type('form').send(big)).status).toBe(201);
  });

  it('counts bodies sent without a length, on the Skycore route only', async () => {
    const chunked = async (path: string, type: string): Promise<{ status: number; text: string }> => {
      const { port } = app.getHttpServer().address() as AddressInfo;
      return new Promise((resolve, reject) => {
        const sent = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': type } }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (part: Buffer) => parts.push(part));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
        });
        sent.on('error', reject);
        sent.write(`{"xml":"`);
        for (let i = 0; i < 20; i += 1) sent.write('x'.repeat(64 * 1024));
        sent.end('"}');
      });
    };
    for (const type of ['application/json', 'application/x-www-form-urlencoded']) {
      const skycore = await chunked(SKYCORE_PATH, type);
      expect(skycore.status).toBe(200);
      expect(skycore.text).toContain(`larger than ${SKYCORE_MAX_BODY_BYTES} bytes`);
    }
    expect((await chunked('/other', 'application/json')).status).toBe(201);
  });

  it('refuses a multipart body without a Content-Length, which only its declared length would bound', async () => {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const sent = httpRequest(
        { host: '127.0.0.1', port, path: SKYCORE_PATH, method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=b' } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (part: Buffer) => parts.push(part));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
        },
      );
      sent.on('error', reject);
      sent.write('--b\r\nContent-Disposition: form-data; name="f"\r\n\r\n');
      for (let i = 0; i < 20; i += 1) sent.write('x'.repeat(64 * 1024));
      sent.end('\r\n--b--\r\n');
    });
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/<ERRORCODE>E100<\/ERRORCODE>\s*<ERRORINFO>Invalid request: a multipart body needs a Content-Length header\.<\/ERRORINFO>/);
  });

  it('answers every method but GET, HEAD and POST with a Failure envelope, on the Skycore route only', async () => {
    for (const method of ['put', 'patch', 'delete', 'options', 'trace'] as const) {
      const answer = await request(server())[method](SKYCORE_PATH);
      expect({ method, status: answer.status, type: answer.headers['content-type'] }).toEqual({
        method,
        status: 200,
        type: 'text/xml; charset=utf-8',
      });
      expect(answer.text).toContain('<ERRORINFO>Invalid request: use GET or POST.</ERRORINFO>');
    }
    expect((await request(server()).options('/other')).status).toBe(404);
  });

  it('keeps the raw text of urlencoded bodies on the Skycore route, which still get parsed', async () => {
    const raw = '<?xml version="1.0"?><REQUEST><ACTION>a&b</ACTION></REQUEST>';
    const skycore = await request(server()).post(SKYCORE_PATH).set('content-type', 'application/x-www-form-urlencoded').send(raw);
    expect(skycore.body.raw).toBe(raw);
    expect(Object.keys(skycore.body.body)).toContain('<?xml version');
    expect((await request(server()).post(SKYCORE_PATH).type('form').send({ xml: '<a/>' })).body).toEqual({
      body: { xml: '<a/>' },
      raw: 'xml=%3Ca%2F%3E',
    });
    expect((await request(server()).post('/other').set('content-type', 'application/x-www-form-urlencoded').send(raw)).body.raw).toBeNull();
  });
});
