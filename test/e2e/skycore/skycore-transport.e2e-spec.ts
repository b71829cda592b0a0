import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { answerOf, ENDPOINT, expectFailure, requestXml, skycoreService } from './skycore-harness';

describe('Skycore XML API: transport and hostile input', () => {
  const service = skycoreService();
  let key: string;
  /** Records any request: an external entity or DTD that got fetched would show up here. */
  let listener: Server;
  let listenerUrl: string;
  const fetched: string[] = [];

  beforeAll(async () => {
    await service.start();
    ({ apiKey: key } = await service.account('Skycore transport'));
    listener = createServer((req, res) => {
      fetched.push(req.url ?? '');
      res.end('<!ENTITY leak "leaked">');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => listener.close(resolve));
    await service.stop();
  });

  const post = () => request(service.server()).post(ENDPOINT);

  describe('XXE and entity expansion are refused with E108 and read nothing', () => {
    it('an external entity on a file', async () => {
      const answer = await service.xml(
        '<?xml version="1.0"?><!DOCTYPE REQUEST [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
          `<REQUEST><ACTION>&xxe;</ACTION><API_KEY>${key}</API_KEY></REQUEST>`,
      );
      expectFailure(answer, 'E108');
      expect(JSON.stringify(answer)).not.toMatch(/root:|\/bin\//);
    });

    it('an external entity and an external DTD over HTTP, also in a form field', async () => {
      expectFailure(
        await service.xml(`<!DOCTYPE REQUEST [<!ENTITY xxe SYSTEM "${listenerUrl}/entity">]><REQUEST><ACTION>&xxe;</ACTION></REQUEST>`),
        'E108',
      );
      expectFailure(await service.xml(`<!DOCTYPE REQUEST SYSTEM "${listenerUrl}/dtd"><REQUEST><ACTION>getPassTemplateIds</ACTION></REQUEST>`), 'E108');
      expectFailure(
        answerOf(
          await post()
            .type('form')
            .send({ xml: `<!DOCTYPE REQUEST [<!ENTITY % remote SYSTEM "${listenerUrl}/param"> %remote;]><REQUEST/>` }),
        ),
        'E108',
      );
      expect(fetched).toEqual([]);
    });

    it('billion laughs', async () => {
      const lol =
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
        Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
        ']><REQUEST><ACTION>&lol9;</ACTION></REQUEST>';
      const answer = await service.xml(lol);
      expectFailure(answer, 'E108');
      expect(JSON.stringify(answer)).not.toContain('lollol');
    });

    it('element names the parser will not make properties of, and nesting past its depth, are E108, not internal errors', async () => {
      for (const document of [
        `<REQUEST><__proto__><ACTION>x</ACTION></__proto__><ACTION>getPassTemplateIds</ACTION><API_KEY>${key}</API_KEY></REQUEST>`,
        `<REQUEST><ACTION>getPassTemplateIds</ACTION><API_KEY>${key}</API_KEY><PASSDATA><constructor>1</constructor></PASSDATA></REQUEST>`,
        `<REQUEST>${'<A>'.repeat(20000)}${'</A>'.repeat(20000)}</REQUEST>`,
      ]) {
        const answer = await service.xml(document);
        expectFailure(answer, 'E108');
        expect(answer.ERRORINFO).toMatch(/^XML parse error: /);
      }
    });

    it('an entity used without any declaration is not expanded either', async () => {
      expectFailure(await service.xml(`<REQUEST><ACTION>&lol9;</ACTION><API_KEY>${key}</API_KEY></REQUEST>`), 'E108');
    });
  });

  describe('failures before the handler answer with a Failure envelope', () => {
    it('a text/xml body over the XML limit', async () => {
      const big = requestXml('getPassTemplateIds', key, `<PAD>${'x'.repeat(300 * 1024)}</PAD>`);
      expectFailure(answerOf(await post().set('content-type', 'text/xml').send(big)), 'E100');
    });

    it('an urlencoded or multipart body over the endpoint limit, and an XML field over the XML limit', async () => {
      expectFailure(answerOf(await post().type('form').send({ xml: 'x'.repeat(2 * 1024 * 1024) })), 'E100');
      expectFailure(answerOf(await post().field('XML', 'x'.repeat(2 * 1024 * 1024))), 'E100');
      const field = requestXml('getPassTemplateIds', key, `<PAD>${'x'.repeat(300 * 1024)}</PAD>`);
      expectFailure(answerOf(await post().type('form').send({ xml: field })), 'E100');
    });

    it('an unsupported or malformed content type', async () => {
      const unsupported = answerOf(await post().set('content-type', 'application/octet-stream').send(Buffer.from('<REQUEST/>')));
      expectFailure(unsupported, 'E100');
      expect(unsupported.ERRORINFO).toMatch(/form field "xml"/);
      expectFailure(answerOf(await post().set('content-type', '/;;').send('<REQUEST/>')), 'E100');
      expectFailure(answerOf(await post().set('content-type', 'image/png').send('<REQUEST/>')), 'E100');
    });

    it('a malformed JSON or multipart body', async () => {
      expectFailure(answerOf(await post().set('content-type', 'application/json').send('{"xml": ')), 'E100');
      expectFailure(answerOf(await post().set('content-type', 'multipart/form-data; boundary=zzz').send('--zzz\r\nbroken')), 'E100');
      const noBoundary = answerOf(await post().set('content-type', 'multipart/form-data').send('no boundary'));
      expectFailure(noBoundary, 'E100');
      expect(noBoundary.ERRORINFO).toBe('Invalid request: the request body could not be read.');
    });

    it('JSON that carries the document in "xml" is read like a form', async () => {
      // The account has no templates: E800 shows the action ran.
      expectFailure(answerOf(await post().send({ xml: requestXml('getPassTemplateIds', key) })), 'E800');
    });
  });

  it('answers HEAD like GET, without a body', async () => {
    const head = await request(service.server()).head(ENDPOINT).query({ action: 'getpasstemplateids', api_key: key });
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('text/xml; charset=utf-8');
    const answer = await service.get({ action: 'getpasstemplateids', api_key: key });
    expectFailure(answer, 'E800');
  });

  it('keeps other paths\' own answers', async () => {
    const missing = await request(service.server()).post('/nowhere').set('content-type', 'text/xml').send('<REQUEST/>');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/json/);
    const health = await request(service.server()).get('/health');
    expect(health.headers['content-type']).toMatch(/application\/json/);
  });

  it('documents the endpoint in Swagger with each action\'s request and answers', async () => {
    const json = await request(service.server()).get('/docs-json').expect(200);
    const path = json.body.paths[ENDPOINT];
    expect(Object.keys(path).sort()).toEqual(['get', 'post']);
    const bodies = path.post.requestBody.content;
    expect(Object.keys(bodies).sort()).toEqual(['application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data', 'text/xml']);
    const actions = ['getPassTemplateIds', 'getPassTemplate', 'addPassData', 'updatePass', 'deletePassData', 'generatePassById', 'generatePass'];
    expect(Object.keys(bodies['text/xml'].examples).sort()).toEqual([...actions].sort());
    for (const action of actions) expect(bodies['text/xml'].examples[action].value).toContain(`<ACTION>${action}</ACTION>`);
    expect(bodies['application/x-www-form-urlencoded'].examples.addPassData.value.xml).toContain('<PASSDATA>');
    const answers = path.post.responses['200'].content['text/xml'].examples;
    const values = Object.values(answers).map((example) => (example as { value: string }).value);
    expect(values.filter((value) => value.includes('<STATUS>Success</STATUS>')).length).toBeGreaterThanOrEqual(6);
    expect(values.filter((value) => value.includes('<STATUS>Failure</STATUS>')).length).toBeGreaterThanOrEqual(5);
    expect(values.join('')).toContain('<DOWNLOADURL>');
    expect(path.get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['action', 'api_key', 'passtemplateid', 'passdataid', 'pd']),
    );
    expect(path.get.responses['200'].content['text/xml'].examples).toBeDefined();
  });
});
