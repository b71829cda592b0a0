import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRemoteImageFetcher } from '../../../../src/adapters/outbound/remote-image/http-remote-image.fetcher';
import { RemoteImageFetcher } from '../../../../src/domain/ports/remote-image-fetcher';
import { aPng } from '../../../support/builders';
import { InMemoryRemoteImageFetcher } from '../../../fakes/in-memory-remote-image.fetcher';

const PNG = aPng(3);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const HTML = new Uint8Array(Buffer.from('<html><body>not an image</body></html>'));

interface Harness {
  fetcher: RemoteImageFetcher;
  /** A URL at which `bytes` are served (an allowed host). */
  serve(path: string, bytes: Uint8Array): string;
  /** A URL on a host the fetcher may not reach. */
  elsewhere: string;
}

/** What every RemoteImageFetcher does, whichever adapter. */
function remoteImageFetcherContract(name: string, harness: () => Harness): void {
  describe(`RemoteImageFetcher contract: ${name}`, () => {
    const refused = { code: 'REMOTE_IMAGE_REFUSED' };

    it('returns the bytes of a PNG or a JPEG image', async () => {
      const { fetcher, serve } = harness();
      expect(Buffer.from(await fetcher.fetch(serve('/a.png', PNG)))).toEqual(Buffer.from(PNG));
      expect(Buffer.from(await fetcher.fetch(serve('/b.jpg', JPEG)))).toEqual(Buffer.from(JPEG));
    });

    it('refuses content that is not a PNG or JPEG image', async () => {
      const { fetcher, serve } = harness();
      await expect(fetcher.fetch(serve('/page.png', HTML))).rejects.toMatchObject(refused);
    });

    it('refuses hosts it may not reach, other schemes and non-URLs, with a message saying why', async () => {
      const { fetcher, elsewhere } = harness();
      await expect(fetcher.fetch(elsewhere)).rejects.toMatchObject(refused);
      await expect(fetcher.fetch('file:///etc/passwd')).rejects.toMatchObject(refused);
      await expect(fetcher.fetch('ftp://example.com/a.png')).rejects.toMatchObject(refused);
      const error = await fetcher.fetch('not a url').catch((caught: Error) => caught);
      expect(error).toMatchObject(refused);
      expect((error as Error).message.length).toBeGreaterThan(10);
    });

    it('refuses a URL that serves nothing', async () => {
      const { fetcher, serve } = harness();
      const url = serve('/present.png', PNG).replace('/present.png', '/missing.png');
      await expect(fetcher.fetch(url)).rejects.toMatchObject(refused);
    });
  });
}

remoteImageFetcherContract('in-memory fake', () => {
  const fetcher = new InMemoryRemoteImageFetcher();
  return {
    fetcher,
    serve: (path, bytes) => {
      const url = `https://images.example.com${path}`;
      fetcher.serve(url, bytes);
      return url;
    },
    elsewhere: 'https://elsewhere.example.com/a.png',
  };
});

describe('with a local HTTP server', () => {
  const files = new Map<string, Uint8Array>();
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = files.get(req.url ?? '');
      res.writeHead(body ? 200 : 404, { 'content-type': 'image/png' });
      res.end(body ? Buffer.from(body) : undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  remoteImageFetcherContract('HTTP adapter', () => ({
    fetcher: new HttpRemoteImageFetcher({ allowedHosts: [`127.0.0.1:${port}`], maxBytes: 64 * 1024, timeoutMs: 5000 }),
    serve: (path, bytes) => {
      files.set(path, bytes);
      return `http://127.0.0.1:${port}${path}`;
    },
    // localhost is the same machine, but not on the list.
    elsewhere: `http://localhost:${port}/a.png`,
  }));
});
