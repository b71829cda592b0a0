import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { binary, PNG_BASE64 } from '../passdock/passdock-app';
import { passJsonOf, unzipPkpass } from '../../support/pkpass';
import { AN_NFC, AN_OFFER } from '../../support/personalization-fixtures';
import { pushToken, WalletTestApp } from './wallet-app';

const image = (filename: string) => ({ filename, data: PNG_BASE64 });

/** Rewards enrollment as Wallet conducts it: personalize, verify the signed token, fetch the personalized pass. */
describe('Wallet web service: personalization', () => {
  let t: WalletTestApp;
  let apiKey: string;

  beforeAll(async () => {
    t = await WalletTestApp.start();
    apiKey = await t.newAccount();
  });

  afterAll(async () => {
    await t.close();
  });

  async function rewardsPass(serialNumber: string) {
    const template = await request(t.server())
      .post(`/api/v1/templates?api_token=${apiKey}&errors=true`)
      .send({
        title: `Rewards ${serialNumber}`,
        description: 'Rewards card',
        kind_id: 4,
        icon: image('icon.png'),
        personalization_logo: [image('personalizationLogo.png'), image('personalizationLogo@2x.png')],
        nfc: AN_NFC,
        personalization: AN_OFFER,
        family: { primary: [{ key: 'fullName', label: 'MEMBER', value: 'Guest' }] },
      })
      .expect(201);
    const templateId = (template.body as { id: number }).id;
    return { templateId, pass: await t.issueAndInstall(apiKey, templateId, serialNumber, {}) };
  }

  function verifySignature(token: string, signature: Buffer): string {
    const dir = mkdtempSync(join(tmpdir(), 'passgate-personalize-'));
    writeFileSync(join(dir, 'token'), token);
    writeFileSync(join(dir, 'signature'), signature);
    return execFileSync(
      'openssl',
      ['smime', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'signature'), '-content', join(dir, 'token'),
        '-CAfile', join(t.certsDir, 'wwdr.pem'), '-purpose', 'any', '-out', '/dev/null'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ).toString();
  }

  it('signs the token, stores the answers as a new version, pushes it, and serves the personalized pass', async () => {
    const { pass } = await rewardsPass('REWARD-1');
    const authorization = `ApplePass ${pass.authenticationToken}`;
    const token = pushToken(0x71);
    await request(t.server())
      .post(`/wallet/v1/devices/rewards-device-1/registrations/${pass.passTypeIdentifier}/${pass.serialNumber}`)
      .set('authorization', authorization)
      .send({ pushToken: token })
      .expect(201);
    const latest = `/wallet/v1/passes/${pass.passTypeIdentifier}/${pass.serialNumber}`;
    const before = await request(t.server()).get(latest).set('authorization', authorization).buffer(true).parse(binary).expect(200);
    expect(Object.keys(unzipPkpass(before.body))).toContain('personalization.json');
    const requestsBefore = t.apns.requests.length;

    const personalizationToken = 'Vb1jhl4+Tq5Fz8yLg3RnYw==';
    const answer = await request(t.server())
      .post(`${latest}/personalize`)
      .set('authorization', authorization)
      .send({
        personalizationToken,
        requiredPersonalizationInfo: { fullName: 'Ada Lovelace', emailAddress: 'ada@example.com' },
      })
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    verifySignature(personalizationToken, answer.body as Buffer);
    expect(() => verifySignature('another token', answer.body as Buffer)).toThrow();

    const pushes = await t.apns.waitForRequests(requestsBefore + 1);
    expect(pushes.slice(requestsBefore).map((push) => push.token)).toContain(token);

    const after = await request(t.server())
      .get(latest)
      .set('authorization', authorization)
      .set('if-modified-since', before.headers['last-modified'])
      .buffer(true)
      .parse(binary)
      .expect(200);
    const files = unzipPkpass(after.body);
    expect(files['personalization.json']).toBeUndefined();
    const passJson = passJsonOf(files) as { storeCard: { primaryFields: Array<{ key: string; value: string }> } };
    expect(passJson.storeCard.primaryFields).toEqual([expect.objectContaining({ key: 'fullName', value: 'Ada Lovelace' })]);
  });

  it('refuses a wrong token (401), missing answers (400), and a pass whose template offers no personalization (404)', async () => {
    const { pass } = await rewardsPass('REWARD-2');
    const path = `/wallet/v1/passes/${pass.passTypeIdentifier}/${pass.serialNumber}/personalize`;
    const body = { personalizationToken: 'abc', requiredPersonalizationInfo: { fullName: 'Ada', emailAddress: 'ada@example.com' } };
    await request(t.server()).post(path).set('authorization', 'ApplePass not-the-token-0123456789').send(body).expect(401);
    await request(t.server())
      .post(path)
      .set('authorization', `ApplePass ${pass.authenticationToken}`)
      .send({ personalizationToken: 'abc', requiredPersonalizationInfo: { fullName: 'Ada' } })
      .expect(400);

    const plainTemplate = await t.createTemplate(apiKey);
    const plain = await t.issueAndInstall(apiKey, plainTemplate, 'PLAIN-1');
    await request(t.server())
      .post(`/wallet/v1/passes/${plain.passTypeIdentifier}/${plain.serialNumber}/personalize`)
      .set('authorization', `ApplePass ${plain.authenticationToken}`)
      .send(body)
      .expect(404);
  });
});
