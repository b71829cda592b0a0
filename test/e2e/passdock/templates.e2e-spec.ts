import { join } from 'node:path';
import request from 'supertest';
import { opensslVerify, passJsonOf, unzipPkpass } from '../../support/pkpass';
import { binary, PNG_BASE64, passTypeP12, SEED_FAMILY, startPassdockApp, type PassdockTestApp } from './passdock-app';

const image = (filename: string) => ({ filename, data: PNG_BASE64 });

describe('Passdock templates', () => {
  let t: PassdockTestApp;
  let apiKey: string;
  const api = (path: string) => `/api/v1${path}${path.includes('?') ? '&' : '?'}api_token=${apiKey}`;
  const create = (body: Record<string, unknown>) => request(t.server()).post(api('/templates?errors=true')).send(body);

  beforeAll(async () => {
    t = await startPassdockApp();
    apiKey = await t.newAccount();
  });

  afterAll(() => t?.close());

  it.each([
    [1, 'boardingPass', { footer: image('footer.png') }],
    [2, 'eventTicket', { background: image('background.png'), thumbnail: image('photo@2x.png') }],
    [3, 'coupon', { strip: image('strip.png') }],
    [4, 'storeCard', { strip: image('strip.png') }],
    [5, 'generic', { thumbnail: image('thumbnail.png') }],
    [6, 'eventTicket', { strip: image('strip@3x.png') }],
  ])('creates kind %i (%s) with the images that kind shows', async (kindId, style, images) => {
    const created = await create({
      title: `Kind ${kindId}`,
      description: `Kind ${kindId} pass`,
      kind_id: String(kindId),
      icon: [image('icon.png'), image('icon@2x.png')],
      logo: image('logo.png'),
      ...images,
      debug: 'true',
    }).expect(201);
    expect(created.body).toEqual(expect.objectContaining({ kind_id: kindId, title: `Kind ${kindId}`, organization_name: `Kind ${kindId}` }));

    const pass = await request(t.server())
      .post(api(`/templates/${created.body.id}/passes`))
      .send({ pass: { serial_number: `KIND-${kindId}` } })
      .expect(201);
    const pkpass = await request(t.server()).get(new URL(pass.body.download).pathname).buffer(true).parse(binary).expect(200);
    const files = unzipPkpass(pkpass.body as Buffer);
    expect(passJsonOf(files)[style]).toBeDefined();
    // The parameter names the kind, the file name only the resolution.
    const expected = Object.entries(images).map(([kind, given]) => `${kind}${/@[23]x/.exec(given.filename)?.[0] ?? ''}.png`);
    expect(Object.keys(files).filter((name) => name.endsWith('.png')).sort()).toEqual(['icon.png', 'icon@2x.png', 'logo.png', ...expected].sort());
  });

  it('takes title and kind_id inside family, as the documentation example does', async () => {
    const created = await request(t.server())
      .post(api('/templates?debug=true'))
      .type('form')
      .send({ description: 'Boarding pass', icon: JSON.stringify(image('icon.png')), family: JSON.stringify({ ...SEED_FAMILY, title: 'Family title' }) })
      .expect(201);
    expect(created.body).toEqual(
      expect.objectContaining({
        title: 'Family title',
        kind_id: 1,
        description: 'Boarding pass',
        organization_name: 'Passdock Airways',
        format_version: 1,
        recipient_required: false,
        custom: [{ transitType: 'PKTransitTypeAir' }],
        relevance: { relevantDate: '' },
        auxiliary: [expect.objectContaining({ key: 'departure', dateStyle: 'PKDateStyleMedium', timeStyle: 'PKDateStyleMedium' })],
      }),
    );
  });

  it('stores the passgate extensions and shows them', async () => {
    const created = await create({
      title: 'Extensions',
      description: 'Extensions',
      kind_id: 5,
      icon: image('icon.png'),
      recipient_required: true,
      family: {
        primary: [{ key: 'member', value: 'Member', dynamic: false }, { key: 'points', value: 0, numberStyle: 'PKNumberStyleDecimal' }],
        bar: { format: 'PKBarcodeFormatPDF417', messageRequired: true },
        relevance: { dynamicLocations: 2, dynamicBeacons: 0, maxDistance: 50, locations: [{ latitude: 1, longitude: 2 }] },
      },
      debug: true,
    }).expect(201);
    expect(created.body).toEqual(
      expect.objectContaining({
        recipient_required: true,
        primary: [
          { key: 'member', label: '', value: 'Member', changeMessage: '', dynamic: false },
          { key: 'points', label: '', value: 0, changeMessage: '', numberStyle: 'PKNumberStyleDecimal', dynamic: true },
        ],
        bar: { altText: '', format: 'PKBarcodeFormatPDF417', message: '', messageEncoding: 'iso-8859-1', messageRequired: true },
        relevance: { relevantDate: '', locations: [{ latitude: 1, longitude: 2 }], maxDistance: 50, dynamicLocations: 2, dynamicBeacons: 0 },
      }),
    );
  });

  it('refuses a pass without barcode message when the template requires one (422)', async () => {
    const id = await t.createTemplate(apiKey, { ...SEED_FAMILY, title: 'Required code', bar: { format: 'PKBarcodeFormatQR', messageRequired: true } });
    const refused = await request(t.server()).post(api(`/templates/${id}/passes?errors=true`)).send({ pass: { serial_number: 'RC-1' } }).expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ code: 'BARCODE_MESSAGE_REQUIRED' })]);
    await request(t.server()).post(api(`/templates/${id}/passes`)).send({ pass: { serial_number: 'RC-1', bar: { message: 'CODE' } } }).expect(201);
  });

  it('updates only what the request names; null removes an image; a kind change must fit the images', async () => {
    const created = await create({ title: 'Changing', description: 'Before', kind_id: 5, icon: image('icon.png'), thumbnail: image('thumbnail.png') }).expect(201);
    const id = created.body.id;
    const strip = await request(t.server()).put(api(`/templates/${id}?errors=true`)).send({ kind_id: 3 }).expect(422);
    expect(strip.body.errors).toEqual([expect.objectContaining({ code: 'IMAGE_NOT_ALLOWED', field: 'thumbnail.png' })]);
    const changed = await request(t.server())
      .put(api(`/templates/${id}?debug=true`))
      .send({ kind_id: 3, thumbnail: null, strip: image('strip.png'), description: 'After', family: { secondary: [{ key: 'offer', label: 'OFFER' }] } })
      .expect(200);
    expect(changed.body).toEqual(expect.objectContaining({ id, kind_id: 3, title: 'Changing', description: 'After', secondary: [expect.objectContaining({ key: 'offer' })] }));
    const pass = await request(t.server()).post(api(`/templates/${id}/passes`)).send({ pass: { serial_number: 'CH-1', offer: '10%' } }).expect(201);
    const files = unzipPkpass((await request(t.server()).get(new URL(pass.body.download).pathname).buffer(true).parse(binary).expect(200)).body as Buffer);
    expect(Object.keys(files).sort()).toEqual(['icon.png', 'manifest.json', 'pass.json', 'signature', 'strip.png']);
    expect(passJsonOf(files).description).toBe('After');
    await request(t.server()).put(api(`/templates/${id}?errors=true`)).send({ icon: null }).expect(422);
  });

  it('takes template updates sent as POST /templates/:id (the 2016 Node client)', async () => {
    const id = await t.createTemplate(apiKey, { ...SEED_FAMILY, title: 'Posted' });
    const response = await request(t.server()).post(api(`/templates/${id}`)).type('form').send({ title: 'Posted again' }).expect(200);
    expect(response.body).toEqual({ id });
    expect((await request(t.server()).get(api(`/templates/${id}`)).expect(200)).body.title).toBe('Posted again');
  });

  it('refuses a family attribute it does not know, and ignores the read-only ones it shows', async () => {
    const id = await t.createTemplate(apiKey, { ...SEED_FAMILY, title: 'Round trip' });
    const shown = (await request(t.server()).get(api(`/templates/${id}`)).expect(200)).body;
    await request(t.server()).put(api(`/templates/${id}`)).send({ family: { ...shown, title: 'Round trip 2' } }).expect(200);
    const unknown = await request(t.server()).put(api(`/templates/${id}?errors=true`)).send({ family: { colour: 'red' } }).expect(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ code: 'VALUE_INVALID', field: 'family.colour' })]);
  });

  it('signs with the pass type of an uploaded certificate (certificate[data], base64 .p12)', async () => {
    const p12 = await passTypeP12(join(t.dir, 'certs'), 'pass.com.example.airways', 's3cret');
    const created = await request(t.server())
      .post(api('/templates?errors=true'))
      .type('form')
      .send({
        description: 'Own certificate',
        icon: JSON.stringify(image('icon.png')),
        family: JSON.stringify({ ...SEED_FAMILY, title: 'Own certificate' }),
        certificate: JSON.stringify({ data: p12, password: 's3cret' }),
      })
      .expect(201);
    const pass = await request(t.server()).post(api(`/templates/${created.body.id}/passes`)).send({ pass: { serial_number: 'OWN-1', gate: '5' } }).expect(201);
    const files = unzipPkpass((await request(t.server()).get(new URL(pass.body.download).pathname).buffer(true).parse(binary).expect(200)).body as Buffer);
    expect(passJsonOf(files)).toEqual(expect.objectContaining({ passTypeIdentifier: 'pass.com.example.airways', teamIdentifier: 'ABCDE12345' }));
    expect(opensslVerify(files, join(t.dir, 'certs', 'wwdr.pem')).ok).toBe(true);

    const wrongPassword = await create({
      title: 'Wrong password',
      description: 'd',
      kind_id: 1,
      icon: image('icon.png'),
      certificate: { data: p12, password: 'wrong' },
    }).expect(422);
    expect(wrongPassword.body.errors).toEqual([expect.objectContaining({ code: 'SIGNING_MATERIAL_INVALID' })]);
    const notP12 = await create({ title: 'Not p12', description: 'd', kind_id: 1, icon: image('icon.png'), certificate: { data: PNG_BASE64 } }).expect(422);
    expect(notP12.body.errors).toEqual([expect.objectContaining({ code: 'SIGNING_MATERIAL_INVALID' })]);
  });

  it('deletes a template with its passes', async () => {
    const id = await t.createTemplate(apiKey, { ...SEED_FAMILY, title: 'Short-lived' });
    const pass = await request(t.server()).post(api(`/templates/${id}/passes`)).send({ pass: { serial_number: 'GONE-1' } }).expect(201);
    expect((await request(t.server()).delete(api(`/templates/${id}`)).expect(200)).body).toEqual({ id });
    await request(t.server()).get(api(`/templates/${id}`)).expect(404);
    await request(t.server()).get(new URL(pass.body.download).pathname).expect(404);
  });

  it('takes multipart forms, with images as uploaded files (passgate extension)', async () => {
    const png = Buffer.from(PNG_BASE64, 'base64');
    const created = await request(t.server())
      .post(api('/templates?errors=true'))
      .field('title', 'Uploaded')
      .field('description', 'Uploaded images')
      .field('kind_id', '5')
      .field('family', JSON.stringify({ primary: [{ key: 'name', label: 'NAME' }] }))
      .attach('icon', png, 'icon.png')
      .expect(201);
    const pass = await request(t.server())
      .post(api(`/templates/${created.body.id}/passes?errors=true`))
      .field('pass', '{"serial_number":"UP-1","name":"Ada"}')
      .attach('thumbnail', Buffer.concat([png, Buffer.from('thumb')]), 'photo.png')
      .expect(201);
    const files = unzipPkpass((await request(t.server()).get(new URL(pass.body.download).pathname).buffer(true).parse(binary).expect(200)).body as Buffer);
    expect(files['icon.png']).toEqual(png);
    expect(files['thumbnail.png']).toEqual(Buffer.concat([png, Buffer.from('thumb')]));
    const jpeg = await request(t.server())
      .post(api(`/templates/${created.body.id}/passes?errors=true`))
      .field('pass', '{"serial_number":"UP-2"}')
      .attach('thumbnail', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'photo.jpg')
      .expect(422);
    expect(jpeg.body.errors).toEqual([expect.objectContaining({ code: 'IMAGE_INVALID', field: 'thumbnail' })]);
  });

  it('pages the template list', async () => {
    const all = (await request(t.server()).get(api('/templates?per_page=500')).expect(200)).body as Array<{ id: number }>;
    expect(all.length).toBeGreaterThan(3);
    const firstTwo = (await request(t.server()).get(api('/templates?per_page=2')).expect(200)).body as Array<{ id: number }>;
    const nextTwo = (await request(t.server()).get(api('/templates?per_page=2&page=2')).expect(200)).body as Array<{ id: number }>;
    expect([...firstTwo, ...nextTwo].map((template) => template.id)).toEqual(all.slice(0, 4).map((template) => template.id));
  });
});
