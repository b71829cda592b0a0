import { join } from 'node:path';
import request from 'supertest';
import { PassRepository } from '../../../src/domain/ports/pass.repository';
import { opensslVerify, passJsonOf, sha1Hex, unzipPkpass, type PkpassFiles } from '../../support/pkpass';
import { binary, PNG_BASE64, startPassdockApp, type PassdockTestApp } from './passdock-app';

/** Create → show → list → search → update → redeem → download → delete, through the API only. */
describe('a pass from start to end', () => {
  let t: PassdockTestApp;
  let apiKey: string;
  let templateId: number;
  let passId: number;
  let webToken: string;
  const api = (path: string) => `/api/v1${path}${path.includes('?') ? '&' : '?'}api_token=${apiKey}`;
  const versionOf = async (id: number) => (await t.app.get(PassRepository).findById(id))!.version;

  /** The package as the public download link serves it, checked as a device would. */
  async function download(path: string): Promise<PkpassFiles> {
    const response = await request(t.server()).get(path).buffer(true).parse(binary).expect(200);
    expect(response.headers['content-type']).toBe('application/vnd.apple.pkpass');
    const files = unzipPkpass(response.body as Buffer);
    const manifest = JSON.parse(files['manifest.json'].toString('utf8')) as Record<string, string>;
    expect(Object.keys(manifest).sort()).toEqual(Object.keys(files).filter((name) => name !== 'manifest.json' && name !== 'signature').sort());
    for (const [name, hash] of Object.entries(manifest)) expect(sha1Hex(files[name])).toBe(hash);
    const verified = opensslVerify(files, join(t.dir, 'certs', 'wwdr.pem'));
    expect(verified.ok).toBe(true);
    return files;
  }

  beforeAll(async () => {
    t = await startPassdockApp();
    apiKey = await t.newAccount();
  });

  afterAll(() => t?.close());

  it('creates a template from a JSON body and shows it', async () => {
    const created = await request(t.server())
      .post(api('/templates'))
      .send({
        title: 'Passdock Airways',
        description: 'Boarding pass',
        kind_id: 1,
        icon: { filename: 'icon.png', data: PNG_BASE64 },
        family: {
          organization_name: 'Passdock Airways',
          header: [{ key: 'gate', label: 'GATE', value: '', changeMessage: 'Gate changed to %@' }],
          secondary: [{ key: 'name', label: 'NAME', value: '' }],
          back: [{ key: 'terms', label: 'TERMS', value: 'Non-refundable', dynamic: false }],
          bar: { format: 'PKBarcodeFormatQR', message: '', messageEncoding: 'iso-8859-1' },
          custom: [{ transitType: 'PKTransitTypeAir' }],
        },
      })
      .expect(201);
    templateId = created.body.id;
    expect(created.body).toEqual({ id: expect.any(Number) });

    const shown = await request(t.server()).get(api(`/templates/${templateId}`)).expect(200);
    expect(shown.body).toEqual(
      expect.objectContaining({
        id: templateId,
        title: 'Passdock Airways',
        kind_id: 1,
        header: [{ key: 'gate', label: 'GATE', value: '', changeMessage: 'Gate changed to %@', dynamic: true }],
        back: [{ key: 'terms', label: 'TERMS', value: 'Non-refundable', changeMessage: '', dynamic: false }],
        custom: [{ transitType: 'PKTransitTypeAir' }],
        bar: { altText: '', format: 'PKBarcodeFormatQR', message: '', messageEncoding: 'iso-8859-1', messageRequired: false },
      }),
    );
    const listed = await request(t.server()).get(api('/templates.json')).expect(200);
    expect(listed.body.map((template: { id: number }) => template.id)).toEqual([templateId]);
  });

  it('creates a pass (201) with a barcode message and locations', async () => {
    const created = await request(t.server())
      .post(api(`/templates/${templateId}/passes`))
      .type('form')
      .send({
        pass: JSON.stringify({
          serial_number: 'LIFE-1',
          gate: '12',
          name: { value: 'Ada Lovelace', label: 'PASSENGER' },
          bar: { message: 'LIFE-1-CODE', altText: 'LIFE 1' },
          relevance: { locations: [{ latitude: '45.5', longitude: -73.56, relevantText: 'Gate area' }], relevantDate: '2030-01-02T10:00:00Z' },
        }),
      })
      .expect(201);
    passId = created.body.id;
    webToken = created.body.web_token;
  });

  it('shows the pass with its values and links', async () => {
    const shown = await request(t.server()).get(api(`/templates/${templateId}/passes/${passId}`)).expect(200);
    expect(shown.body).toEqual(
      expect.objectContaining({
        id: passId,
        family_id: templateId,
        serial_number: 'LIFE-1',
        header: [{ key: 'gate', label: 'GATE', value: '12', changeMessage: 'Gate changed to %@' }],
        secondary: [{ key: 'name', label: 'PASSENGER', value: 'Ada Lovelace', changeMessage: '' }],
        bar: { format: 'PKBarcodeFormatQR', message: 'LIFE-1-CODE', messageEncoding: 'iso-8859-1', altText: 'LIFE 1' },
        relevance: { relevantDate: '2030-01-02T10:00:00Z', locations: [{ latitude: 45.5, longitude: -73.56, relevantText: 'Gate area' }] },
        render_html_url: `https://passes.test/p/${passId}/${webToken}`,
        redeemed_at: null,
      }),
    );
  });

  it('lists the passes in full and compact', async () => {
    const full = await request(t.server()).get(api(`/templates/${templateId}/passes`)).expect(200);
    expect(full.body).toEqual([expect.objectContaining({ id: passId, serial_number: 'LIFE-1' })]);
    const compact = await request(t.server()).get(api(`/templates/${templateId}/passes.json?compact=true&page=1`)).expect(200);
    expect(compact.body).toEqual([
      { download: `https://passes.test/passes/${passId}/${webToken}.pkpass`, family_id: templateId, id: passId, redeemed_at: null, web_token: webToken },
    ]);
    const secondPage = await request(t.server()).get(api(`/templates/${templateId}/passes?compact=true&page=2`)).expect(200);
    expect(secondPage.body).toEqual([]);
  });

  it('finds the pass by serial number, alone and with many=true', async () => {
    const one = await request(t.server()).get(api(`/templates/${templateId}/passes/search?serial_number=LIFE-1`)).expect(200);
    expect(one.body).toEqual(expect.objectContaining({ id: passId, serial_number: 'LIFE-1' }));
    const many = await request(t.server()).get(api(`/templates/${templateId}/passes/search.json?serial_number=LIFE-1&many=true`)).expect(200);
    expect(many.body).toEqual([
      {
        code: 'LIFE-1-CODE',
        download: `https://passes.test/passes/${passId}/${webToken}.pkpass`,
        family_id: templateId,
        id: passId,
        redeemed_at: null,
        serial_number: 'LIFE-1',
        type: 1,
        web_token: webToken,
      },
    ]);
    const none = await request(t.server()).get(api(`/templates/${templateId}/passes/search?serial_number=NOPE&many=true`)).expect(200);
    expect(none.body).toEqual([]);
    await request(t.server()).get(api(`/templates/${templateId}/passes/search?serial_number=NOPE`)).expect(404);
  });

  it('finds the pass by its barcode message across templates', async () => {
    const found = await request(t.server()).get(api('/passes/search?code=LIFE-1-CODE')).expect(200);
    expect(found.body).toEqual(expect.objectContaining({ id: passId, family_id: templateId }));
    await request(t.server()).get(api('/passes/search?code=NO%20SUCH%20CODE')).expect(404);
  });

  it('updates values (200): a new version, the new values in the package', async () => {
    const before = await versionOf(passId);
    const updated = await request(t.server())
      .put(api(`/templates/${templateId}/passes/${passId}`))
      .type('form')
      .send({ pass: JSON.stringify({ serial_number: 'LIFE-1', gate: { value: '53', changeMessage: 'Now at gate %@' } }) })
      .expect(200);
    expect(updated.body).toEqual({ family_id: templateId, id: passId, web_token: webToken, download: `https://passes.test/passes/${passId}/${webToken}.pkpass` });
    expect(await versionOf(passId)).toBeGreaterThan(before);

    const passJson = passJsonOf(await download(`/passes/${passId}/${webToken}.pkpass`));
    const boardingPass = passJson.boardingPass as { headerFields: unknown[]; transitType: string };
    expect(boardingPass.transitType).toBe('PKTransitTypeAir');
    expect(boardingPass.headerFields).toEqual([{ key: 'gate', label: 'GATE', value: '53', changeMessage: 'Now at gate %@' }]);
    expect(passJson.barcodes).toEqual([{ format: 'PKBarcodeFormatQR', message: 'LIFE-1-CODE', messageEncoding: 'iso-8859-1', altText: 'LIFE 1' }]);
    expect(passJson.locations).toEqual([{ latitude: 45.5, longitude: -73.56, relevantText: 'Gate area' }]);
    expect(passJson.serialNumber).toBe('LIFE-1');
  });

  it('redeems with pass={"redeemed":true} and takes it back with false', async () => {
    const before = await versionOf(passId);
    await request(t.server()).put(api(`/templates/${templateId}/passes/${passId}`)).type('form').send({ pass: '{"redeemed":true}' }).expect(200);
    expect(await versionOf(passId)).toBe(before + 1);
    const compact = await request(t.server()).get(api(`/templates/${templateId}/passes?compact=true`)).expect(200);
    expect(compact.body[0].redeemed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Redeeming twice changes nothing, so devices are not told about a change that is none.
    await request(t.server()).put(api(`/templates/${templateId}/passes/${passId}`)).send({ pass: { redeemed: true } }).expect(200);
    expect(await versionOf(passId)).toBe(before + 1);
    expect(passJsonOf(await download(`/passes/${passId}/${webToken}.pkpass`)).voided).toBe(true);

    await request(t.server()).put(api(`/templates/${templateId}/passes/${passId}`)).send({ pass: { redeemed: false } }).expect(200);
    const after = await request(t.server()).get(api(`/templates/${templateId}/passes?compact=true`)).expect(200);
    expect(after.body[0].redeemed_at).toBeNull();
  });

  it('downloads through show=true, the same package as the public link', async () => {
    const response = await request(t.server())
      .get(api(`/templates/${templateId}/passes/${passId}?show=true`))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(response.headers['content-type']).toBe('application/vnd.apple.pkpass');
    expect(response.headers['content-disposition']).toBe('attachment; filename="LIFE-1.pkpass"');
    const viaApi = unzipPkpass(response.body as Buffer);
    const viaLink = await download(`/passes/${passId}/${webToken}.pkpass`);
    expect(viaApi['manifest.json'].toString()).toBe(viaLink['manifest.json'].toString());
    expect(passJsonOf(viaApi).voided).toBeUndefined();
  });

  it('gives every pass a new version when the template changes, but not for a new title', async () => {
    let before = await versionOf(passId);
    await request(t.server()).put(api(`/templates/${templateId}`)).type('form').send({ title: 'Passdock Airways 2' }).expect(200);
    expect(await versionOf(passId)).toBe(before);
    before = await versionOf(passId);
    const updated = await request(t.server())
      .put(api(`/templates/${templateId}.json`))
      .send({ debug: true, family: { visual: { backgroundColor: '#102030', logoText: 'PD Air' } } })
      .expect(200);
    expect(updated.body).toEqual(expect.objectContaining({ id: templateId, title: 'Passdock Airways 2', visual: expect.objectContaining({ backgroundColor: 'rgb(16, 32, 48)', logoText: 'PD Air' }) }));
    expect(await versionOf(passId)).toBeGreaterThan(before);
    const passJson = passJsonOf(await download(`/passes/${passId}/${webToken}.pkpass`));
    expect(passJson.backgroundColor).toBe('rgb(16, 32, 48)');
    expect(passJson.logoText).toBe('PD Air');
  });

  it('deletes the pass: it and its links are gone', async () => {
    const deleted = await request(t.server()).delete(api(`/templates/${templateId}/passes/${passId}`)).expect(200);
    expect(deleted.body).toEqual({ id: passId });
    await request(t.server()).get(api(`/templates/${templateId}/passes/${passId}`)).expect(404);
    await request(t.server()).get(`/passes/${passId}/${webToken}.pkpass`).expect(404);
    await request(t.server()).delete(api(`/templates/${templateId}/passes/${passId}`)).expect(404);
  });

  it('deletes the template with a form body carrying the token, as the Ruby gem does', async () => {
    await request(t.server()).delete(`/api/v1/templates/${templateId}`).type('form').send({ api_token: apiKey, errors: 'true' }).expect(200);
    await request(t.server()).get(api(`/templates/${templateId}`)).expect(404);
  });
});
