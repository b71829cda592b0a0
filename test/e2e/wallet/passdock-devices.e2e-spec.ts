import request from 'supertest';
import { pushToken, WalletTestApp } from './wallet-app';

/** Installs and removals seen through the Passdock API: `devices` in the pass, and the devices route. */
describe('Passdock API: the devices of a pass, and installed passes per template', () => {
  let t: WalletTestApp;

  beforeAll(async () => {
    t = await WalletTestApp.start();
  });

  afterAll(async () => {
    await t.close();
  });

  it('shows each registration and its removal, to the pass’s own account only, without device secrets', async () => {
    const apiKey = await t.newAccount('Owner');
    const templateId = await t.createTemplate(apiKey);
    const pass = await t.issueAndInstall(apiKey, templateId, 'DEV-1');
    const devicesPath = `/api/v1/templates/${templateId}/passes/${pass.passId}/devices`;
    const passPath = `/api/v1/templates/${templateId}/passes/${pass.passId}`;
    expect((await request(t.server()).get(`${devicesPath}?api_token=${apiKey}`).expect(200)).body).toEqual([]);

    const device = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
    const registration = `/wallet/v1/devices/${device}/registrations/${pass.passTypeIdentifier}/${pass.serialNumber}`;
    await request(t.server())
      .post(registration)
      .set('authorization', `ApplePass ${pass.authenticationToken}`)
      .send({ pushToken: pushToken(0x51) })
      .expect(201);

    const listed = await request(t.server()).get(`${devicesPath}.json?api_token=${apiKey}`).expect(200);
    expect(listed.body).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{20}$/), registered_at: expect.any(String), updated_at: expect.any(String) },
    ]);
    expect(listed.text).not.toContain(device);
    expect(listed.text).not.toContain(pushToken(0x51));
    const shown = await request(t.server()).get(`${passPath}?api_token=${apiKey}`).expect(200);
    expect(shown.body.devices).toEqual(listed.body);
    const template = await request(t.server()).get(`/api/v1/templates/${templateId}?api_token=${apiKey}`).expect(200);
    expect(template.body.installed_passes).toBe(1);
    const templates = await request(t.server()).get(`/api/v1/templates?api_token=${apiKey}`).expect(200);
    expect(templates.body).toEqual([expect.objectContaining({ id: templateId, installed_passes: 1 })]);

    const stranger = await t.newAccount('Stranger');
    await request(t.server()).get(`${devicesPath}?api_token=${stranger}`).expect(404);
    await request(t.server()).get(devicesPath).expect(401);

    await request(t.server()).delete(registration).set('authorization', `ApplePass ${pass.authenticationToken}`).expect(200);
    expect((await request(t.server()).get(`${devicesPath}?api_token=${apiKey}`).expect(200)).body).toEqual([]);
    expect((await request(t.server()).get(`/api/v1/templates/${templateId}?api_token=${apiKey}`).expect(200)).body.installed_passes).toBe(0);
  });
});
