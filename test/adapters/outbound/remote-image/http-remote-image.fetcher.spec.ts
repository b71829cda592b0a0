import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRemoteImageFetcher, HttpRemoteImageFetcherOptions } from '../../../../src/adapters/outbound/remote-image/http-remote-image.fetcher';
import { aPng } from '../../../support/builders';

const PNG = aPng(9);

describe('HttpRemoteImageFetcher', () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/image.png': (_req, res) => res.end(Buffer.from(PNG)),
    '/same-host-redirect': (_req, res) => {
      res.writeHead(302, { location: '/image.png' });
      res.end();
    },
    '/other-host-redirect': (_req, res) => {
      res.writeHead(301, { location: `http://localhost:${port}/image.png` });
      res.end();
    },
    '/loop': (_req, res) => {
      res.writeHead(307, { location: '/loop' });
      res.end();
    },
    '/no-location': (_req, res) => {
      res.writeHead(302);
      res.end();
    },
    '/declared-large': (_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024) });
      res.end(Buffer.concat([Buffer.from(PNG), Buffer.alloc(10 * 1024 - PNG.length)]));
    },
    '/streamed-large': (_req, res) => {
      // Chunked, no length announced: the limit applies while reading.
      res.write(Buffer.from(PNG));
      for (let i = 0; i < 10; i += 1) res.write(Buffer.alloc(1024));
      res.end();
    },
    '/slow': (_req, res) => {
      setTimeout(() => res.end(Buffer.from(PNG)), 1000);
    },
    '/trickle': (_req, res) => {
      res.write(Buffer.from(PNG));
      setTimeout(() => res.end(), 1000);
    },
    '/lying-type': (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end('<svg xmlns="http://www.w3.org/2000/svg"/>');
    },
    '/error': (_req, res) => {
      res.writeHead(500);
      res.end();
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    hits.length = 0;
  });

  const fetcher = (options: Partial<HttpRemoteImageFetcherOptions> = {}) =>
    new HttpRemoteImageFetcher({ allowedHosts: [`127.0.0.1:${port}`], maxBytes: 4096, timeoutMs: 2000, ...options });
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  const refusal = async (promise: Promise<unknown>) => {
    const error = (await promise.then(
      () => null,
      (caught: unknown) => caught,
    )) as { code?: string; message?: string } | null;
    expect(error?.code).toBe('REMOTE_IMAGE_REFUSED');
    return error!.message!;
  };

  it('follows a redirect on the same host', async () => {
    expect(Buffer.from(await fetcher().fetch(url('/same-host-redirect')))).toEqual(Buffer.from(PNG));
    expect(hits).toEqual(['/same-host-redirect', '/image.png']);
  });

  it('does not follow a redirect to another host, nor endless or empty redirects', async () => {
    expect(await refusal(fetcher({ allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`] }).fetch(url('/other-host-redirect')))).toMatch(
      /redirects to another host \(localhost:\d+\)/,
    );
    expect(hits).toEqual(['/other-host-redirect']);
    hits.length = 0;
    expect(await refusal(fetcher().fetch(url('/loop')))).toMatch(/more than 3 times/);
    expect(hits).toEqual(['/loop', '/loop', '/loop', '/loop']);
    expect(await refusal(fetcher().fetch(url('/no-location')))).toMatch(/without a location/);
  });

  it('refuses images over the size limit, announced or not', async () => {
    expect(await refusal(fetcher().fetch(url('/declared-large')))).toMatch(/larger than 4096 bytes/);
    expect(await refusal(fetcher().fetch(url('/streamed-large')))).toMatch(/larger than 4096 bytes/);
    expect((await fetcher({ maxBytes: 64 * 1024 }).fetch(url('/streamed-large'))).length).toBe(PNG.length + 10 * 1024);
  });

  it('gives up after the timeout, waiting for headers or for the body', async () => {
    expect(await refusal(fetcher({ timeoutMs: 200 }).fetch(url('/slow')))).toMatch(/within 200 ms/);
    expect(await refusal(fetcher({ timeoutMs: 200 }).fetch(url('/trickle')))).toMatch(/within 200 ms/);
  });

  it('checks the content, not the Content-Type', async () => {
    expect(await refusal(fetcher().fetch(url('/lying-type')))).toMatch(/PNG or JPEG/);
  });

  it('refuses error answers, unreachable hosts, credentials, and every host when the list is empty', async () => {
    expect(await refusal(fetcher().fetch(url('/error')))).toMatch(/HTTP 500/);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await refusal(fetcher({ allowedHosts: [`127.0.0.1:${closedPort}`] }).fetch(`http://127.0.0.1:${closedPort}/image.png`))).toMatch(
      /could not be reached/,
    );
    expect(await refusal(fetcher().fetch(`http://user:secret@127.0.0.1:${port}/image.png`))).toMatch(/credentials/);
    expect(await refusal(fetcher({ allowedHosts: [] }).fetch(url('/image.png')))).toMatch(/not on this server's list/);
    expect(hits).toEqual(['/error']);
  });

  it('takes host:port entries for that port only, and a bare host for the default ports only', async () => {
    expect((await fetcher({ allowedHosts: [`127.0.0.1:${port}`] }).fetch(url('/image.png'))).length).toBe(PNG.length);
    await refusal(fetcher({ allowedHosts: ['127.0.0.1:1'] }).fetch(url('/image.png')));
    // A bare host is no licence to probe that machine's other ports (databases, admin consoles …).
    expect(await refusal(fetcher({ allowedHosts: ['127.0.0.1'] }).fetch(url('/image.png')))).toBe(
      `the host 127.0.0.1:${port} is not on this server's list of image hosts.`,
    );
    expect(hits).toEqual(['/image.png']);
    // The default port, written or not, is the bare host's.
    const refusedBefore = async (text: string, allowed: string[]) =>
      (await refusal(fetcher({ allowedHosts: allowed, timeoutMs: 300 }).fetch(text))).includes("not on this server's list");
    expect(await refusedBefore('http://127.0.0.1:80/image.png', ['127.0.0.1'])).toBe(false);
    expect(await refusedBefore('https://127.0.0.1/image.png', ['127.0.0.1:443'])).toBe(false);
    expect(await refusedBefore('https://127.0.0.1:80/image.png', ['127.0.0.1'])).toBe(true);
  });
});
