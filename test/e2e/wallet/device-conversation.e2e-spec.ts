import request from 'supertest';
import { binary } from '../passdock/passdock-app';
import { passJsonOf, unzipPkpass } from '../../support/pkpass';
import { InstalledPass, pushToken, WalletTestApp } from './wallet-app';

/**
 * The conversation an iPhone holds with passgate, through the real app and the real APNs client
 * talking to a local APNs stand-in: the flow of Apple's "Adding a web service to update passes".
 */
describe('Wallet web service: the device conversation', () => {
  let t: WalletTestApp;
  let apiKey: string;
  let templateId: number;
  let pass: InstalledPass;
  const device = 'c7a8e0a6f9b24d1e8a3b5d6f7e8d9c0b';
  const token = pushToken(0xa1);
  const registration = () => `/wallet/v1/devices/${device}/registrations/${pass.passTypeIdentifier}/${pass.serialNumber}`;
  const list = (tag?: string) =>
    `/wallet/v1/devices/${device}/registrations/${pass.passTypeIdentifier}${tag === undefined ? '' : `?passesUpdatedSince=${tag}`}`;
  const latest = () => `/wallet/v1/passes/${pass.passTypeIdentifier}/${pass.serialNumber}`;
  const applePass = () => `ApplePass ${pass.authenticationToken}`;
  let firstTag: string;
  let lastModified: string;

  beforeAll(async () => {
    t = await WalletTestApp.start();
    apiKey = await t.newAccount();
    templateId = await t.createTemplate(apiKey);
    pass = await t.issueAndInstall(apiKey, templateId, 'CONV-1');
  });

  afterAll(async () => {
    await t.close();
  });

  it('hands out passes whose webServiceURL is the /wallet base, without /v1', () => {
    expect(pass.webServiceURL).toBe('https://passes.test/wallet');
    expect(pass.authenticationToken.length).toBeGreaterThanOrEqual(16);
  });

  it('registers (201), registers again (200), and refuses a wrong token (401)', async () => {
    await request(t.server()).post(registration()).set('authorization', applePass()).send({ pushToken: token }).expect(201);
    await request(t.server()).post(registration()).set('authorization', applePass()).send({ pushToken: token }).expect(200);
    await request(t.server()).post(registration()).set('authorization', 'ApplePass wrong-token-0123456789').send({ pushToken: token }).expect(401);
    await request(t.server()).post(registration()).send({ pushToken: token }).expect(401);
    await request(t.server()).post(registration()).set('authorization', applePass()).send({ pushToken: 'not hex' }).expect(400);
  });

  it('lists the registered serial with a string tag (200), and nothing since that tag (204)', async () => {
    const listed = await request(t.server()).get(list()).expect(200);
    expect(listed.headers['content-type']).toMatch(/^application\/json/);
    expect(listed.body).toEqual({ serialNumbers: [pass.serialNumber], lastUpdated: expect.any(String) });
    firstTag = listed.body.lastUpdated;
    expect(firstTag).toMatch(/^[0-9A-Za-z._-]+$/);
    await request(t.server()).get(list(firstTag)).expect(204);
  });

  it('serves the pass with Last-Modified (200), then 304 for that If-Modified-Since; HEAD like GET', async () => {
    const response = await request(t.server()).get(latest()).set('authorization', applePass()).buffer(true).parse(binary).expect(200);
    expect(response.headers['content-type']).toBe('application/vnd.apple.pkpass');
    lastModified = response.headers['last-modified'];
    expect(new Date(lastModified).toUTCString()).toBe(lastModified);
    expect(passJsonOf(unzipPkpass(response.body)).serialNumber).toBe(pass.serialNumber);
    await request(t.server()).get(latest()).set('authorization', applePass()).set('if-modified-since', lastModified).expect(304);
    const head = await request(t.server()).head(latest()).set('authorization', applePass()).expect(200);
    expect(head.headers['last-modified']).toBe(lastModified);
    await request(t.server()).get(latest()).set('authorization', 'ApplePass wrong-token-0123456789').expect(401);
  });

  it('pushes to the device when a field changes through the API; the new version lists and downloads with its changeMessage', async () => {
    const before = t.apns.requests.length;
    await request(t.server())
      .put(`/api/v1/templates/${templateId}/passes/${pass.passId}?api_token=${apiKey}`)
      .type('form')
      .send({ pass: JSON.stringify({ gate: '53' }) })
      .expect(200);
    const pushes = await t.apns.waitForRequests(before + 1);
    const push = pushes[before];
    expect(push.token).toBe(token);
    expect(push.headers['apns-topic']).toBe(pass.passTypeIdentifier);
    expect(JSON.parse(push.body.toString('utf8'))).toEqual({});

    const listed = await request(t.server()).get(list(firstTag)).expect(200);
    expect(listed.body.serialNumbers).toEqual([pass.serialNumber]);
    expect(Number(listed.body.lastUpdated)).toBeGreaterThan(Number(firstTag));
    await request(t.server()).get(list(listed.body.lastUpdated)).expect(204);

    const response = await request(t.server())
      .get(latest())
      .set('authorization', applePass())
      .set('if-modified-since', lastModified)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(response.headers['last-modified']).not.toBe(lastModified);
    const passJson = passJsonOf(unzipPkpass(response.body)) as { boardingPass: { headerFields: Array<Record<string, string>> } };
    expect(passJson.boardingPass.headerFields[0]).toEqual(
      expect.objectContaining({ key: 'gate', value: '53', changeMessage: 'Gate changed to %@' }),
    );
  });

  it('unregisters (200, also when already gone) and refuses a wrong token (401)', async () => {
    await request(t.server()).delete(registration()).set('authorization', 'ApplePass wrong-token-0123456789').expect(401);
    await request(t.server()).delete(registration()).set('authorization', applePass()).expect(200);
    await request(t.server()).delete(registration()).set('authorization', applePass()).expect(200);
    await request(t.server()).get(list()).expect(204);
  });

  it('takes log entries (200) and refuses a body without logs (400)', async () => {
    await request(t.server())
      .post('/wallet/v1/log')
      .send({ logs: ['[2026-11-22 10:00:00 +0000] Web service error for pass.x: <script>alert(1)</script>\n'] })
      .expect(200);
    await request(t.server()).post('/wallet/v1/log').send({ nope: true }).expect(400);
    // The route takes bodies from anyone: a big one is refused before it is parsed.
    await request(t.server()).post('/wallet/v1/log').send({ logs: ['x'.repeat(300 * 1024)] }).expect(413);
  });

  it('serves passes whose serial numbers are long (up to the 128 characters a serial may have)', async () => {
    const long = await t.issueAndInstall(apiKey, templateId, `LONG-${'9'.repeat(123)}`);
    expect(long.serialNumber).toHaveLength(128);
    await request(t.server())
      .get(`/wallet/v1/passes/${long.passTypeIdentifier}/${encodeURIComponent(long.serialNumber)}`)
      .set('authorization', `ApplePass ${long.authenticationToken}`)
      .expect(200);
  });

  it('answers keys no row can hold (a NUL byte) like unknown ones, never with a 500', async () => {
    await request(t.server()).get(`/wallet/v1/devices/%00abc/registrations/${pass.passTypeIdentifier}`).expect(204);
    await request(t.server()).get(`/wallet/v1/devices/${device}/registrations/pass.x%00y`).expect(204);
    await request(t.server()).get(`/wallet/v1/passes/${pass.passTypeIdentifier}/A%00B`).set('authorization', applePass()).expect(401);
    await request(t.server()).delete(`/wallet/v1/devices/%00/registrations/${pass.passTypeIdentifier}/${pass.serialNumber}`).set('authorization', applePass()).expect(400);
  });
});
