import { MikroORM } from '@mikro-orm/core';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { CreateAccount } from '../../../src/application/create-account.use-case';
import { CreateTemplate } from '../../../src/application/create-template.use-case';
import { DeviceRegistrationRepository } from '../../../src/domain/ports/device-registration.repository';
import { PushJobRepository } from '../../../src/domain/ports/push-job.repository';
import { PushWorker } from '../../../src/adapters/outbound/push/push-worker';
import { AppConfig } from '../../../src/config/app-config';
import type { RecordedPush } from '../../support/apns-stand-in';
import { aTemplateDefinition } from '../../support/builders';
import { passJsonOf, unzipPkpass } from '../../support/pkpass';
import { dropTestDatabase } from '../../support/test-app-config';
import { binary } from '../passdock/passdock-app';
import { answerOf, ENDPOINT, expectSuccess, passDataXml, requestXml } from '../skycore/skycore-harness';
import { InstalledPass, pushToken, WalletTestApp } from './wallet-app';

/**
 * Update pushes end to end: changes made through the Passdock and Skycore APIs, the push worker,
 * the real @parse/node-apn client and the local APNs stand-in, which can refuse, go away and come
 * back; and the Wallet web service pitfalls the basic conversation does not reach. Every test makes
 * its own account, template, serials, devices and push tokens, and waits for the push queue to be
 * empty (not for a fixed time) before it counts what reached the stand-in.
 */

/** A device as Wallet shows itself: its library identifier and its APNs push token. */
interface Device {
  id: string;
  token: string;
}

/** A pass template of a fresh account, with two installed passes of it. */
interface Fixture {
  apiKey: string;
  templateId: number;
  /** The pass the test changes; `holder` is registered to it. */
  mine: InstalledPass;
  /** Another pass of the same account, template and pass type; `bystander` is registered to it. */
  other: InstalledPass;
  holder: Device;
  bystander: Device;
}

/** Whether the promise settles within `ms` (a deadline for a condition, not a timing assertion). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const deadline = new AbortController();
  try {
    return await Promise.race([promise.then(() => true), sleep(ms, false, { signal: deadline.signal })]);
  } finally {
    deadline.abort();
  }
}

/**
 * Tears down a service whose app.close() hangs: stops its push worker, closes its database
 * connection and its APNs stand-in, and drops its database (what close() would have done).
 */
async function abandon(stuck: WalletTestApp): Promise<void> {
  await stuck.app.get(PushWorker).onModuleDestroy();
  const databaseUrl = stuck.app.get(AppConfig).databaseUrl;
  await stuck.app.get(MikroORM).close(true);
  await stuck.apns.close();
  await dropTestDatabase({ DATABASE_URL: databaseUrl });
}

// Retries back off 1 s, 2 s, 4 s … with jitter; the tests that make APNs fail take a few seconds.
jest.setTimeout(60_000);

describe('Wallet pushes: delivery through APNs', () => {
  let t: WalletTestApp;
  let names = 0;
  // pushToken(seed) is 64 hex characters for seeds below 0x100; 0xa1 is the conversation spec's.
  let seeds = 0x10;

  const unique = (prefix: string) => `${prefix}-${(names += 1)}`;

  function newDevice(): Device {
    const seed = (seeds += 1);
    if (seed > 0xff) throw new Error('out of push token seeds');
    return { id: `push-delivery-device-${seed.toString(16)}`, token: pushToken(seed) };
  }

  const registrationPath = (device: Device, pass: InstalledPass) =>
    `/wallet/v1/devices/${device.id}/registrations/${pass.passTypeIdentifier}/${pass.serialNumber}`;
  const listPath = (device: Device, passTypeIdentifier: string, tag?: string) =>
    `/wallet/v1/devices/${device.id}/registrations/${passTypeIdentifier}${tag === undefined ? '' : `?passesUpdatedSince=${tag}`}`;
  const latestPath = (pass: InstalledPass) => `/wallet/v1/passes/${pass.passTypeIdentifier}/${pass.serialNumber}`;
  const applePass = (pass: InstalledPass) => `ApplePass ${pass.authenticationToken}`;

  async function register(device: Device, pass: InstalledPass, expected = 201, token = device.token): Promise<void> {
    await request(t.server()).post(registrationPath(device, pass)).set('authorization', applePass(pass)).send({ pushToken: token }).expect(expected);
  }

  /** What the device would install now: GET latest pass, its pass.json. */
  async function latestPassJson(pass: InstalledPass): Promise<Record<string, unknown>> {
    const response = await request(t.server()).get(latestPath(pass)).set('authorization', applePass(pass)).buffer(true).parse(binary).expect(200);
    return passJsonOf(unzipPkpass(response.body as Buffer));
  }

  async function lastModifiedOf(pass: InstalledPass): Promise<string> {
    const response = await request(t.server()).get(latestPath(pass)).set('authorization', applePass(pass)).buffer(true).parse(binary).expect(200);
    return response.headers['last-modified'] as string;
  }

  const pushesTo = (token: string): RecordedPush[] => t.apns.requests.filter((push) => push.token === token);

  /** Polls a condition until it holds; fails with `describe()` after the deadline. */
  async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, describe: () => Promise<string> | string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`after ${timeoutMs} ms: ${await describe()}`);
      await sleep(25);
    }
  }

  const pending = () => t.app.get(PushJobRepository).countPending();

  /** Waits until the worker has nothing left to send: every push queued so far went out (or failed for good). */
  async function settled(timeoutMs = 20_000): Promise<void> {
    await until(async () => (await pending()) === 0, timeoutMs, async () => `${await pending()} pushes still pending`);
  }

  async function pendingBecomes(count: number, timeoutMs = 5_000): Promise<void> {
    await until(async () => (await pending()) === count, timeoutMs, async () => `${await pending()} pushes pending, expected ${count}`);
  }

  /** The device's push jobs as stored (observation only: how many sends each took, how it ended). */
  async function jobsOf(device: Device, service: WalletTestApp = t): Promise<Array<{ state: string; attempts: number }>> {
    const rows: Array<{ state: string; attempts: number | string }> = await service.app
      .get(MikroORM)
      .em.fork()
      .getConnection()
      .execute('select state, attempts from push_jobs where device_library_identifier = ? order by id', [device.id]);
    return rows.map((row) => ({ state: row.state, attempts: Number(row.attempts) }));
  }

  /** Waits until the device's waiting push has been tried (and refused) at least once. */
  async function triedAtLeastOnce(device: Device, service: WalletTestApp = t): Promise<void> {
    await until(
      async () => (await jobsOf(device, service)).some((job) => job.attempts >= 1 && (job.state === 'waiting' || job.state === 'sending')),
      10_000,
      async () => `jobs of ${device.id}: ${JSON.stringify(await jobsOf(device, service))}`,
    );
  }

  async function fixture(): Promise<Fixture> {
    const apiKey = await t.newAccount(unique('Push account'));
    const templateId = await t.createTemplate(apiKey);
    const mine = await t.issueAndInstall(apiKey, templateId, unique('MINE'));
    const other = await t.issueAndInstall(apiKey, templateId, unique('OTHER'));
    const holder = newDevice();
    const bystander = newDevice();
    await register(holder, mine);
    await register(bystander, other);
    return { apiKey, templateId, mine, other, holder, bystander };
  }

  function putPass(f: Pick<Fixture, 'apiKey' | 'templateId'>, pass: InstalledPass, content: Record<string, unknown>) {
    return request(t.server())
      .put(`/api/v1/templates/${f.templateId}/passes/${pass.passId}?api_token=${f.apiKey}`)
      .type('form')
      .send({ pass: JSON.stringify(content) });
  }

  function expectWellFormedPush(push: RecordedPush, token: string, passTypeIdentifier: string): void {
    expect(push.method).toBe('POST');
    expect(push.path).toBe(`/3/device/${token}`);
    expect(push.headers['apns-topic']).toBe(passTypeIdentifier);
    expect(push.body.length).toBeGreaterThan(0);
    expect(JSON.parse(push.body.toString('utf8'))).toEqual({});
    expect(Number(push.headers['apns-expiration'])).toBeGreaterThan(Date.now() / 1000);
  }

  beforeAll(async () => {
    t = await WalletTestApp.start();
  });

  afterAll(async () => {
    await t?.close();
  });

  // Each test starts with an empty queue, so nothing of an earlier test's reaches it, and no
  // failure the stand-in was told to give is left over.
  beforeEach(async () => {
    await settled();
  });
  afterEach(() => {
    t.apns.failNext(0, 200);
  });

  it("wakes the service's own push worker once a change that queued pushes has committed, rather than at its next poll", async () => {
    const f = await fixture();
    const worker = t.app.get(PushWorker);
    const woken = jest.spyOn(worker as unknown as { pushesQueued(): void }, 'pushesQueued');
    try {
      await putPass(f, f.mine, { gate: '8' }).expect(200);
      expect(woken).toHaveBeenCalledTimes(1);
      await settled();
      expect(pushesTo(f.holder.token)).toHaveLength(1);
    } finally {
      woken.mockRestore();
    }
  });

  describe('every kind of change pushes the devices of the changed pass, and only them', () => {
    it('a field change (Passdock PUT)', async () => {
      const f = await fixture();
      await putPass(f, f.mine, { gate: '7' }).expect(200);
      await settled();
      expect(pushesTo(f.holder.token)).toHaveLength(1);
      expectWellFormedPush(pushesTo(f.holder.token)[0], f.holder.token, f.mine.passTypeIdentifier);
      expect(pushesTo(f.bystander.token)).toHaveLength(0);

      const listed = await request(t.server()).get(listPath(f.holder, f.mine.passTypeIdentifier)).expect(200);
      expect(listed.body.serialNumbers).toEqual([f.mine.serialNumber]);
      const passJson = (await latestPassJson(f.mine)) as { boardingPass: { headerFields: Array<{ key: string; value: string }> } };
      expect(passJson.boardingPass.headerFields[0]).toEqual(expect.objectContaining({ key: 'gate', value: '7' }));
    });

    it('a redemption and taking it back (Passdock PUT pass={"redeemed":true} / false)', async () => {
      const f = await fixture();
      await putPass(f, f.mine, { redeemed: true }).expect(200);
      await settled();
      expect(pushesTo(f.holder.token)).toHaveLength(1);
      // Redeemed shows as void, but keeps its web service keys: it can still be taken back.
      const redeemed = await latestPassJson(f.mine);
      expect(redeemed.voided).toBe(true);
      expect(redeemed.webServiceURL).toBe(f.mine.webServiceURL);

      await putPass(f, f.mine, { redeemed: false }).expect(200);
      await settled();
      expect(pushesTo(f.holder.token)).toHaveLength(2);
      expect((await latestPassJson(f.mine)).voided).toBeUndefined();
      expect(pushesTo(f.bystander.token)).toHaveLength(0);
    });

    it('a create with the serial number of an existing pass (Passdock POST, the 200 update)', async () => {
      const f = await fixture();
      await request(t.server())
        .post(`/api/v1/templates/${f.templateId}/passes?api_token=${f.apiKey}`)
        .type('form')
        .send({ pass: JSON.stringify({ serial_number: f.mine.serialNumber, gate: '31' }) })
        .expect(200);
      await settled();
      expect(pushesTo(f.holder.token)).toHaveLength(1);
      expect(pushesTo(f.bystander.token)).toHaveLength(0);
    });

    it('a template change (PUT /api/v1/templates/:id) pushes every device of every pass of the template, once each', async () => {
      const f = await fixture();
      const onBoth = newDevice();
      await register(onBoth, f.mine);
      await register(onBoth, f.other);
      // A pass of another account's template, of the same pass type.
      const elsewhereKey = await t.newAccount(unique('Elsewhere'));
      const elsewhereTemplate = await t.createTemplate(elsewhereKey);
      const elsewherePass = await t.issueAndInstall(elsewhereKey, elsewhereTemplate, unique('ELSEWHERE'));
      expect(elsewherePass.passTypeIdentifier).toBe(f.mine.passTypeIdentifier);
      const elsewhere = newDevice();
      await register(elsewhere, elsewherePass);

      await request(t.server())
        .put(`/api/v1/templates/${f.templateId}?api_token=${f.apiKey}`)
        .type('form')
        .send({ description: 'Boarding pass, new terms' })
        .expect(200);
      await settled();
      expect(pushesTo(f.holder.token)).toHaveLength(1);
      expect(pushesTo(f.bystander.token)).toHaveLength(1);
      expect(pushesTo(onBoth.token)).toHaveLength(1);
      expect(pushesTo(elsewhere.token)).toHaveLength(0);

      const listed = await request(t.server()).get(listPath(onBoth, f.mine.passTypeIdentifier)).expect(200);
      expect(listed.body.serialNumbers).toEqual([f.mine.serialNumber, f.other.serialNumber].sort());
      expect((await latestPassJson(f.other)).description).toBe('Boarding pass, new terms');
    });

    it('a deletion (Passdock DELETE): one push, then a void pass without web service keys that the list still names', async () => {
      const f = await fixture();
      const before = await request(t.server()).get(listPath(f.holder, f.mine.passTypeIdentifier)).expect(200);
      const tag = before.body.lastUpdated as string;

      await request(t.server()).delete(`/api/v1/templates/${f.templateId}/passes/${f.mine.passId}?api_token=${f.apiKey}`).expect(200);
      await settled();
      expect(pushesTo(f.holder.token)).toHaveLength(1);
      expect(pushesTo(f.bystander.token)).toHaveLength(0);

      const listed = await request(t.server()).get(listPath(f.holder, f.mine.passTypeIdentifier, tag)).expect(200);
      expect(listed.body.serialNumbers).toEqual([f.mine.serialNumber]);
      const last = await latestPassJson(f.mine);
      expect(last).toEqual(expect.objectContaining({ serialNumber: f.mine.serialNumber, passTypeIdentifier: f.mine.passTypeIdentifier, voided: true }));
      expect(last).not.toHaveProperty('webServiceURL');
      expect(last).not.toHaveProperty('authenticationToken');
    });

    it('a Skycore updatePass of a pass issued through Skycore', async () => {
      const { account, apiKey } = await t.app.get(CreateAccount).execute(unique('Skycore account'));
      const { passTypeId: _shared, ...definition } = aTemplateDefinition({ title: unique('Skycore card') });
      const template = await t.app.get(CreateTemplate).execute({ accountId: account.id, passTypeId: null, definition });
      const xml = async (document: string) => answerOf(await request(t.server()).post(ENDPOINT).set('content-type', 'text/xml').send(document));

      const issue = async (name: string) => {
        const added = await xml(requestXml('addPassData', apiKey, `<PASSTEMPLATEID>${template.id}</PASSTEMPLATEID>` + passDataXml({ PRIMARYVALUE1: name })));
        expectSuccess(added);
        const issued = await xml(requestXml('generatePassById', apiKey, `<PASSDATAID>${added.PASSDATAID as string}</PASSDATAID>`));
        expectSuccess(issued);
        const passJson = passJsonOf(unzipPkpass(await t.download(new URL(issued.DOWNLOADURL as string).pathname)));
        const installed: InstalledPass = {
          passId: 0,
          serialNumber: passJson.serialNumber as string,
          passTypeIdentifier: passJson.passTypeIdentifier as string,
          authenticationToken: passJson.authenticationToken as string,
          webServiceURL: passJson.webServiceURL as string,
        };
        expect(installed.serialNumber).toBe(issued.SERIALNUMBER);
        return { passDataId: added.PASSDATAID as string, installed };
      };
      const mine = await issue('Ada');
      const other = await issue('Grace');
      const holder = newDevice();
      const bystander = newDevice();
      await register(holder, mine.installed);
      await register(bystander, other.installed);

      expectSuccess(await xml(requestXml('updatePass', apiKey, `<PASSDATAID>${mine.passDataId}</PASSDATAID>` + passDataXml({ PRIMARYVALUE1: 'Ada King' }))));
      await settled();
      expect(pushesTo(holder.token)).toHaveLength(1);
      expectWellFormedPush(pushesTo(holder.token)[0], holder.token, mine.installed.passTypeIdentifier);
      expect(pushesTo(bystander.token)).toHaveLength(0);
      const passJson = (await latestPassJson(mine.installed)) as { generic: { primaryFields: Array<{ value: string }> } };
      expect(passJson.generic.primaryFields[0].value).toBe('Ada King');
    });
  });

  describe('collapse', () => {
    it('several changes while APNs refuses the device make one waiting push, and one push once APNs takes it', async () => {
      const f = await fixture();
      const third = await t.issueAndInstall(f.apiKey, f.templateId, unique('THIRD'));
      const device = newDevice();
      for (const pass of [f.mine, f.other, third]) await register(device, pass);

      t.apns.failToken(device.token, 503);
      await putPass(f, f.mine, { gate: '1' }).expect(200);
      // The first send is refused; the push now waits for its retry.
      await until(() => pushesTo(device.token).length >= 1, 5_000, () => 'no refused push yet');
      await putPass(f, f.other, { gate: '2' }).expect(200);
      await putPass(f, third, { redeemed: true }).expect(200);
      await putPass(f, f.mine, { gate: '3' }).expect(200);
      await pendingBecomes(1);
      expect((await jobsOf(device)).filter((job) => job.state === 'waiting' || job.state === 'sending')).toHaveLength(1);

      // From here APNs takes the device's pushes: everything after this point was answered 200.
      const refused = pushesTo(device.token).length;
      t.apns.failToken(device.token, null);
      await settled();
      expect(pushesTo(device.token).length - refused).toBe(1);
      // The bystander (registered to `other`) got one push for it, unaffected by the device's failures.
      expect(pushesTo(f.bystander.token)).toHaveLength(1);
      expect(pushesTo(f.holder.token)).toHaveLength(2);

      const listed = await request(t.server()).get(listPath(device, f.mine.passTypeIdentifier)).expect(200);
      expect(listed.body.serialNumbers).toEqual([f.mine.serialNumber, f.other.serialNumber, third.serialNumber].sort());
    });

    it('several changes while APNs is unreachable make one push once it is back', async () => {
      const f = await fixture();
      const device = newDevice();
      await register(device, f.mine);
      await register(device, f.other);

      await t.apns.stopListening();
      try {
        await putPass(f, f.mine, { gate: '4' }).expect(200);
        await triedAtLeastOnce(device);
        await putPass(f, f.other, { gate: '5' }).expect(200);
        await putPass(f, f.mine, { gate: '6' }).expect(200);
        await request(t.server())
          .put(`/api/v1/templates/${f.templateId}?api_token=${f.apiKey}`)
          .type('form')
          .send({ description: 'Boarding pass, collapsed' })
          .expect(200);
        // One push per (device, pass type) waits: the device's, the holder's, the bystander's.
        await pendingBecomes(3);
        expect((await jobsOf(device)).filter((job) => job.state === 'waiting' || job.state === 'sending')).toHaveLength(1);
        expect(pushesTo(device.token)).toHaveLength(0);
      } finally {
        await t.apns.resume();
      }
      await settled();
      expect(pushesTo(device.token)).toHaveLength(1);
      expect(pushesTo(f.holder.token)).toHaveLength(1);
      expect(pushesTo(f.bystander.token)).toHaveLength(1);
    });
  });

  describe('dead push tokens', () => {
    async function onePassWithTwoDevices() {
      const apiKey = await t.newAccount(unique('Dead tokens'));
      const templateId = await t.createTemplate(apiKey);
      const pass = await t.issueAndInstall(apiKey, templateId, unique('DEAD'));
      const gone = newDevice();
      const alive = newDevice();
      await register(gone, pass);
      await register(alive, pass);
      return { apiKey, templateId, pass, gone, alive };
    }

    async function registeredDevices(pass: InstalledPass): Promise<string[]> {
      return (await t.app.get(DeviceRegistrationRepository).listForPass(pass.passId)).map((registration) => registration.deviceLibraryIdentifier);
    }

    it('410 Unregistered removes that device’s registration; the next change no longer pushes it', async () => {
      const s = await onePassWithTwoDevices();
      t.apns.markUnregistered(s.gone.token);
      await putPass(s, s.pass, { gate: '8' }).expect(200);
      await settled();
      expect(pushesTo(s.gone.token)).toHaveLength(1);
      expect(pushesTo(s.alive.token)).toHaveLength(1);

      await request(t.server()).get(listPath(s.gone, s.pass.passTypeIdentifier)).expect(204);
      await request(t.server()).get(listPath(s.alive, s.pass.passTypeIdentifier)).expect(200);
      expect(await registeredDevices(s.pass)).toEqual([s.alive.id]);

      await putPass(s, s.pass, { gate: '9' }).expect(200);
      await settled();
      expect(pushesTo(s.gone.token)).toHaveLength(1);
      expect(pushesTo(s.alive.token)).toHaveLength(2);
    });

    it('400 BadDeviceToken removes that device’s registration too', async () => {
      const s = await onePassWithTwoDevices();
      t.apns.failToken(s.gone.token, 400, 'BadDeviceToken');
      await putPass(s, s.pass, { gate: '10' }).expect(200);
      await settled();
      expect(pushesTo(s.gone.token)).toHaveLength(1);
      expect(pushesTo(s.alive.token)).toHaveLength(1);
      await request(t.server()).get(listPath(s.gone, s.pass.passTypeIdentifier)).expect(204);
      expect(await registeredDevices(s.pass)).toEqual([s.alive.id]);
    });

    it('another 400 (DeviceTokenNotForTopic, a configuration error) is not retried and removes nothing', async () => {
      const s = await onePassWithTwoDevices();
      t.apns.failToken(s.gone.token, 400, 'DeviceTokenNotForTopic');
      await putPass(s, s.pass, { gate: '11' }).expect(200);
      await settled();
      t.apns.failToken(s.gone.token, null);
      expect(pushesTo(s.gone.token)).toHaveLength(1);
      expect((await registeredDevices(s.pass)).sort()).toEqual([s.alive.id, s.gone.id].sort());
    });
  });

  describe('APNs failures are retried', () => {
    async function oneDeviceOnOnePass() {
      const apiKey = await t.newAccount(unique('Retries'));
      const templateId = await t.createTemplate(apiKey);
      const pass = await t.issueAndInstall(apiKey, templateId, unique('RETRY'));
      const device = newDevice();
      await register(device, pass);
      return { apiKey, templateId, pass, device };
    }

    it('APNs unreachable: the push waits, is retried with backoff, and arrives once APNs is back', async () => {
      const s = await oneDeviceOnOnePass();
      await t.apns.stopListening();
      try {
        await putPass(s, s.pass, { gate: 'B12' }).expect(200);
        await triedAtLeastOnce(s.device);
        expect(await pending()).toBe(1);
      } finally {
        await t.apns.resume();
      }
      // The next retry is due at most a few seconds after the last refusal.
      await until(() => pushesTo(s.device.token).length >= 1, 15_000, async () => `no push; jobs: ${JSON.stringify(await jobsOf(s.device))}`);
      await settled();
      expect(pushesTo(s.device.token)).toHaveLength(1);
      expectWellFormedPush(pushesTo(s.device.token)[0], s.device.token, s.pass.passTypeIdentifier);
    });

    it.each([
      [503, 2],
      [429, 1],
      [500, 1],
    ])('%i from APNs (%i times): retried and delivered', async (status, times) => {
      const s = await oneDeviceOnOnePass();
      t.apns.failNext(times, status);
      await putPass(s, s.pass, { gate: `${status}` }).expect(200);
      await settled();
      expect(pushesTo(s.device.token)).toHaveLength(times + 1);
      expect((await jobsOf(s.device)).map((job) => job.state)).toEqual(['delivered']);
      for (const push of pushesTo(s.device.token)) expectWellFormedPush(push, s.device.token, s.pass.passTypeIdentifier);
    });

    it('a restart between the change and the push: the push queued by the stopped service is sent by the restarted one', async () => {
      const s = await oneDeviceOnOnePass();
      // APNs refuses the device while the service stops (its connection stays up: see the next test).
      t.apns.failToken(s.device.token, 503);
      let stopped = false;
      let refused = 0;
      try {
        await putPass(s, s.pass, { gate: 'R13' }).expect(200);
        await until(() => pushesTo(s.device.token).length >= 1, 5_000, () => 'no refused push yet');
        await t.stopApp();
        stopped = true;
        // Nothing is sent while the service is down: every later request is answered 200.
        refused = pushesTo(s.device.token).length;
      } finally {
        t.apns.failToken(s.device.token, null);
        if (stopped) await t.startApp();
      }
      await until(() => pushesTo(s.device.token).length > refused, 15_000, async () => `no push; jobs: ${JSON.stringify(await jobsOf(s.device))}`);
      await settled();
      expect(pushesTo(s.device.token).length - refused).toBe(1);
      expect((await jobsOf(s.device)).map((job) => job.state)).toEqual(['delivered']);
    });

    // node-apn never calls back when asked to close a connection that failed, so the notifier's
    // shutdown bounds its wait (apns-pass-update.notifier.ts, shutDown). Runs on a service of its
    // own, which it tears down by hand should the close hang.
    it('a restart while APNs is unreachable: the service stops, and the queued push arrives after it restarts', async () => {
      const own = await WalletTestApp.start();
      let hung = false;
      try {
        const apiKey = await own.newAccount('Restart while APNs is down');
        const templateId = await own.createTemplate(apiKey);
        const pass = await own.issueAndInstall(apiKey, templateId, unique('RESTART'));
        const device = newDevice();
        await request(own.server()).post(registrationPath(device, pass)).set('authorization', applePass(pass)).send({ pushToken: device.token }).expect(201);

        await own.apns.stopListening();
        await request(own.server())
          .put(`/api/v1/templates/${templateId}/passes/${pass.passId}?api_token=${apiKey}`)
          .type('form')
          .send({ pass: JSON.stringify({ gate: 'R14' }) })
          .expect(200);
        await triedAtLeastOnce(device, own);
        const stoppedInTime = await settlesWithin(own.stopApp(), 10_000);
        hung = !stoppedInTime;
        expect({ stoppedWithin10s: stoppedInTime }).toEqual({ stoppedWithin10s: true });

        await own.apns.resume();
        await own.startApp();
        await own.apns.waitForRequests(1, 15_000);
        expect(own.apns.requests.map((push) => push.token)).toEqual([device.token]);
      } finally {
        if (hung) await abandon(own);
        else await own.close();
      }
    });
  });

  describe('on the wire', () => {
    it('each push: POST /3/device/<token>, topic = passTypeIdentifier, a non-empty body that is {}, a future apns-expiration', async () => {
      const f = await fixture();
      await putPass(f, f.mine, { gate: '14' }).expect(200);
      await putPass(f, f.other, { gate: '15' }).expect(200);
      await settled();
      for (const [device, pass] of [
        [f.holder, f.mine],
        [f.bystander, f.other],
      ] as const) {
        expect(pushesTo(device.token)).toHaveLength(1);
        expectWellFormedPush(pushesTo(device.token)[0], device.token, pass.passTypeIdentifier);
      }
    });
  });

  describe('web service pitfalls', () => {
    it('P-AUTH-1: the list needs no Authorization, ignores a wrong one, and names only that device’s serials', async () => {
      const f = await fixture();
      for (const authorization of [undefined, 'ApplePass wrong-token-0123456789', `ApplePass ${f.other.authenticationToken}`, 'Basic Zm9vOmJhcg==']) {
        const call = request(t.server()).get(listPath(f.holder, f.mine.passTypeIdentifier));
        if (authorization !== undefined) call.set('authorization', authorization);
        const listed = await call.expect(200);
        expect(listed.body).toEqual({ serialNumbers: [f.mine.serialNumber], lastUpdated: expect.any(String) });
      }
      const theirs = await request(t.server()).get(listPath(f.bystander, f.mine.passTypeIdentifier)).set('authorization', applePass(f.mine)).expect(200);
      expect(theirs.body.serialNumbers).toEqual([f.other.serialNumber]);
    });

    it('P-AUTH-2: the token of pass A opens nothing of pass B (register, GET, DELETE → 401)', async () => {
      const f = await fixture();
      const intruder = newDevice();
      const withTokenOfA = { ...f.other, authenticationToken: f.mine.authenticationToken };
      await register(intruder, withTokenOfA, 401);
      await request(t.server()).get(latestPath(f.other)).set('authorization', applePass(f.mine)).expect(401);
      await request(t.server()).head(latestPath(f.other)).set('authorization', applePass(f.mine)).expect(401);
      await request(t.server()).delete(registrationPath(f.bystander, f.other)).set('authorization', applePass(f.mine)).expect(401);
      const registered = await t.app.get(DeviceRegistrationRepository).listForPass(f.other.passId);
      expect(registered.map((registration) => registration.deviceLibraryIdentifier)).toEqual([f.bystander.id]);
      await request(t.server()).get(listPath(intruder, f.other.passTypeIdentifier)).expect(204);
    });

    it('a passesUpdatedSince passgate never made (an ISO date with an offset) counts as none: 200 with every registered serial', async () => {
      const f = await fixture();
      await register(f.holder, f.other);
      const all = [f.mine.serialNumber, f.other.serialNumber].sort();
      // As Wallet sends it: '+' and ':' unescaped.
      for (const tag of ['2026-01-01T00:00:00+01:00', '2026-01-01T00:00:00%2B01:00', '1351981923.5', '-1', 'abc', '']) {
        const listed = await request(t.server()).get(listPath(f.holder, f.mine.passTypeIdentifier, tag)).expect(200);
        expect({ tag, serialNumbers: listed.body.serialNumbers }).toEqual({ tag, serialNumbers: all });
      }
    });

    it('P-REG-1: after re-registering with a new push token, pushes go to the new token only', async () => {
      const f = await fixture();
      await register(f.holder, f.other);
      const renewed = newDevice().token;
      // Re-registered for one of its passes: the token belongs to the device, so it counts for both.
      await register(f.holder, f.mine, 200, renewed);
      await putPass(f, f.other, { gate: '16' }).expect(200);
      await settled();
      expect(pushesTo(f.holder.token)).toHaveLength(0);
      expect(pushesTo(renewed)).toHaveLength(1);
      await putPass(f, f.mine, { gate: '17' }).expect(200);
      await settled();
      expect(pushesTo(f.holder.token)).toHaveLength(0);
      expect(pushesTo(renewed)).toHaveLength(2);
    });

    it('If-Modified-Since: an older date → 200, garbage → 200, the exact Last-Modified → 304', async () => {
      const f = await fixture();
      const lastModified = await lastModifiedOf(f.mine);
      const older = new Date(Date.parse(lastModified) - 24 * 60 * 60_000).toUTCString();
      const get = (ifModifiedSince: string) =>
        request(t.server()).get(latestPath(f.mine)).set('authorization', applePass(f.mine)).set('if-modified-since', ifModifiedSince).buffer(true).parse(binary);
      const olderAnswer = await get(older).expect(200);
      expect(olderAnswer.headers['last-modified']).toBe(lastModified);
      expect(passJsonOf(unzipPkpass(olderAnswer.body as Buffer)).serialNumber).toBe(f.mine.serialNumber);
      for (const garbage of ['yesterday', '0', 'Thu, 99 Foo 2026 25:61:61 GMT']) await get(garbage).expect(200);
      await get(lastModified).expect(304);
    });

    it('two changes in quick succession (within one second) give two Last-Modified values: the old one gets 200, not 304', async () => {
      const f = await fixture();
      const initial = await lastModifiedOf(f.mine);
      await putPass(f, f.mine, { gate: '18' }).expect(200);
      const first = await lastModifiedOf(f.mine);
      await putPass(f, f.mine, { gate: '19' }).expect(200);
      const answer = await request(t.server())
        .get(latestPath(f.mine))
        .set('authorization', applePass(f.mine))
        .set('if-modified-since', first)
        .buffer(true)
        .parse(binary)
        .expect(200);
      const second = answer.headers['last-modified'] as string;
      expect(new Set([initial, first, second]).size).toBe(3);
      const passJson = passJsonOf(unzipPkpass(answer.body as Buffer)) as { boardingPass: { headerFields: Array<{ value: string }> } };
      expect(passJson.boardingPass.headerFields[0].value).toBe('19');
      await request(t.server()).get(latestPath(f.mine)).set('authorization', applePass(f.mine)).set('if-modified-since', second).expect(304);
    });

    it('the log endpoint answers 200 to an over-long and an over-many batch', async () => {
      const long = 'x'.repeat(50_000);
      await request(t.server()).post('/wallet/v1/log').send({ logs: [long, long, long] }).expect(200);
      const many = Array.from({ length: 1_000 }, (_, index) => `[2026-11-22 10:00:00 +0000] entry ${index}`);
      await request(t.server()).post('/wallet/v1/log').send({ logs: many }).expect(200);
      // And past the per-client rate bound, with entries that are no strings at all.
      await request(t.server()).post('/wallet/v1/log').send({ logs: [...many, 42, null, { nested: true }] }).expect(200);
    });
  });

  it('every request the stand-in received during this spec was a well-formed update push', async () => {
    const f = await fixture();
    await putPass(f, f.mine, { gate: '20' }).expect(200);
    await settled();
    for (const push of t.apns.requests) {
      expect(push.token).toMatch(/^[0-9a-f]{64}$/);
      expect(push.method).toBe('POST');
      expect(push.headers['apns-topic']).toBe(t.apns.requests[0].headers['apns-topic']);
      expect(JSON.parse(push.body.toString('utf8'))).toEqual({});
      expect(Number(push.headers['apns-expiration'])).toBeGreaterThan(Date.now() / 1000);
    }
  });
});
