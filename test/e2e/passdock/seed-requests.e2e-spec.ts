import request from 'supertest';
import { binary, PNG_BASE64, SEED_FAMILY, startPassdockApp, type PassdockTestApp } from './passdock-app';
import { passJsonOf, unzipPkpass } from '../../support/pkpass';

/**
 * The six example requests of the create-pass page (shared/seeds/002), with their bodies as the
 * page gives them, host and token replaced: `curl -d` sends a form, `-H "Content-Type:
 * application/json"` a JSON body.
 */
const SEED = {
  one: 'pass={"serial_number":"1234567", "gate":"53", "departure":"2012-12-18T14:34:10-02:00"}',
  two: '{"pass":{"serial_number":"1234567", "gate":"53", "departure":"2012-12-18T14:34:10-02:00"}}',
  three: 'pass={"redeemed":false,"serial_number":"1234567", "gate":"53", "departure":"2012-12-18T14:34:10-02:00"}',
  four: 'debug=true&pass={"serial_number":"4567891", "bar":{"message":"QRRSNDKAIUDS923", "altText":"QRRSNDKAIUDS923"}, "gate":{"value":"53"},"departure":"2012-11-14T08:12:19-08:00"}',
  five: 'debug=true&pass={"serial_number":"7891234", "relevance":{"locations":[{"latitude":12.122342, "longitude":64.123353}]}, "gate":{"value":"98"},"departure":"2012-11-14T08:12:19-08:00"}',
  six: 'pass={"serial_number":"1234567", "gate":"53", "departure":"2012-12-18T14:34:10-02:00"}&thumbnail={"filename":"test.png","data":"THE_BASE_64_ENCODED_IMAGE"}',
};

const WEB_TOKEN = /^[0-9a-f]{40}$/;

describe('the create-pass page examples', () => {
  let t: PassdockTestApp;
  let apiKey: string;
  let templateId: number;

  beforeAll(async () => {
    t = await startPassdockApp();
    apiKey = await t.newAccount();
    templateId = await t.createTemplate(apiKey);
  });

  afterAll(() => t?.close());

  // curl -d sends application/x-www-form-urlencoded; the page's bodies are not URL-encoded, and
  // they need not be: they hold no & or + inside the JSON.
  const post = (body: string, type = 'application/x-www-form-urlencoded') =>
    request(t.server()).post(`/api/v1/templates/${templateId}/passes?api_token=${apiKey}`).set('Content-Type', type).send(body);

  let firstId: number;

  it('1: form with value shortcuts creates the pass: 201 and the short answer', async () => {
    const response = await post(SEED.one).expect(201);
    expect(response.body).toEqual({
      family_id: templateId,
      id: expect.any(Number),
      web_token: expect.stringMatching(WEB_TOKEN),
      download: `https://passes.test/passes/${response.body.id}/${response.body.web_token}.pkpass`,
    });
    firstId = response.body.id;
  });

  it('2: the same pass as a JSON body updates it: 200, same pass', async () => {
    const response = await post(SEED.two, 'application/json').expect(200);
    expect(response.body).toEqual(expect.objectContaining({ family_id: templateId, id: firstId }));
  });

  it('3: with redeemed false: 200, same pass, not redeemed', async () => {
    const response = await post(SEED.three).expect(200);
    expect(response.body.id).toBe(firstId);
    const compact = await request(t.server()).get(`/api/v1/templates/${templateId}/passes?compact=true&api_token=${apiKey}`).expect(200);
    expect(compact.body).toEqual([expect.objectContaining({ id: firstId, redeemed_at: null })]);
  });

  it('4: debug with a barcode message: 200 and the whole pass in the documented shape', async () => {
    const response = await post(SEED.four).expect(200);
    const body = response.body;
    expect(body).toEqual({
      auxiliary: [
        {
          changeMessage: 'Departure time changed to %@',
          dateStyle: 'PKDateStyleMedium',
          key: 'departure',
          label: 'DEPARTURE',
          timeStyle: 'PKDateStyleMedium',
          value: '2012-11-14T08:12:19-08:00',
        },
      ],
      back: [{ changeMessage: '', key: 'passport', label: 'PASSPORT', value: '' }],
      bar: { format: 'PKBarcodeFormatQR', message: 'QRRSNDKAIUDS923', messageEncoding: 'iso-8859-1', altText: 'QRRSNDKAIUDS923' },
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      custom: [{ transitType: 'PKTransitTypeAir' }],
      // passgate's one addition to the documented shape: the devices that installed the pass.
      devices: [],
      download: `https://passes.test/passes/${body.id}/${body.web_token}.pkpass`,
      family_id: templateId,
      header: [{ changeMessage: 'Gate changed to %@', key: 'gate', label: 'GATE', value: '53' }],
      id: expect.any(Number),
      primary: [
        { changeMessage: 'Departure changed in %@', key: 'from', label: 'FROM', value: '' },
        { changeMessage: 'Destination changed to %@', key: 'to', label: 'TO', value: '' },
      ],
      redeemed_at: null,
      relevance: {},
      render_html_url: `https://passes.test/p/${body.id}/${body.web_token}`,
      secondary: [{ changeMessage: 'Passenger name changed to %@', key: 'name', label: 'NAME', value: '' }],
      serial_number: '4567891',
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      visual: { backgroundColor: 'rgb(237, 184, 61)', foregroundColor: 'rgb(255, 255, 255)', labelColor: '', logoText: 'Passdock Airways' },
      web_token: expect.stringMatching(WEB_TOKEN),
    });
    expect(body.id).not.toBe(firstId);
  });

  it('5: debug with locations: 200, the locations in relevance and in the signed pass', async () => {
    const response = await post(SEED.five).expect(200);
    expect(response.body.serial_number).toBe('7891234');
    expect(response.body.header).toEqual([expect.objectContaining({ key: 'gate', value: '98' })]);
    expect(response.body.relevance).toEqual({ locations: [{ latitude: 12.122342, longitude: 64.123353 }] });
    const pkpass = await request(t.server()).get(new URL(response.body.download).pathname).buffer(true).parse(binary).expect(200);
    expect(passJsonOf(unzipPkpass(pkpass.body as Buffer)).locations).toEqual([{ latitude: 12.122342, longitude: 64.123353 }]);
  });

  it('6: the thumbnail example on this boarding pass template is refused: kinds 2 and 5 only (422)', async () => {
    const withImage = SEED.six.replace('THE_BASE_64_ENCODED_IMAGE', PNG_BASE64);
    const response = await post(`${withImage}&errors=true`).expect(422);
    expect(response.body.errors).toEqual([expect.objectContaining({ code: 'IMAGE_NOT_ALLOWED', field: 'thumbnail.png' })]);
  });

  it('6: the placeholder the page puts in place of the image is not an image (422)', async () => {
    const response = await post(`${SEED.six}&errors=true`).expect(422);
    expect(response.body.errors).toEqual([expect.objectContaining({ code: 'IMAGE_INVALID', field: 'thumbnail.data' })]);
  });

  it('left three passes: requests 1-3 made one pass between them', async () => {
    const list = await request(t.server()).get(`/api/v1/templates/${templateId}/passes?compact=true&api_token=${apiKey}`).expect(200);
    expect(list.body).toHaveLength(3);
  });
});

describe('the create-pass page thumbnail example on a generic template (kind 5)', () => {
  let t: PassdockTestApp;
  let apiKey: string;
  let templateId: number;

  beforeAll(async () => {
    t = await startPassdockApp();
    apiKey = await t.newAccount();
    const { custom: _custom, ...generic } = SEED_FAMILY;
    templateId = await t.createTemplate(apiKey, { ...generic, kind_id: 5 });
  });

  afterAll(() => t?.close());

  it('6: creates the pass with its own thumbnail, which the package carries', async () => {
    const body = `pass={"serial_number":"1234567", "gate":"53", "departure":"2012-12-18T14:34:10-02:00"}&thumbnail={"filename":"test.png","data":"${PNG_BASE64}"}`;
    const response = await request(t.server())
      .post(`/api/v1/templates/${templateId}/passes?api_token=${apiKey}`)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(body)
      .expect(201);
    expect(response.body).toEqual(expect.objectContaining({ family_id: templateId, web_token: expect.stringMatching(WEB_TOKEN) }));
    const pkpass = await request(t.server()).get(new URL(response.body.download).pathname).buffer(true).parse(binary).expect(200);
    const files = unzipPkpass(pkpass.body as Buffer);
    expect(files['thumbnail.png']).toEqual(Buffer.from(PNG_BASE64, 'base64'));
    expect(passJsonOf(files).serialNumber).toBe('1234567');
  });
});
