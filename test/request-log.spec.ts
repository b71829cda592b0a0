import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import fastify from 'fastify';
import {
  createServiceLogger,
  installRequestLog,
  redactApiKeys,
  redactDeviceLibraryIdentifiers,
  requestLogLevel,
} from '../src/request-log';

describe('redactApiKeys (the request URL as logged)', () => {
  it('replaces the values of api_key and api_token, in any letter case', () => {
    expect(redactApiKeys('/API/wxml/1.3/index.php?action=getpasstemplateids&api_key=pg_secret&x=1')).toBe(
      '/API/wxml/1.3/index.php?action=getpasstemplateids&api_key=[redacted]&x=1',
    );
    expect(redactApiKeys('/api/v1/templates?API_TOKEN=pg_secret')).toBe('/api/v1/templates?API_TOKEN=[redacted]');
  });

  it('recognises the names however they are encoded, as the query parser decodes them', () => {
    for (const name of ['api%5Fkey', 'api%5fKEY', '%61pi_key', 'api%5Ftoken', 'api_key[]', 'api_key%5B%5D']) {
      expect(redactApiKeys(`/p?${name}=pg_secret&action=a`)).toBe(`/p?${name}=[redacted]&action=a`);
    }
  });

  it('leaves other parameters, paths without a query and malformed encodings alone', () => {
    expect(redactApiKeys('/health')).toBe('/health');
    expect(redactApiKeys('/p?api_keyring=1&my_api_key=2&%E0%A4%A=3')).toBe('/p?api_keyring=1&my_api_key=2&%E0%A4%A=3');
  });
});

describe('redactDeviceLibraryIdentifiers (Wallet’s device secret kept out of request logs)', () => {
  it('replaces the device segment of the Wallet routes, and nothing else', () => {
    expect(redactDeviceLibraryIdentifiers('/wallet/v1/devices/c7a8e0a6f9b2/registrations/pass.x?passesUpdatedSince=12')).toBe(
      '/wallet/v1/devices/[redacted]/registrations/pass.x?passesUpdatedSince=12',
    );
    expect(redactDeviceLibraryIdentifiers('/wallet/v1/passes/pass.x/SERIAL')).toBe('/wallet/v1/passes/pass.x/SERIAL');
    expect(redactDeviceLibraryIdentifiers('/api/v1/devices/x')).toBe('/api/v1/devices/x');
  });
});

describe('installRequestLog', () => {
  async function serverLogging(level: string) {
    const lines: Array<Record<string, unknown>> = [];
    const server = fastify();
    installRequestLog(server, createServiceLogger(level, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) }));
    server.get('/wallet/v1/devices/:device/registrations/:type', async () => ({ ok: true }));
    server.get('/fails', async () => {
      throw new Error('boom');
    });
    await server.ready();
    return { server, lines };
  }

  it('writes one line per answered request: id, method, redacted URL, status and response time, no headers', async () => {
    const { server, lines } = await serverLogging('info');
    await server.inject({
      url: '/wallet/v1/devices/c7a8e0a6f9b2/registrations/pass.x?passesUpdatedSince=12&api_key=pg_secret',
      headers: { authorization: 'ApplePass secret-token' },
    });

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: expect.any(String), method: 'GET', url: '/wallet/v1/devices/[redacted]/registrations/pass.x?passesUpdatedSince=12&api_key=[redacted]' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    expect(JSON.stringify(lines)).not.toMatch(/c7a8e0a6f9b2|pg_secret|secret-token/);
    await server.close();
  });

  it('logs client errors as warnings and server errors as errors, and nothing below the level', async () => {
    const { server, lines } = await serverLogging('warn');
    await server.inject({ url: '/wallet/v1/devices/d/registrations/t' });
    await server.inject({ url: '/nowhere' });
    await server.inject({ url: '/fails' });

    expect(lines.map((line) => [line.level, (line.res as { statusCode: number }).statusCode])).toEqual([
      [40, 404],
      [50, 500],
    ]);
    await server.close();
  });

  it('writes a line for a request whose client left before the answer', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const server = fastify();
    installRequestLog(server, createServiceLogger('info', { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) }));
    let answer: (() => void) | null = null;
    server.get('/wallet/v1/passes/:type/:serial', () => new Promise<string>((resolve) => (answer = () => resolve('late'))));
    await server.listen({ port: 0, host: '127.0.0.1' });
    const { port } = server.server.address() as AddressInfo;
    const until = async (done: () => boolean) => {
      for (let waited = 0; !done() && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    };

    const socket = connect(port, '127.0.0.1');
    socket.write('GET /wallet/v1/passes/pass.x/S1?api_token=pg_secret HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => answer !== null);
    socket.destroy();
    await until(() => lines.length > 0);
    answer!();
    await server.close();

    expect(lines[0]).toMatchObject({ level: 30, msg: 'request aborted', req: { method: 'GET', url: '/wallet/v1/passes/pass.x/S1?api_token=[redacted]' } });
  });

  it('takes pino-http’s levels by status', () => {
    expect([200, 304, 399, 400, 499, 500, 503].map(requestLogLevel)).toEqual(['info', 'info', 'info', 'warn', 'warn', 'error', 'error']);
  });
});
