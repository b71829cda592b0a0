import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { JPEG_BASE64, PNG_BASE64, SEED_FAMILY, startPassdockApp, type PassdockTestApp } from './passdock-app';

/** The reason phrase of the status line; supertest's types leave out the Node response that carries it. */
const reasonPhrase = (response: request.Response): string | undefined => (response as unknown as { res: IncomingMessage }).res.statusMessage;

/** Every status the Passdock API answers, and the error bodies with and without errors=true. */
describe('Passdock errors', () => {
  let t: PassdockTestApp;
  let apiKey: string;
  let templateId: number;
  let otherTemplateId: number;
  let passId: number;
  const api = (path: string) => `/api/v1${path}${path.includes('?') ? '&' : '?'}api_token=${apiKey}`;
  const createPass = (pass: unknown, extra: Record<string, string> = {}) =>
    request(t.server())
      .post(api(`/templates/${templateId}/passes?errors=true`))
      .type('form')
      .send({ pass: typeof pass === 'string' ? pass : JSON.stringify(pass), ...extra });

  beforeAll(async () => {
    t = await startPassdockApp();
    apiKey = await t.newAccount();
    templateId = await t.createTemplate(apiKey, {
      ...SEED_FAMILY,
      back: [{ key: 'passport', label: 'PASSPORT', value: 'fixed', dynamic: false }],
      relevance: { relevantDate: '', dynamicLocations: 1 },
    });
    otherTemplateId = await t.createTemplate(apiKey, { ...SEED_FAMILY, title: 'Other airline' });
    passId = (await createPass({ serial_number: 'ERR-1', gate: '1' }).expect(201)).body.id;
  });

  afterAll(() => t?.close());

  describe('without errors=true', () => {
    it('answers with the status only', async () => {
      const response = await request(t.server()).post(api(`/templates/${templateId}/passes`)).type('form').send({ pass: '{"serial_number":"X","seat":"1"}' }).expect(420);
      expect(response.body).toEqual({ status: 420 });
    });
  });

  describe('400 Bad Request', () => {
    it('for a form field that is not JSON', async () => {
      const response = await createPass('{"serial_number":"1", gate:53}').expect(400);
      expect(response.body).toEqual({ status: 400, errors: [{ code: 'MALFORMED_JSON', field: 'pass', message: expect.stringContaining('"pass" is not valid JSON') }] });
    });

    it('for a JSON body that does not parse, in Passdock form and not Fastify’s', async () => {
      const response = await request(t.server())
        .post(api(`/templates/${templateId}/passes?errors=true`))
        .set('Content-Type', 'application/json')
        .send('{"pass":{"serial_number":"1",}')
        .expect(400);
      expect(response.body).toEqual({ status: 400, errors: [{ code: 'MALFORMED_JSON', field: null, message: expect.any(String) }] });
      const quiet = await request(t.server()).post(api(`/templates/${templateId}/passes.json`)).set('Content-Type', 'application/json').send('{').expect(400);
      expect(quiet.body).toEqual({ status: 400 });
    });

    it('for a body of a type the API does not read', async () => {
      const response = await request(t.server())
        .post(api(`/templates/${templateId}/passes?errors=true`))
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from('pass'))
        .expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ code: 'MALFORMED_REQUEST' })]);
    });

    it('for pass missing, or not a hash', async () => {
      expect((await request(t.server()).post(api(`/templates/${templateId}/passes?errors=true`)).type('form').send({}).expect(400)).body.errors).toEqual([
        expect.objectContaining({ code: 'PARAMETER_MISSING', field: 'pass' }),
      ]);
      expect((await createPass('[1,2]').expect(400)).body.errors).toEqual([expect.objectContaining({ code: 'PARAMETER_INVALID', field: 'pass' })]);
      expect((await createPass('"text"').expect(400)).body.errors).toEqual([expect.objectContaining({ code: 'PARAMETER_INVALID', field: 'pass' })]);
    });

    it('for a page that is not a page number', async () => {
      await request(t.server()).get(api('/templates?page=0')).expect(400);
      await request(t.server()).get(api(`/templates/${templateId}/passes?page=two`)).expect(400);
    });

    it('naming every missing template parameter at once', async () => {
      const response = await request(t.server()).post(api('/templates?errors=true')).type('form').send({ family: '{}' }).expect(400);
      expect(response.body.errors.map((problem: { field: string }) => problem.field).sort()).toEqual(['description', 'icon', 'kind_id', 'title']);
    });

    it('for a form field name nested deeper than any parameter, without spending seconds on it', async () => {
      const response = await request(t.server())
        .post(api(`/templates/${templateId}/passes?errors=true`))
        .type('form')
        .send(`pass${'[a]'.repeat(20_000)}=1`)
        .expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ code: 'PARAMETER_INVALID', field: 'pass' })]);
    });

    it('with the unreadable problem first when a request has problems of several kinds', async () => {
      const response = await request(t.server())
        .post(api(`/templates/${templateId}/passes?errors=true`))
        .type('form')
        .send({ pass: JSON.stringify({ gate: { label: 5 } }), thumbnail: '{broken' })
        .expect(400);
      expect(response.body.errors.map((problem: { code: string }) => problem.code).sort()).toEqual(['FIELD_VALUE_INVALID', 'MALFORMED_JSON', 'SERIAL_NUMBER_MISSING']);
    });
  });

  describe('401 Unauthorized', () => {
    it.each([
      ['no api_token', ''],
      ['an unknown api_token', 'pg_0123456789abcdef' + 'A'.repeat(43)],
      ['something else', 'not-a-key'],
    ])('for %s', async (_name, token) => {
      const response = await request(t.server()).get(`/api/v1/templates?errors=true${token ? `&api_token=${token}` : ''}`).expect(401);
      expect(response.body).toEqual({ status: 401, errors: [expect.objectContaining({ code: 'UNAUTHORIZED', field: 'api_token' })] });
    });

    it('before looking at the request further', async () => {
      await request(t.server()).post(`/api/v1/templates/999999/passes`).type('form').send({ pass: '{"seat":"1"}' }).expect(401);
    });

    it('accepts the token in a form body and in a JSON body', async () => {
      await request(t.server()).get(`/api/v1/templates/${templateId}`).query({ api_token: apiKey }).expect(200);
      await request(t.server()).put(`/api/v1/templates/${templateId}/passes/${passId}`).type('form').send({ api_token: apiKey, pass: '{"gate":"2"}' }).expect(200);
      await request(t.server()).put(`/api/v1/templates/${templateId}/passes/${passId}`).send({ api_token: apiKey, pass: { gate: '3' } }).expect(200);
    });
  });

  describe('404 Not Found', () => {
    it('for an unknown template or pass, and a pass asked for under another template', async () => {
      for (const path of [
        '/templates/999999',
        '/templates/999999/passes',
        `/templates/${templateId}/passes/999999`,
        `/templates/${otherTemplateId}/passes/${passId}`,
        '/templates/abc',
        `/templates/${templateId}/passes/${passId}.xml`,
      ]) {
        const response = await request(t.server()).get(api(path)).expect(404);
        expect({ path, body: response.body }).toEqual({ path, body: { status: 404 } });
      }
      const response = await createPass({ serial_number: 'NEW' }).expect(201);
      expect(response.body.family_id).toBe(templateId);
      const missing = await request(t.server()).post(api('/templates/999999/passes?errors=true')).type('form').send({ pass: '{"serial_number":"N"}' }).expect(404);
      expect(missing.body.errors).toEqual([expect.objectContaining({ code: 'TEMPLATE_NOT_FOUND' })]);
    });

    it('in Passdock form for a path under /api/v1 that names no endpoint, without echoing the URL and its token', async () => {
      const quiet = await request(t.server()).get(api('/campaigns')).expect(404);
      expect(quiet.body).toEqual({ status: 404 });
      const explained = await request(t.server()).post(api(`/templates/${templateId}/passes/${passId}/devices?errors=true`)).expect(404);
      expect(explained.body).toEqual({ status: 404, errors: [expect.objectContaining({ code: 'NOT_FOUND', field: null })] });
      expect(explained.text).not.toContain(apiKey);
    });
  });

  describe('420 Key Not Found In The Template', () => {
    it('for a key the template lacks', async () => {
      const response = await createPass({ serial_number: 'K-1', seat: '12A' }).expect(420);
      expect(response.body.errors).toEqual([{ code: 'FIELD_NOT_FOUND', field: 'seat', message: 'The template has no field "seat".' }]);
      expect(reasonPhrase(response)).toBe('Key Not Found In The Template');
    });

    it('for a field the template keeps fixed ("dynamic": false)', async () => {
      const response = await createPass({ serial_number: 'K-2', passport: 'X123' }).expect(420);
      expect(response.body.errors).toEqual([expect.objectContaining({ code: 'FIELD_NOT_DYNAMIC', field: 'passport' })]);
    });

    it('for more locations than the template opens to passes', async () => {
      const locations = [{ latitude: 1, longitude: 2 }, { latitude: 3, longitude: 4 }];
      const response = await createPass({ serial_number: 'K-3', relevance: { locations } }).expect(420);
      expect(response.body.errors).toEqual([expect.objectContaining({ code: 'LOCATION_NOT_DYNAMIC' })]);
    });

    it('on update too', async () => {
      await request(t.server()).put(api(`/templates/${templateId}/passes/${passId}`)).type('form').send({ pass: '{"seat":"1"}' }).expect(420);
    });
  });

  describe('421 Missing serial number', () => {
    it.each([
      ['absent', { gate: '1' }],
      ['empty', { serial_number: '', gate: '1' }],
      ['blank', { serial_number: '  ' }],
      ['null', { serial_number: null }],
    ])('when the serial number is %s', async (_name, pass) => {
      const response = await createPass(pass).expect(421);
      expect(reasonPhrase(response)).toBe('Missing Serial Number');
      expect(response.body.errors).toEqual([expect.objectContaining({ code: 'SERIAL_NUMBER_MISSING', field: 'pass.serial_number' })]);
    });
  });

  describe('422 Wrong Field Format', () => {
    it.each([
      ['a label that is not a string', { gate: { label: 5 } }, 'FIELD_VALUE_INVALID', 'pass.gate.label'],
      ['a value that is not a string', { gate: 53 }, 'FIELD_VALUE_INVALID', 'pass.gate'],
      ['a field attribute passgate does not know', { gate: { value: '1', colour: 'red' } }, 'VALUE_INVALID', 'pass.gate.colour'],
      ['a latitude outside -90..90', { relevance: { locations: [{ latitude: 91, longitude: 0 }] } }, 'LOCATION_INVALID', 'pass.relevance.locations[0].latitude'],
      ['a longitude that is not a number', { relevance: { locations: [{ latitude: 1, longitude: 'east' }] } }, 'LOCATION_INVALID', 'pass.relevance.locations[0].longitude'],
      ['a relevant date that is not ISO 8601', { relevance: { relevantDate: '18/12/2012 14:34' } }, 'DATE_INVALID', 'pass.relevance.relevantDate'],
      ['redeemed that is not a boolean', { redeemed: 'yes' }, 'VALUE_INVALID', 'pass.redeemed'],
      ['a bar that is not a hash', { bar: 'QR' }, 'VALUE_INVALID', 'pass.bar'],
    ])('for %s', async (_name, pass, code, field) => {
      const response = await createPass({ serial_number: 'F-1', ...pass }).expect(422);
      expect(response.body.errors).toEqual([expect.objectContaining({ code, field })]);
    });

    it('for a date field whose value is not a date (found by the core)', async () => {
      const response = await createPass({ serial_number: 'F-2', departure: 'tomorrow' }).expect(422);
      expect(response.body.errors).toEqual([expect.objectContaining({ code: 'FIELD_VALUE_INVALID', field: 'departure' })]);
    });

    it.each([
      ['a JPEG', JPEG_BASE64, /JPEG image; Wallet shows PNG images only/],
      ['text that is not base64', 'not base64!', /not base64/],
      ['base64 of something else', Buffer.from('GIF89a....').toString('base64'), /not a PNG image/],
      ['an image over the size limit', Buffer.concat([Buffer.from(PNG_BASE64, 'base64'), Buffer.alloc(2 * 1024 * 1024)]).toString('base64'), /larger than/],
    ])('for a thumbnail that is %s', async (_name, data, message) => {
      const response = await createPass({ serial_number: 'F-3' }, { thumbnail: JSON.stringify({ filename: 'thumb.png', data }) }).expect(422);
      expect(response.body.errors).toEqual([{ code: 'IMAGE_INVALID', field: 'thumbnail.data', message: expect.stringMatching(message) }]);
    });

    it('naming every format problem of one request', async () => {
      const response = await createPass({
        serial_number: 'F-4',
        gate: { label: 1, value: 2 },
        relevance: { locations: [{ latitude: 100, longitude: 200 }], relevantDate: 'soon' },
      }).expect(422);
      expect(response.body.errors.map((problem: { field: string }) => problem.field)).toEqual([
        'pass.gate.value',
        'pass.gate.label',
        'pass.relevance.relevantDate',
        'pass.relevance.locations[0].latitude',
        'pass.relevance.locations[0].longitude',
      ]);
    });

    it('for a NUL character in any text, which PostgreSQL could not store or look up', async () => {
      const json = await request(t.server())
        .post(api(`/templates/${templateId}/passes?errors=true`))
        .send({ pass: { serial_number: 'NUL-1', bar: { message: 'QR\u0000' }, gate: 'ok' } })
        .expect(422);
      expect(json.body.errors).toEqual([expect.objectContaining({ code: 'VALUE_INVALID', field: 'pass.bar.message' })]);
      const form = await createPass('{"serial_number":"NUL-2","gate":{"label":"G\\u0000"}}').expect(422);
      expect(form.body.errors).toEqual([expect.objectContaining({ code: 'VALUE_INVALID', field: 'pass.gate.label' })]);
      const title = await request(t.server())
        .post(api('/templates?errors=true'))
        .type('form')
        .send({ title: 'T\u0000', description: 'd', kind_id: '1', icon: JSON.stringify({ filename: 'icon.png', data: PNG_BASE64 }) })
        .expect(422);
      expect(title.body.errors).toEqual([expect.objectContaining({ code: 'VALUE_INVALID', field: 'title' })]);
      const search = await request(t.server()).get(api('/passes/search?errors=true&code=QR%00')).expect(422);
      expect(search.body.errors).toEqual([expect.objectContaining({ code: 'VALUE_INVALID', field: 'code' })]);
      await request(t.server()).get(`/api/v1/passes/search?code=QR%00`).expect(401);
    });

    it('for a serial number held by a pass of another template of the same pass type', async () => {
      const response = await request(t.server())
        .post(api(`/templates/${otherTemplateId}/passes?errors=true`))
        .type('form')
        .send({ pass: '{"serial_number":"ERR-1"}' })
        .expect(422);
      expect(response.body.errors).toEqual([expect.objectContaining({ code: 'SERIAL_NUMBER_TAKEN' })]);
    });

    it('for a changed serial number on update; repeating it is fine', async () => {
      const changed = await request(t.server()).put(api(`/templates/${templateId}/passes/${passId}?errors=true`)).send({ pass: { serial_number: 'ERR-2' } }).expect(422);
      expect(changed.body.errors).toEqual([expect.objectContaining({ code: 'SERIAL_NUMBER_IMMUTABLE', field: 'pass.serial_number' })]);
      await request(t.server()).put(api(`/templates/${templateId}/passes/${passId}`)).send({ pass: { serial_number: 'ERR-1', gate: '4' } }).expect(200);
    });

    it('for a template title already used', async () => {
      const response = await request(t.server())
        .post(api('/templates?errors=true'))
        .send({ description: 'd', icon: { filename: 'icon.png', data: PNG_BASE64 }, family: SEED_FAMILY })
        .expect(422);
      expect(response.body.errors).toEqual([expect.objectContaining({ code: 'TEMPLATE_TITLE_TAKEN' })]);
    });

    it('for a kind_id outside 1-6 and an image the kind does not show', async () => {
      const badKind = await request(t.server())
        .post(api('/templates?errors=true'))
        .send({ title: 'K', description: 'd', kind_id: 9, icon: { filename: 'icon.png', data: PNG_BASE64 } })
        .expect(422);
      expect(badKind.body.errors).toEqual([expect.objectContaining({ code: 'STYLE_INVALID', field: 'kind_id' })]);
      const strip = await request(t.server())
        .post(api('/templates?errors=true'))
        .send({ title: 'K', description: 'd', kind_id: 2, icon: { filename: 'icon.png', data: PNG_BASE64 }, strip: { filename: 'strip.png', data: PNG_BASE64 } })
        .expect(422);
      expect(strip.body.errors).toEqual([expect.objectContaining({ code: 'IMAGE_NOT_ALLOWED', field: 'strip.png' })]);
    });
  });

  describe('413 Payload Too Large', () => {
    it('for a body over the server limit', async () => {
      const response = await request(t.server())
        .post(api(`/templates/${templateId}/passes?errors=true`))
        .type('form')
        .send({ pass: JSON.stringify({ serial_number: 'BIG', gate: 'x'.repeat(11 * 1024 * 1024) }) })
        .expect(413);
      expect(response.body.errors).toEqual([expect.objectContaining({ code: 'REQUEST_TOO_LARGE' })]);
    });
  });

  describe('bodies read as Rails reads them', () => {
    /** Sends a body with exactly the given headers; supertest would label a text body as a form. */
    const rawRequest = (method: string, path: string, headers: Record<string, string>, body: string) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const server = t.server() as { address(): AddressInfo };
        const sent = httpRequest({ host: '127.0.0.1', port: server.address().port, method, path, headers, agent: false }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
        });
        sent.on('error', reject);
        sent.end(body);
      });

    beforeAll(async () => {
      await new Promise<void>((resolve) => (t.server() as { listening: boolean }).listening ? resolve() : t.server().listen(0, '127.0.0.1', resolve));
    });

    it('refuses a multipart body without a declared length, or declaring more than the limit, before reading it', async () => {
      const multipart = 'multipart/form-data; boundary=X';
      const body = '--X\r\nContent-Disposition: form-data; name="pass"\r\n\r\n{}\r\n--X--\r\n';
      const path = api(`/templates/${templateId}/passes?errors=true`);
      const chunked = await rawRequest('POST', path, { 'content-type': multipart, 'transfer-encoding': 'chunked' }, body);
      expect(chunked).toEqual({ status: 400, body: { status: 400, errors: [expect.objectContaining({ code: 'MALFORMED_REQUEST' })] } });
      const huge = await rawRequest('POST', path, { 'content-type': multipart, 'content-length': String(11 * 1024 * 1024), connection: 'close' }, '');
      expect(huge).toEqual({ status: 413, body: { status: 413, errors: [expect.objectContaining({ code: 'REQUEST_TOO_LARGE' })] } });
    });

    it('takes a body without Content-Type as a form, as the passdock npm client sends it', async () => {
      const body = `pass=${encodeURIComponent('{"serial_number":"UNTYPED-1","gate":"9"}')}&api_token=${apiKey}`;
      const created = await rawRequest('POST', `/api/v1/templates/${templateId}/passes`, { 'Content-Length': String(Buffer.byteLength(body)) }, body);
      expect(created).toEqual({ status: 201, body: expect.objectContaining({ family_id: templateId }) });
    });

    it('takes an empty body labelled JSON as no parameters', async () => {
      const { id } = (await createPass({ serial_number: 'EMPTY-JSON' }).expect(201)).body as { id: number };
      const deleted = await rawRequest('DELETE', api(`/templates/${templateId}/passes/${id}`), { 'Content-Type': 'application/json', 'Content-Length': '0' }, '');
      expect(deleted).toEqual({ status: 200, body: { id } });
    });
  });

  describe('the .json suffix and Rails-style parameter names', () => {
    it('accepts .json on every path', async () => {
      await request(t.server()).get(api('/templates.json')).expect(200);
      await request(t.server()).get(api(`/templates/${templateId}.json`)).expect(200);
      await request(t.server()).get(api(`/templates/${templateId}/passes.json`)).expect(200);
      await request(t.server()).get(api(`/templates/${templateId}/passes/${passId}.json`)).expect(200);
      await request(t.server()).get(api(`/templates/${templateId}/passes/search.json?serial_number=ERR-1`)).expect(200);
      await request(t.server()).get(api('/passes/search.json?code=none')).expect(404);
      await request(t.server()).post(api(`/templates/${templateId}/passes.json`)).type('form').send({ pass: '{"serial_number":"JSON-1"}' }).expect(201);
    });

    it('reads pass[KEY][value]=… form fields as the nested hash', async () => {
      const response = await request(t.server())
        .post(api(`/templates/${templateId}/passes?debug=true`))
        .type('form')
        .send(
          'pass[serial_number]=RAILS-1&pass[gate][value]=7&pass[gate][label]=BOARDING%20GATE' +
            '&pass[relevance][locations][][latitude]=10.5&pass[relevance][locations][][longitude]=20.25',
        )
        .expect(200);
      expect(response.body.header).toEqual([expect.objectContaining({ key: 'gate', value: '7', label: 'BOARDING GATE' })]);
      expect(response.body.relevance.locations).toEqual([{ latitude: 10.5, longitude: 20.25 }]);
    });
  });
});
