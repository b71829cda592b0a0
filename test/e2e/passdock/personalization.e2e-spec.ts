import { join } from 'node:path';
import request from 'supertest';
import { opensslVerify, passJsonOf, unzipPkpass, type PkpassFiles } from '../../support/pkpass';
import { AN_NFC, AN_OFFER } from '../../support/personalization-fixtures';
import { binary, PNG_BASE64, startPassdockApp, type PassdockTestApp } from './passdock-app';

const image = (filename: string) => ({ filename, data: PNG_BASE64 });

/** Rewards enrollment through the Passdock API (passgate extension): personalization, nfc and personalization_logo. */
describe('Passdock templates that offer personalization', () => {
  let t: PassdockTestApp;
  let apiKey: string;
  let titles = 0;
  const api = (path: string) => `/api/v1${path}${path.includes('?') ? '&' : '?'}api_token=${apiKey}`;
  const create = (body: Record<string, unknown>) => request(t.server()).post(api('/templates?errors=true')).send(body);
  const rewardsCard = (overrides: Record<string, unknown> = {}) => ({
    title: `Rewards ${(titles += 1)}`,
    description: 'Rewards card',
    kind_id: 4,
    icon: image('icon.png'),
    personalization_logo: [image('personalizationLogo.png'), image('personalizationLogo@2x.png')],
    nfc: AN_NFC,
    personalization: AN_OFFER,
    family: { primary: [{ key: 'fullName', label: 'MEMBER', value: 'Guest' }] },
    ...overrides,
  });
  const download = async (passBody: { download: string }): Promise<PkpassFiles> =>
    unzipPkpass((await request(t.server()).get(new URL(passBody.download).pathname).buffer(true).parse(binary).expect(200)).body as Buffer);
  const issue = async (templateId: number, serialNumber: string) =>
    (await request(t.server()).post(api(`/templates/${templateId}/passes`)).send({ pass: { serial_number: serialNumber } }).expect(201)).body;

  beforeAll(async () => {
    t = await startPassdockApp();
    apiKey = await t.newAccount();
  });

  afterAll(() => t?.close());

  it('creates a store card with nfc, personalization and its logo, and shows them', async () => {
    const created = await create({ ...rewardsCard(), debug: true }).expect(201);

    expect(created.body).toEqual(expect.objectContaining({ kind_id: 4, personalization: AN_OFFER, nfc: AN_NFC }));
    const shown = await request(t.server()).get(api(`/templates/${created.body.id}`)).expect(200);
    expect(shown.body).toEqual(expect.objectContaining({ personalization: AN_OFFER, nfc: AN_NFC }));
  });

  it('issues passes whose package carries personalization.json, the logos and nfc, signed', async () => {
    const created = await create(rewardsCard()).expect(201);

    const files = await download(await issue(created.body.id, 'REWARDS-1'));

    expect(JSON.parse(files['personalization.json'].toString('utf8'))).toEqual(AN_OFFER);
    expect(passJsonOf(files).nfc).toEqual(AN_NFC);
    expect(Object.keys(files).sort()).toEqual(
      ['icon.png', 'manifest.json', 'pass.json', 'personalization.json', 'personalizationLogo.png', 'personalizationLogo@2x.png', 'signature'],
    );
    expect(opensslVerify(files, join(t.dir, 'certs', 'wwdr.pem')).ok).toBe(true);
  });

  it('takes personalization and nfc as JSON text in form fields, like family', async () => {
    const card = rewardsCard();
    const created = await request(t.server())
      .post(api('/templates?errors=true&debug=true'))
      .type('form')
      .send({
        title: card.title,
        description: card.description,
        kind_id: '4',
        icon: JSON.stringify(card.icon),
        personalization_logo: JSON.stringify(image('logo@3x.png')),
        nfc: JSON.stringify(AN_NFC),
        personalization: JSON.stringify(AN_OFFER),
      })
      .expect(201);

    expect(created.body).toEqual(expect.objectContaining({ personalization: AN_OFFER, nfc: AN_NFC }));
    // The parameter names the kind, the file name only the resolution.
    expect(Object.keys(await download(await issue(created.body.id, 'FORM-1')))).toContain('personalizationLogo@3x.png');
  });

  it('shows null for templates without them, and a template shown can be sent back as family', async () => {
    const created = await create({ title: 'Plain', description: 'Plain', kind_id: 5, icon: image('icon.png'), debug: true }).expect(201);
    expect(created.body).toEqual(expect.objectContaining({ personalization: null, nfc: null }));

    const rewards = (await create({ ...rewardsCard(), debug: true }).expect(201)).body;
    await request(t.server()).put(api(`/templates/${rewards.id}?errors=true`)).send({ family: { ...rewards, title: `${rewards.title} again` } }).expect(200);
  });

  it('stops offering enrollment when an update removes personalization and its logo; the passes get a new package', async () => {
    const created = await create(rewardsCard()).expect(201);
    const pass = await issue(created.body.id, 'REMOVE-1');
    expect(Object.keys(await download(pass))).toContain('personalization.json');

    const refused = await request(t.server()).put(api(`/templates/${created.body.id}?errors=true`)).send({ personalization: null }).expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ code: 'IMAGE_NOT_ALLOWED' })]);
    const updated = await request(t.server())
      .put(api(`/templates/${created.body.id}?debug=true`))
      .send({ personalization: null, personalization_logo: null })
      .expect(200);

    expect(updated.body).toEqual(expect.objectContaining({ personalization: null, nfc: AN_NFC }));
    const files = await download(pass);
    expect(Object.keys(files).filter((name) => name.startsWith('personalization'))).toEqual([]);
    expect(passJsonOf(files).nfc).toEqual(AN_NFC);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['personalization on a generic pass (kind 5)', { kind_id: 5 }, 'TEMPLATE_INVALID', 'personalization'],
    ['personalization without nfc', { nfc: null }, 'TEMPLATE_INVALID', 'nfc'],
    ['personalization without a personalization_logo', { personalization_logo: undefined }, 'TEMPLATE_INVALID', 'personalizationLogo'],
    ['personalization with only a 1x logo', { personalization_logo: image('personalizationLogo.png') }, 'TEMPLATE_INVALID', 'personalizationLogo'],
    ['a personalization_logo without personalization', { personalization: undefined }, 'IMAGE_NOT_ALLOWED', 'personalizationLogo.png'],
    ['an unknown required field', { personalization: { ...AN_OFFER, requiredPersonalizationFields: ['PKPassPersonalizationFieldAge'] } }, 'TEMPLATE_INVALID', 'personalization.requiredPersonalizationFields'],
    ['no required field', { personalization: { ...AN_OFFER, requiredPersonalizationFields: [] } }, 'TEMPLATE_INVALID', 'personalization.requiredPersonalizationFields'],
    ['a personalization attribute passgate does not know', { personalization: { ...AN_OFFER, title: 'Join' } }, 'VALUE_INVALID', 'personalization.title'],
    ['a personalization inside family that is not a hash', { personalization: undefined, personalization_logo: undefined, family: { personalization: 'yes' } }, 'VALUE_INVALID', 'family.personalization'],
    ['an nfc message over 64 bytes', { nfc: { ...AN_NFC, message: 'x'.repeat(65) } }, 'TEMPLATE_INVALID', 'nfc.message'],
    ['an nfc key that is not base64', { nfc: { ...AN_NFC, encryptionPublicKey: '-----BEGIN PUBLIC KEY-----' } }, 'TEMPLATE_INVALID', 'nfc.encryptionPublicKey'],
    ['an nfc without its key', { nfc: { message: 'm' } }, 'TEMPLATE_INVALID', 'nfc.encryptionPublicKey'],
    ['a non-boolean requiresAuthentication', { nfc: { ...AN_NFC, requiresAuthentication: 'maybe' } }, 'VALUE_INVALID', 'nfc.requiresAuthentication'],
  ])('refuses %s with 422', async (_case, overrides, code, field) => {
    const response = await create(rewardsCard(overrides)).expect(422);

    expect(response.body.errors).toEqual([expect.objectContaining({ code, field })]);
  });

  it('answers 400 for a personalization parameter that is not a hash', async () => {
    const response = await create(rewardsCard({ personalization: true })).expect(400);

    expect(response.body.errors).toEqual([expect.objectContaining({ code: 'PARAMETER_INVALID', field: 'personalization' })]);
  });

  it('answers 400 for personalization that is not JSON', async () => {
    const response = await request(t.server())
      .post(api('/templates?errors=true'))
      .type('form')
      .send({ title: 'Broken', description: 'd', kind_id: '4', icon: JSON.stringify(image('icon.png')), personalization: '{description:' })
      .expect(400);

    expect(response.body.errors).toEqual([expect.objectContaining({ code: 'MALFORMED_JSON', field: 'personalization' })]);
  });
});
