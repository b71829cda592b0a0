import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Notification, Provider } from '@parse/node-apn';
import {
  ApnsPassUpdateNotifier,
  EMPTY_DICTIONARY_PAYLOAD,
  SEND_SLICE,
} from '../../../../src/adapters/outbound/push/apns-pass-update.notifier';
import { LogPassUpdateNotifier } from '../../../../src/adapters/outbound/push/log-pass-update.notifier';
import {
  type ApnsEnvironment,
  DEVELOPMENT_PASS_TYPE_IDENTIFIER,
  issueSignerCertificate,
  loadCertsDirectory,
} from '../../../../src/adapters/outbound/signing/certs-directory';
import { AppConfig, loadAppConfig } from '../../../../src/config/app-config';
import type { PassType } from '../../../../src/domain/pass-type';
import { PassUpdateNotifier } from '../../../../src/domain/ports/pass-update-notifier';
import { ApnsStandIn } from '../../../support/apns-stand-in';
import { aPassType } from '../../../support/builders';
import { TEST_PASS_TYPE_IDENTIFIER, TEST_TEAM_IDENTIFIER, ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';

const DAY_S = 24 * 60 * 60;

function aPushToken(): string {
  return randomBytes(32).toString('hex');
}

describe('ApnsPassUpdateNotifier (node-apn against a local APNs stand-in)', () => {
  let standIn: ApnsStandIn;
  let certs: ThrowawayCerts;
  let config: AppConfig;
  let passType: PassType;
  const notifiers: ApnsPassUpdateNotifier[] = [];

  function aNotifier(configuration = config): ApnsPassUpdateNotifier {
    const notifier = new ApnsPassUpdateNotifier(configuration);
    notifiers.push(notifier);
    return notifier;
  }

  async function passTypeWith(apnsEnvironments: readonly ApnsEnvironment[], passTypeIdentifier = TEST_PASS_TYPE_IDENTIFIER) {
    const signer = await issueSignerCertificate(certs.ca, {
      passTypeIdentifier,
      teamIdentifier: TEST_TEAM_IDENTIFIER,
      apnsEnvironments,
    });
    return aPassType(null, {
      passTypeIdentifier,
      material: { ...certs.material, certificatePem: signer.certificatePem, privateKeyPem: signer.privateKeyPem },
    });
  }

  beforeAll(async () => {
    [standIn, certs] = await Promise.all([ApnsStandIn.start(), throwawayCerts()]);
    config = loadAppConfig({
      PUSH_MODE: 'apns',
      APNS_HOST: standIn.host,
      APNS_PORT: String(standIn.port),
      APNS_CA_FILE: standIn.caFile,
    });
    passType = aPassType(null, { passTypeIdentifier: TEST_PASS_TYPE_IDENTIFIER, material: certs.material });
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await Promise.all(notifiers.map((notifier) => notifier.onModuleDestroy()));
    await standIn.close();
  });

  it('delivers the empty-dictionary push with the pass type certificate, its identifier as topic and an expiry days ahead', async () => {
    const token = aPushToken();
    const before = standIn.requests.length;

    expect(await aNotifier().notify(passType, [token])).toEqual([{ pushToken: token, outcome: { kind: 'delivered' } }]);

    const [push] = standIn.requests.slice(before);
    expect(push).toMatchObject({ method: 'POST', path: `/3/device/${token}`, token });
    expect(push.headers['apns-topic']).toBe(TEST_PASS_TYPE_IDENTIFIER);
    expect(push.headers['apns-push-type']).toBeUndefined();
    const expiresIn = Number(push.headers['apns-expiration']) - Date.now() / 1000;
    expect(expiresIn).toBeGreaterThan(DAY_S);
    expect(expiresIn).toBeLessThanOrEqual(7 * DAY_S);
    // node-apn leaves out a body that compiles to exactly '{}'; APNs would answer 400 PayloadEmpty.
    expect(push.body.length).toBeGreaterThan(0);
    expect(push.body.toString('utf8')).toBe(EMPTY_DICTIONARY_PAYLOAD);
    expect(JSON.parse(push.body.toString('utf8'))).toEqual({});
    expect(standIn.clientSubjects[push.connection - 1]).toContain(`CN=Pass Type ID: ${TEST_PASS_TYPE_IDENTIFIER}`);
  });

  it('reports the device gone for 410 Unregistered and 400 BadDeviceToken', async () => {
    const unregistered = aPushToken();
    standIn.markUnregistered(unregistered);

    expect(await aNotifier().notify(passType, [unregistered, 'abc123'])).toEqual([
      { pushToken: unregistered, outcome: { kind: 'device-gone', status: 410, reason: 'Unregistered' } },
      { pushToken: 'abc123', outcome: { kind: 'device-gone', status: 400, reason: 'BadDeviceToken' } },
    ]);
  });

  it('does not put a token that is not hexadecimal into a request path', async () => {
    const before = standIn.requests.length;

    const [result] = await aNotifier().notify(passType, ['../../3/device/x']);

    expect(result.outcome).toMatchObject({ kind: 'device-gone', status: 400 });
    expect(standIn.requests.length).toBe(before);
  });

  it('asks for a retry on 429, 500 and 503, sending each push once (the worker backs off, not node-apn)', async () => {
    const tooMany = aPushToken();
    const failing = aPushToken();
    standIn.failToken(tooMany, 429);
    standIn.failToken(failing, 503);
    const notifier = aNotifier();
    const before = standIn.requests.length;

    try {
      expect(await notifier.notify(passType, [tooMany, failing])).toEqual([
        { pushToken: tooMany, outcome: { kind: 'retry', status: 429, reason: 'TooManyRequests' } },
        { pushToken: failing, outcome: { kind: 'retry', status: 503, reason: 'ServiceUnavailable' } },
      ]);
      expect(standIn.requests.length - before).toBe(2);

      standIn.failNext(1, 500);
      const [result] = await notifier.notify(passType, [aPushToken()]);
      expect(result.outcome).toMatchObject({ kind: 'retry', status: 500 });
    } finally {
      standIn.failToken(tooMany, null);
      standIn.failToken(failing, null);
    }
  });

  it('reports a refusal for the answers that no retry changes (topic, certificate, payload)', async () => {
    const answers = [
      { status: 400, reason: 'DeviceTokenNotForTopic' },
      { status: 400, reason: 'MissingTopic' },
      { status: 403, reason: 'BadCertificateEnvironment' },
      { status: 413, reason: 'PayloadTooLarge' },
    ];
    const tokens = answers.map(({ status, reason }) => {
      const token = aPushToken();
      standIn.failToken(token, status, reason);
      return token;
    });

    try {
      const results = await aNotifier().notify(passType, tokens);

      expect(results.map((result) => result.outcome)).toEqual(answers.map((answer) => ({ kind: 'refused', ...answer })));
    } finally {
      for (const token of tokens) standIn.failToken(token, null);
    }
  });

  it('asks for a retry while APNs cannot be reached, and delivers again on the same notifier once it can', async () => {
    const notifier = aNotifier();
    const token = aPushToken();
    await notifier.notify(passType, [token]);

    await standIn.stopListening();
    try {
      const [result] = await notifier.notify(passType, [token]);
      expect(result.outcome).toMatchObject({ kind: 'retry', status: null, reason: expect.stringMatching(/ECONNREFUSED/) });
    } finally {
      await standIn.resume();
    }

    expect(await notifier.notify(passType, [token])).toEqual([{ pushToken: token, outcome: { kind: 'delivered' } }]);
  });

  it('sends many tokens of one call over one TLS connection, one result per token in the order given', async () => {
    const notifier = aNotifier();
    const tokens = Array.from({ length: 200 }, aPushToken);
    const connectionsBefore = standIn.connections;
    const before = standIn.requests.length;

    const results = await notifier.notify(passType, tokens);

    expect(results.map((result) => result.pushToken)).toEqual(tokens);
    expect(results.every((result) => result.outcome.kind === 'delivered')).toBe(true);
    expect(standIn.connections - connectionsBefore).toBe(1);
    const pushes = standIn.requests.slice(before);
    expect(new Set(pushes.map((push) => push.token))).toEqual(new Set(tokens));
    expect(new Set(pushes.map((push) => push.connection))).toEqual(new Set([standIn.connections]));

    await notifier.notify(passType, [aPushToken()]);
    expect(standIn.connections - connectionsBefore).toBe(1);
  });

  it('hands node-apn a large call in slices with the event loop turning between them, all in flight on the one connection', async () => {
    const notifier = aNotifier();
    const tokens = Array.from({ length: 2 * SEND_SLICE + 1 }, aPushToken);
    const events: string[] = [];
    const send = Provider.prototype.send;
    jest.spyOn(Provider.prototype, 'send').mockImplementation(function (this: Provider, notification, recipients) {
      events.push(`send ${recipients.length}`);
      return send.call(this, notification, recipients);
    });
    let turning = true;
    const turn = () => {
      if (!turning) return;
      events.push('turn');
      setImmediate(turn);
    };
    const connectionsBefore = standIn.connections;
    setImmediate(turn);

    const results = await notifier.notify(passType, tokens);
    turning = false;

    expect(results.every((result) => result.outcome.kind === 'delivered')).toBe(true);
    expect(events.filter((event) => event.startsWith('send'))).toEqual([`send ${SEND_SLICE}`, `send ${SEND_SLICE}`, 'send 1']);
    const sends = events.flatMap((event, index) => (event.startsWith('send') ? [index] : []));
    for (let next = 1; next < sends.length; next += 1) expect(events.slice(sends[next - 1], sends[next])).toContain('turn');
    // The next slice goes out before the previous one is answered: they share the connection.
    expect(standIn.connections - connectionsBefore).toBe(1);
  });

  it('sends a token given twice once and answers for both', async () => {
    const token = aPushToken();
    const before = standIn.requests.length;

    const results = await aNotifier().notify(passType, [token, token]);

    expect(results).toEqual([
      { pushToken: token, outcome: { kind: 'delivered' } },
      { pushToken: token, outcome: { kind: 'delivered' } },
    ]);
    expect(standIn.requests.length - before).toBe(1);
  });

  it('connects anew with a renewed certificate', async () => {
    const notifier = aNotifier();
    await notifier.notify(passType, [aPushToken()]);
    const connectionsBefore = standIn.connections;
    const renewed = await passTypeWith(['development', 'production']);

    expect((await notifier.notify(renewed, [aPushToken()]))[0].outcome).toEqual({ kind: 'delivered' });
    expect(standIn.connections).toBe(connectionsBefore + 1);
  });

  it('pushes with the development material a fresh CERTS_DIR gets, which node-apn accepts for the production host too', async () => {
    const certsDir = join(mkdtempSync(join(tmpdir(), 'passgate-push-certs-')), 'certs');
    const { material } = await loadCertsDirectory(certsDir, null, { warn: () => undefined, info: () => undefined });
    const development = aPassType(null, { passTypeIdentifier: DEVELOPMENT_PASS_TYPE_IDENTIFIER, material, development: true });
    const token = aPushToken();
    const before = standIn.requests.length;

    expect(await aNotifier().notify(development, [token])).toEqual([{ pushToken: token, outcome: { kind: 'delivered' } }]);
    const [push] = standIn.requests.slice(before);
    expect(standIn.clientSubjects[push.connection - 1]).toContain(`CN=Pass Type ID: ${DEVELOPMENT_PASS_TYPE_IDENTIFIER}`);

    // node-apn checks the certificate when the Provider is made; it connects only on the first send.
    const production = new Provider({ cert: material.certificatePem, key: material.privateKeyPem, address: 'api.push.apple.com' });
    await new Promise<void>((resolve) => production.shutdown(resolve));
  });

  describe('a certificate node-apn will not use', () => {
    it('without push extensions: refused for every token, one error log naming the pass type and what to do, nothing sent', async () => {
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const bare = await passTypeWith([], 'pass.test.passgate.bare');
      const notifier = aNotifier();
      const before = standIn.requests.length;

      const results = await notifier.notify(bare, [aPushToken(), aPushToken()]);
      await notifier.notify(bare, [aPushToken()]);

      for (const { outcome } of results) {
        expect(outcome).toEqual({
          kind: 'refused',
          status: null,
          reason: expect.stringMatching(/does not support configured environment, production: false/),
        });
      }
      expect(standIn.requests.length).toBe(before);
      expect(errors).toHaveBeenCalledTimes(1);
      const [message] = errors.mock.calls[0] as [string];
      expect(message).toContain('pass.test.passgate.bare');
      expect(message).toContain('1.2.840.113635.100.6.3.1');
      expect(message).toContain('APNS_HOST');
    });

    it("like Apple's (production extension only) with a custom APNS_HOST: refused, node-apn checks it for the sandbox", async () => {
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const appleLike = await passTypeWith(['production'], 'pass.test.passgate.applelike');

      const [result] = await aNotifier().notify(appleLike, [aPushToken()]);

      expect(result.outcome).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/production: false/) });
    });

    it("at Apple's production host without the production extension: refused before any connection", async () => {
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const sandboxOnly = await passTypeWith(['development'], 'pass.test.passgate.sandboxonly');
      const production = loadAppConfig({ PUSH_MODE: 'apns' });
      expect(production.apnsHost).toBe('api.push.apple.com');

      const [result] = await aNotifier(production).notify(sandboxOnly, [aPushToken()]);

      expect(result.outcome).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/production: true/) });
      expect(errors.mock.calls[0][0]).toContain('1.2.840.113635.100.6.3.2');
    });

    it('expired: refused with the reason', async () => {
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const signer = await issueSignerCertificate(certs.ca, {
        passTypeIdentifier: 'pass.test.passgate.expired',
        teamIdentifier: TEST_TEAM_IDENTIFIER,
        notBefore: new Date('2020-01-01T00:00:00Z'),
        notAfter: new Date('2021-01-01T00:00:00Z'),
      });
      const expired = aPassType(null, {
        passTypeIdentifier: 'pass.test.passgate.expired',
        material: { ...certs.material, ...signer },
      });

      const [result] = await aNotifier().notify(expired, [aPushToken()]);

      expect(result.outcome).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/certificate has expired/) });
    });
  });
});

/** What every PassUpdateNotifier promises the push worker. */
function passUpdateNotifierContract(name: string, setup: () => Promise<{ notifier: PassUpdateNotifier; passType: PassType }>) {
  describe(`PassUpdateNotifier contract: ${name}`, () => {
    it('answers one result per token, in the order given, and nothing for no tokens', async () => {
      const { notifier, passType } = await setup();
      const tokens = [aPushToken(), aPushToken(), aPushToken()];

      const results = await notifier.notify(passType, tokens);

      expect(results.map((result) => result.pushToken)).toEqual(tokens);
      expect(results.map((result) => result.outcome.kind)).toEqual(['delivered', 'delivered', 'delivered']);
      expect(await notifier.notify(passType, [])).toEqual([]);
    });
  });
}

describe('LogPassUpdateNotifier', () => {
  afterEach(() => jest.restoreAllMocks());

  passUpdateNotifierContract('log', async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    return { notifier: new LogPassUpdateNotifier(), passType: aPassType(null) };
  });

  it('logs each push with the pass type identifier and the start of the token only', async () => {
    const lines = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const passType = aPassType(null, { passTypeIdentifier: 'pass.com.example.logged' });
    const tokens = [aPushToken(), aPushToken()];

    await new LogPassUpdateNotifier().notify(passType, tokens);

    expect(lines).toHaveBeenCalledTimes(2);
    tokens.forEach((token, index) => {
      const [message] = lines.mock.calls[index] as [string];
      expect(message).toContain('pass.com.example.logged');
      expect(message).toContain(token.slice(0, 8));
      expect(message).not.toContain(token.slice(0, 9));
    });
  });
});

describe('ApnsPassUpdateNotifier', () => {
  let standIn: ApnsStandIn;
  let notifier: ApnsPassUpdateNotifier;

  afterAll(async () => {
    await notifier?.onModuleDestroy();
    await standIn?.close();
  });

  passUpdateNotifierContract('apns', async () => {
    const certs = await throwawayCerts();
    standIn ??= await ApnsStandIn.start();
    notifier ??= new ApnsPassUpdateNotifier(
      loadAppConfig({ APNS_HOST: standIn.host, APNS_PORT: String(standIn.port), APNS_CA_FILE: standIn.caFile }),
    );
    return { notifier, passType: aPassType(null, { passTypeIdentifier: TEST_PASS_TYPE_IDENTIFIER, material: certs.material }) };
  });
});

describe('node-apn 8.1.0 as measured (why the notifier compiles its own payload)', () => {
  it("writes no body for a notification that compiles to '{}', which APNs answers with 400 PayloadEmpty", async () => {
    const [standIn, certs] = await Promise.all([ApnsStandIn.start(), throwawayCerts()]);
    const provider = new Provider({
      cert: certs.material.certificatePem,
      key: certs.material.privateKeyPem,
      address: standIn.host,
      port: standIn.port,
      ca: [readFileSync(standIn.caFile, 'utf8')],
      connectionRetryLimit: 0,
    });
    try {
      const notification = new Notification();
      notification.topic = TEST_PASS_TYPE_IDENTIFIER;
      const token = aPushToken();

      const { failed } = await provider.send(notification, token);
      const [push] = await standIn.waitForRequests(1);

      expect(push.body.length).toBe(0);
      expect(failed).toEqual([expect.objectContaining({ device: token, status: 400, response: { reason: 'PayloadEmpty' } })]);
    } finally {
      await new Promise<void>((resolve) => provider.shutdown(resolve));
      await standIn.close();
    }
  });
});
