import { GetLatestPass, type LatestPass } from '../../src/application/get-latest-pass.use-case';
import { ListChangedPasses } from '../../src/application/list-changed-passes.use-case';
import { RegisterDevice } from '../../src/application/register-device.use-case';
import { UnregisterDevice } from '../../src/application/unregister-device.use-case';
import { UpdatePass } from '../../src/application/update-pass.use-case';
import { UpdateTemplate } from '../../src/application/update-template.use-case';
import { WalletPassIndex } from '../../src/domain/ports/wallet-pass-index';
import type { WalletPassEntry } from '../../src/domain/wallet-pass-entry';
import { DomainErrorCode } from '../../src/domain/errors';
import { InMemoryPassPackager } from '../fakes/in-memory-pass.packager';
import { InMemoryWalletPassIndex } from '../fakes/in-memory-wallet-pass.index';
import { passJsonOf, unzipPkpass } from '../support/pkpass';
import { useCaseFixture } from './use-case-fixture';

const TOKEN = 'ab'.repeat(32);

function passJsonServed(latest: LatestPass): Record<string, unknown> {
  if (latest.kind !== 'pass') throw new Error(`a package was expected, not ${latest.kind}`);
  return passJsonOf(unzipPkpass(latest.bytes));
}

async function fixture() {
  const f = await useCaseFixture();
  const packager = new InMemoryPassPackager('https://passes.test/wallet');
  const pass = await f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'W-1', content: {} });
  const address = {
    passTypeIdentifier: f.shared.passTypeIdentifier,
    serialNumber: pass.serialNumber,
    authenticationToken: pass.authenticationToken,
  };
  return {
    ...f,
    pass,
    address,
    packager,
    register: new RegisterDevice(f.passTypes, f.passes, f.registrations, f.clock),
    unregister: new UnregisterDevice(f.passTypes, f.passes, f.registrations),
    listChanged: new ListChangedPasses(f.registrations),
    getLatest: new GetLatestPass(new InMemoryWalletPassIndex(f.passTypes, f.passes, f.templates), f.passTypes, f.passes, f.templates, packager),
    update: new UpdatePass(f.passes, f.templates, f.passChanges, f.clock),
    updateTemplate: new UpdateTemplate(f.templates, f.passTypes, f.passChanges, f.unitOfWork, f.clock),
  };
}

/**
 * GetLatestPass whose index lookup happened before a change of the template that then committed
 * (a second later), and the entry that lookup read.
 */
async function lookedUpBeforeTemplateChange(f: Awaited<ReturnType<typeof fixture>>, changes: { title?: string; description?: string }) {
  const index = new InMemoryWalletPassIndex(f.passTypes, f.passes, f.templates);
  const entry = (await index.find(f.address.passTypeIdentifier, f.address.serialNumber))!;
  f.clock.advance(1000);
  await f.updateTemplate.execute({ accountId: f.account.id, templateId: f.template.id, changes });
  return { entry, getLatest: new GetLatestPass(new EntryReadBefore(entry), f.passTypes, f.passes, f.templates, f.packager) };
}

/** An index that answers with the entry it was given: one read before a change that then committed. */
class EntryReadBefore extends WalletPassIndex {
  constructor(private readonly entry: WalletPassEntry) {
    super();
  }

  async find(): Promise<WalletPassEntry> {
    return this.entry;
  }
}

describe('Wallet web service use cases', () => {
  it('open a pass only with that pass’s own token', async () => {
    const f = await fixture();
    const other = await f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'W-2', content: {} });
    const device = { deviceLibraryIdentifier: 'device-1', body: { pushToken: TOKEN } };
    for (const authenticationToken of [other.authenticationToken, null, '', `${f.pass.authenticationToken}x`]) {
      await expect(f.register.execute({ ...f.address, ...device, authenticationToken })).rejects.toMatchObject({
        code: DomainErrorCode.PassNotAuthorized,
      });
    }
    await expect(f.register.execute({ ...f.address, ...device, passTypeIdentifier: 'pass.unknown.type' })).rejects.toMatchObject({
      code: DomainErrorCode.PassNotAuthorized,
    });
    await expect(f.register.execute({ ...f.address, ...device, serialNumber: 'NOPE' })).rejects.toMatchObject({
      code: DomainErrorCode.PassNotAuthorized,
    });
  });

  it('register: created, then already registered with the push token replaced; malformed tokens and devices refused', async () => {
    const f = await fixture();
    expect(await f.register.execute({ ...f.address, deviceLibraryIdentifier: 'device-1', body: { pushToken: TOKEN } })).toBe('created');
    const newToken = 'cd'.repeat(32);
    expect(await f.register.execute({ ...f.address, deviceLibraryIdentifier: 'device-1', body: { pushToken: newToken } })).toBe(
      'already-registered',
    );
    expect((await f.registrations.find('device-1', f.pass.id))!.pushToken).toBe(newToken);
    for (const body of [null, {}, { pushToken: 42 }, { pushToken: 'not hex at all' }, { pushToken: 'ab' }]) {
      await expect(f.register.execute({ ...f.address, deviceLibraryIdentifier: 'device-1', body })).rejects.toMatchObject({
        code: DomainErrorCode.RegistrationInvalid,
      });
    }
    await expect(
      f.register.execute({ ...f.address, deviceLibraryIdentifier: 'x'.repeat(200), body: { pushToken: TOKEN } }),
    ).rejects.toMatchObject({ code: DomainErrorCode.RegistrationInvalid });
  });

  it('list: everything without a tag, strictly newer with one, and a foreign tag counts as none', async () => {
    const f = await fixture();
    await f.register.execute({ ...f.address, deviceLibraryIdentifier: 'device-1', body: { pushToken: TOKEN } });
    const query = { deviceLibraryIdentifier: 'device-1', passTypeIdentifier: f.shared.passTypeIdentifier };
    const first = (await f.listChanged.execute({ ...query, passesUpdatedSince: undefined }))!;
    expect(first).toEqual({ serialNumbers: ['W-1'], lastUpdated: expect.stringMatching(/^\d+$/) });
    expect(await f.listChanged.execute({ ...query, passesUpdatedSince: first.lastUpdated })).toBeNull();

    await f.update.execute(f.account.id, f.pass.id, { fields: { name: { value: 'Grace' } } });
    const second = (await f.listChanged.execute({ ...query, passesUpdatedSince: first.lastUpdated }))!;
    expect(second.serialNumbers).toEqual(['W-1']);
    expect(Number(second.lastUpdated)).toBeGreaterThan(Number(first.lastUpdated));
    expect(await f.listChanged.execute({ ...query, passesUpdatedSince: second.lastUpdated })).toBeNull();

    expect((await f.listChanged.execute({ ...query, passesUpdatedSince: '2026-11-22T10:00:00+01:00' }))!.serialNumbers).toEqual(['W-1']);
    expect(await f.listChanged.execute({ ...query, deviceLibraryIdentifier: 'device-2', passesUpdatedSince: undefined })).toBeNull();
    expect(await f.listChanged.execute({ ...query, passTypeIdentifier: 'pass.unknown.type', passesUpdatedSince: undefined })).toBeNull();
  });

  it('latest pass: 304 for the current Last-Modified without building anything, 200 with a package otherwise', async () => {
    const f = await fixture();
    const first = await f.getLatest.execute({ ...f.address, ifModifiedSince: undefined });
    expect(passJsonServed(first)).toMatchObject({ serialNumber: 'W-1', authenticationToken: f.pass.authenticationToken });
    const lastModified = first.lastModified.toUTCString();

    const unchanged = await f.getLatest.execute({ ...f.address, ifModifiedSince: lastModified });
    expect(unchanged.kind).toBe('not-modified');
    expect(f.packager.built).toHaveLength(1);

    // The next version, in the same second: a Last-Modified of its own, so the device holding the first gets it.
    await f.update.execute(f.account.id, f.pass.id, { fields: { name: { value: 'Grace' } } });
    const changed = await f.getLatest.execute({ ...f.address, ifModifiedSince: lastModified });
    expect(changed.kind).toBe('pass');
    expect(changed.lastModified.getTime()).toBeGreaterThan(first.lastModified.getTime());
    for (const garbage of ['yesterday', '']) {
      expect((await f.getLatest.execute({ ...f.address, ifModifiedSince: garbage })).kind).toBe('pass');
    }
  });

  it('latest pass: a version built before is served as built, without loading or building it again', async () => {
    const f = await fixture();
    const first = await f.getLatest.execute({ ...f.address, ifModifiedSince: undefined });
    const again = await f.getLatest.execute({ ...f.address, ifModifiedSince: undefined });

    expect(again).toEqual(first);
    expect(f.packager.built).toHaveLength(1);
    expect(f.packager.lookedUp).toEqual([f.packager.built[0], f.packager.built[0]]);

    await f.update.execute(f.account.id, f.pass.id, { fields: { name: { value: 'Grace' } } });
    const changed = await f.getLatest.execute({ ...f.address, ifModifiedSince: undefined });
    expect(passJsonServed(changed)).toMatchObject({ generic: { primaryFields: [expect.objectContaining({ key: 'name', value: 'Grace' })] } });
    expect(f.packager.built.map((version) => version.passVersion)).toEqual([1, 2]);
  });

  it('latest pass: builds with the template version the lookup saw while the pass is at the version it saw', async () => {
    const f = await fixture();
    // A rename changes no design and no pass: the template version the lookup saw is as good.
    const { entry, getLatest } = await lookedUpBeforeTemplateChange(f, { title: 'Renamed' });

    await getLatest.execute({ ...f.address, ifModifiedSince: undefined });
    expect(f.packager.built).toEqual([entry.packageVersion]);
  });

  it('latest pass: a design change committed after the lookup is in the package built, not the design the lookup saw', async () => {
    const f = await fixture();
    const { entry, getLatest } = await lookedUpBeforeTemplateChange(f, { description: 'New design' });

    const latest = await getLatest.execute({ ...f.address, ifModifiedSince: undefined });
    expect(passJsonServed(latest)).toMatchObject({ description: 'New design' });
    expect(f.packager.built[0].passVersion).toBe(entry.packageVersion.passVersion + 1);
    expect(f.packager.built[0].templateUpdatedAt.getTime()).toBeGreaterThan(entry.packageVersion.templateUpdatedAt.getTime());
  });

  it('latest pass: only with that pass’s own token, and nothing is built for a refused request', async () => {
    const f = await fixture();
    const other = await f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'W-2', content: {} });
    const refused = [
      { authenticationToken: other.authenticationToken },
      { authenticationToken: null },
      { authenticationToken: '' },
      { passTypeIdentifier: 'pass.unknown.type' },
      { serialNumber: 'W-\u0000' },
    ];
    for (const change of refused) {
      await expect(f.getLatest.execute({ ...f.address, ...change, ifModifiedSince: undefined })).rejects.toMatchObject({
        code: DomainErrorCode.PassNotAuthorized,
      });
    }
    expect(f.packager.built).toHaveLength(0);
  });

  it('unregister: removes the registration, and succeeds when it is already gone', async () => {
    const f = await fixture();
    await f.register.execute({ ...f.address, deviceLibraryIdentifier: 'device-1', body: { pushToken: TOKEN } });
    await f.unregister.execute({ ...f.address, deviceLibraryIdentifier: 'device-1' });
    await f.unregister.execute({ ...f.address, deviceLibraryIdentifier: 'device-1' });
    expect(await f.registrations.listForPass(f.pass.id)).toEqual([]);
  });
});
