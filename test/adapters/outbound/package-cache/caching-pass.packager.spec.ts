import { Logger } from '@nestjs/common';
import { CachingPassPackager, MAX_PENDING_WRITES } from '../../../../src/adapters/outbound/package-cache/caching-pass.packager';
import { MikroOrmPassPackageStore } from '../../../../src/adapters/outbound/package-cache/mikro-orm-pass-package.store';
import { NodeCryptoPassPackager } from '../../../../src/adapters/outbound/signing/node-crypto-pass.packager';
import { loadAppConfig } from '../../../../src/config/app-config';
import { packageVersionOf, type PackageInput } from '../../../../src/domain/ports/pass-packager';
import { implementations } from '../../../contracts/harness';
import { InMemoryPassPackageStore } from '../../../fakes/in-memory-pass-package.store';
import { aLargePng, aPass, anAccount, aPassType, aTemplate } from '../../../support/builders';
import { cutFileDigests } from '../../../../src/adapters/outbound/package-cache/compact-package';
import { packageCacheKey } from '../../../../src/adapters/outbound/package-cache/package-cache-key';
import { opensslVerify, unzipPkpass } from '../../../support/pkpass';
import { NOW, packageInput } from '../../../support/signing-fixtures';
import { TEST_PASS_TYPE_IDENTIFIER, TEST_TEAM_IDENTIFIER, ThrowawayCerts, throwawayCerts } from '../../../support/throwaway-certs';

const WEB_SERVICE_URL = 'https://passes.test/wallet';

describe('CachingPassPackager', () => {
  let certs: ThrowawayCerts;
  let signer: NodeCryptoPassPackager;
  let builds: jest.SpyInstance;
  let store: InMemoryPassPackageStore;

  const cachingPackager = (options: { maxBytes?: number; webServiceUrl?: string } = {}) =>
    new CachingPassPackager(signer, store, { maxBytes: options.maxBytes ?? 1024 * 1024, webServiceUrl: options.webServiceUrl ?? WEB_SERVICE_URL });

  beforeAll(async () => {
    certs = await throwawayCerts();
  });

  beforeEach(() => {
    signer = new NodeCryptoPassPackager(loadAppConfig({ PUBLIC_BASE_URL: 'https://passes.test' }, '/tmp'));
    builds = jest.spyOn(signer, 'package');
    store = new InMemoryPassPackageStore();
  });

  it('signs a pass version once and serves the same package afterwards', async () => {
    const packager = cachingPackager();
    const input = packageInput(certs.material);

    const first = await packager.package(input);
    const second = await packager.package(input);

    expect(builds).toHaveBeenCalledTimes(1);
    expect(second.equals(first)).toBe(true);
    expect(opensslVerify(unzipPkpass(first), certs.caFile).ok).toBe(true);
    expect(store.writes).toBe(1);
  });

  it('signs again when the pass, its template, its certificate or the webServiceURL changed', async () => {
    const packager = cachingPackager();
    const input = packageInput(certs.material);
    await packager.package(input);

    input.pass.update(input.template, { barcodeMessage: 'NEW' }, new Date(NOW.getTime() + 1000));
    await packager.package(input);
    input.template.updatedAt = new Date(NOW.getTime() + 2000);
    await packager.package(input);
    // Material replaced in the same instant still makes the pass type's version move.
    input.passType.replaceMaterial(
      { ...certs.material, certificatePem: `${certs.signer.certificatePem}\n` },
      input.passType.certificateExpiresAt,
      input.passType.development,
      input.passType.updatedAt,
    );
    await packager.package(input);
    await cachingPackager({ webServiceUrl: 'https://elsewhere.test/wallet' }).package(input);

    expect(builds).toHaveBeenCalledTimes(5);
    expect(store.writes).toBe(5);
  });

  it('finishes the writes under way before the module (and with it the database) shuts down', async () => {
    let finishWrite!: () => void;
    jest.spyOn(store, 'save').mockImplementation(() => new Promise<void>((resolve) => (finishWrite = resolve)));
    const packager = cachingPackager();
    await packager.package(packageInput(certs.material));
    expect(packager.storeWrites.pending).toBe(1);

    let destroyed = false;
    const destroying = packager.onModuleDestroy().then(() => (destroyed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(destroyed).toBe(false);
    finishWrite();
    await destroying;
    expect(packager.storeWrites.pending).toBe(0);
  });

  it('finds a built version in memory or in the store without building, and nothing for a version never built', async () => {
    const input = packageInput(certs.material);
    const version = packageVersionOf(input);
    const before = cachingPackager();
    expect(await before.findBuilt(version)).toBeNull();

    const built = await before.package(input);
    await before.whenStored();
    expect(await before.findBuilt(version)).toEqual(built);
    const afterRestart = cachingPackager();
    expect(await afterRestart.findBuilt(version)).toEqual(built);
    expect(afterRestart.memoryUsage.packages).toBe(1);

    expect(await afterRestart.findBuilt({ ...version, passVersion: version.passVersion + 1 })).toBeNull();
    expect(await afterRestart.findBuilt({ ...version, templateUpdatedAt: new Date(version.templateUpdatedAt.getTime() + 1) })).toBeNull();
    expect(await cachingPackager({ webServiceUrl: 'https://elsewhere.test/wallet' }).findBuilt(version)).toBeNull();
    expect(builds).toHaveBeenCalledTimes(1);
  });

  it('does not ask the store again when it builds a version that findBuilt has just missed there', async () => {
    const input = packageInput(certs.material);
    // Nothing kept in memory: every request but the remembered one goes to the store.
    const packager = cachingPackager({ maxBytes: 0 });
    const finds = jest.spyOn(store, 'find');

    expect(await packager.findBuilt(packageVersionOf(input))).toBeNull();
    await packager.package(input);
    expect(finds).toHaveBeenCalledTimes(1);

    // Remembered for one build only: the next request reads the store and finds the package there.
    await packager.whenStored();
    await packager.package(input);
    expect(finds).toHaveBeenCalledTimes(2);
    expect(builds).toHaveBeenCalledTimes(1);
  });

  it('builds once for requests that arrive together', async () => {
    const packager = cachingPackager();
    const input = packageInput(certs.material);

    const packages = await Promise.all(Array.from({ length: 20 }, () => packager.package(input)));

    expect(builds).toHaveBeenCalledTimes(1);
    expect(new Set(packages).size).toBe(1);
  });

  it('serves what another instance (or this one before a restart) stored, without signing', async () => {
    const input = packageInput(certs.material);
    const first = cachingPackager();
    const stored = await first.package(input);
    await first.whenStored();

    const restarted = cachingPackager();
    const served = await restarted.package(input);

    expect(builds).toHaveBeenCalledTimes(1);
    expect(served.equals(stored)).toBe(true);
  });

  it('keeps memory within its bound and reads the store for what it evicted', async () => {
    const first = packageInput(certs.material);
    const probe = cachingPackager();
    await probe.package(first);
    await probe.whenStored();
    // What memory holds of a package: the package without its pass type's certificates.
    const size = store.rows.get(first.pass.id)!.bytes.length;
    builds.mockClear();
    const packager = cachingPackager({ maxBytes: Math.floor(size * 1.5) });
    const second = packageInput(certs.material);
    second.pass.id = 12;

    await packager.package(first);
    await packager.package(second);
    const readsBefore = store.reads;
    await packager.package(first);

    expect(packager.memoryUsage.packages).toBe(1);
    expect(packager.memoryUsage.bytes).toBeLessThanOrEqual(Math.floor(size * 1.5));
    expect(store.reads).toBe(readsBefore + 1);
    expect(builds).toHaveBeenCalledTimes(1);
  });

  it('builds and serves the package when the store cannot be read or written', async () => {
    const packager = cachingPackager();
    jest.spyOn(store, 'find').mockRejectedValue(new Error('database is down'));
    jest.spyOn(store, 'save').mockRejectedValue(new Error('database is down'));
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const input = packageInput(certs.material);

    try {
      const bytes = await packager.package(input);
      await packager.whenStored();

      expect(opensslVerify(unzipPkpass(bytes), certs.caFile).ok).toBe(true);
      expect((await packager.package(input)).equals(bytes)).toBe(true);
      expect(warnings.mock.calls.map(([message]) => String(message))).toEqual([
        expect.stringMatching(/could not be read, building it: database is down/),
        expect.stringMatching(/could not be stored: database is down/),
      ]);
    } finally {
      warnings.mockRestore();
    }
  });

  it('serves new packages without waiting for the store, and leaves out writes beyond MAX_PENDING_WRITES at once', async () => {
    const packager = cachingPackager();
    const never = new Promise<void>(() => undefined);
    const save = jest.spyOn(store, 'save').mockReturnValue(never);
    const inputs = Array.from({ length: MAX_PENDING_WRITES + 6 }, (_, index) => {
      const input = packageInput(certs.material);
      input.pass.id = 100 + index;
      return input;
    });

    const packages = await Promise.all(inputs.map((input) => packager.package(input)));

    expect(packages.every((bytes) => bytes.length > 0)).toBe(true);
    expect(save).toHaveBeenCalledTimes(MAX_PENDING_WRITES);
    expect(packager.storeWrites).toEqual({ pending: MAX_PENDING_WRITES, skipped: 6 });
  });

  it('does not keep a failure: the next request builds again', async () => {
    const packager = cachingPackager();
    const input = packageInput({ ...certs.material, privateKeyPem: 'not a key' });

    await expect(packager.package(input)).rejects.toMatchObject({ code: 'SIGNING_MATERIAL_INVALID' });
    Object.assign(input.passType, certs.material);

    await expect(packager.package(input)).resolves.toBeInstanceOf(Buffer);
    expect(builds).toHaveBeenCalledTimes(2);
  });

  describe('with images as large as real ones', () => {
    const images = { 'icon.png': aLargePng(1448), 'icon@2x.png': aLargePng(4884), 'logo.png': aLargePng(8526), 'logo@2x.png': aLargePng(8914) };
    const inputFor = (passId: number): PackageInput => {
      const input = packageInput(certs.material);
      input.template.images = images;
      input.pass.id = passId;
      return input;
    };

    it("keeps the template's images and certificates once: memory and the store hold each package without them and serve it whole", async () => {
      const packager = cachingPackager();
      const inputs = [21, 22, 23].map(inputFor);

      const built = await Promise.all(inputs.map((input) => packager.package(input)));
      await packager.whenStored();

      const stored = inputs.map((input) => store.rows.get(input.pass.id)!.bytes);
      expect(stored.every((bytes, index) => bytes.length < built[index].length - 23_000)).toBe(true);
      // Four images, the signer's certificate and the WWDR certificate.
      expect(stored.every((bytes) => cutFileDigests(bytes).length === 6)).toBe(true);
      expect([...store.files.get(inputs[0].template.id)!.keys()].sort()).toEqual(cutFileDigests(stored[0]).sort());
      expect(packager.memoryUsage.bytes).toBe(stored.reduce((sum, bytes) => sum + bytes.length, 0));
      const again = await packager.package(inputs[1]);
      expect(again.equals(built[1])).toBe(true);
      expect(opensslVerify(unzipPkpass(again), certs.caFile).ok).toBe(true);

      const restarted = cachingPackager();
      const served = await Promise.all(inputs.map((input) => restarted.findBuilt(packageVersionOf(input))));
      expect(served.every((bytes, index) => bytes!.equals(built[index]))).toBe(true);
      expect(builds).toHaveBeenCalledTimes(3);
      expect(store.fileReads).toBeLessThanOrEqual(3);
      const fileReads = store.fileReads;
      await restarted.package(inputs[0]);
      expect(store.fileReads).toBe(fileReads);
    });

    it('stores the template files once per template version, before any package that needs them', async () => {
      const saveFiles = jest.spyOn(store, 'saveFiles');
      const save = jest.spyOn(store, 'save');
      const packager = cachingPackager();

      await Promise.all([31, 32, 33].map((passId) => packager.package(inputFor(passId))));
      await packager.whenStored();
      const changed = inputFor(34);
      changed.template.updatedAt = new Date(NOW.getTime() + 1000);
      await packager.package(changed);
      await packager.whenStored();

      expect(saveFiles).toHaveBeenCalledTimes(2);
      expect(save).toHaveBeenCalledTimes(4);
      expect(saveFiles.mock.invocationCallOrder[0]).toBeLessThan(save.mock.invocationCallOrder[0]);
    });

    it('does not store a package whose files could not be stored, and tries the files again with the next one', async () => {
      const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      jest.spyOn(store, 'saveFiles').mockRejectedValueOnce(new Error('database is down'));
      const packager = cachingPackager();
      try {
        await packager.package(inputFor(41));
        await packager.whenStored();
        await packager.package(inputFor(42));
        await packager.whenStored();

        expect(store.rows.has(41)).toBe(false);
        expect(store.rows.has(42)).toBe(true);
        expect(warnings.mock.calls.map(([message]) => String(message))).toEqual([expect.stringMatching(/pass 41 could not be stored: database is down/)]);
      } finally {
        warnings.mockRestore();
      }
    });

    it('signs again a stored package whose template files are gone', async () => {
      const input = inputFor(51);
      const first = cachingPackager();
      await first.package(input);
      await first.whenStored();
      store.files.clear();

      const restarted = cachingPackager();
      expect(await restarted.findBuilt(packageVersionOf(input))).toBeNull();
      const rebuilt = await restarted.package(input);

      expect(builds).toHaveBeenCalledTimes(2);
      expect(store.files.size).toBe(1);
      expect(opensslVerify(unzipPkpass(rebuilt), certs.caFile).ok).toBe(true);
    });

    it("builds the package when its template's files cannot be read from the store", async () => {
      const input = inputFor(71);
      const first = cachingPackager();
      await first.package(input);
      await first.whenStored();
      jest.spyOn(store, 'findFiles').mockRejectedValue(new Error('database is down'));
      const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        const served = await cachingPackager().package(input);

        expect(opensslVerify(unzipPkpass(served), certs.caFile).ok).toBe(true);
        expect(builds).toHaveBeenCalledTimes(2);
        expect(warnings.mock.calls.map(([message]) => String(message))).toEqual([
          expect.stringMatching(/files of template 3 could not be read, building the package: database is down/),
        ]);
      } finally {
        warnings.mockRestore();
      }
    });

    it('serves a whole package stored before packages left their images out, as it is', async () => {
      const input = inputFor(61);
      const whole = await signer.package(input);
      await store.save(61, packageCacheKey(packageVersionOf(input), WEB_SERVICE_URL), whole);
      builds.mockClear();

      const served = await cachingPackager().package(input);

      expect(served.equals(whole)).toBe(true);
      expect(builds).not.toHaveBeenCalled();
      expect(store.fileReads).toBe(0);
    });
  });

  it('passes a pass without an id straight through', async () => {
    const packager = cachingPackager();
    const input = packageInput(certs.material);
    (input.pass as { id?: number }).id = undefined;

    await packager.package(input);
    await packager.package(input);

    expect(builds).toHaveBeenCalledTimes(2);
    expect(store.writes).toBe(0);
  });
});

describe.each(implementations().filter(([name]) => name.startsWith('MikroORM')))('CachingPassPackager over %s', (_name, setup) => {
  const run = setup === null ? it.skip : it;

  run('lets a second instance serve the package the first one signed, its images stored once beside it', async () => {
    const certs = await throwawayCerts();
    const harness = await setup!();
    try {
      const { repos, orm } = harness;
      const account = await repos.accounts.add(anAccount('Cache').account);
      const passType = await repos.passTypes.add(
        aPassType(account.id, { material: certs.material, passTypeIdentifier: TEST_PASS_TYPE_IDENTIFIER, teamIdentifier: TEST_TEAM_IDENTIFIER }),
      );
      const images = { 'icon.png': aLargePng(1448), 'logo.png': aLargePng(8526), 'logo@2x.png': aLargePng(8914) };
      const template = await repos.templates.add(aTemplate(account.id, passType.id, { images }));
      const pass = await repos.passes.add(aPass(template, 'SN-1'));
      const load = async (): Promise<PackageInput> => ({
        pass: (await repos.passes.findById(pass.id))!,
        template: (await repos.templates.findById(template.id))!,
        passType: (await repos.passTypes.findById(passType.id))!,
      });
      const config = loadAppConfig({ PUBLIC_BASE_URL: 'https://passes.test' }, '/tmp');
      const signers = [new NodeCryptoPassPackager(config), new NodeCryptoPassPackager(config)];
      const builds = signers.map((signer) => jest.spyOn(signer, 'package'));
      const instances = signers.map(
        (signer) => new CachingPassPackager(signer, new MikroOrmPassPackageStore(orm!), { maxBytes: 1024 * 1024, webServiceUrl: config.webServiceUrl }),
      );

      const signed = await instances[0].package(await load());
      await instances[0].whenStored();
      const served = await instances[1].package(await load());

      expect(served.equals(signed)).toBe(true);
      const [row] = await orm!.em.fork().getConnection().execute<Array<{ bytes: Buffer }>>('select "bytes" from "pass_packages"');
      expect(cutFileDigests(row.bytes)).toHaveLength(5);
      expect(builds[0]).toHaveBeenCalledTimes(1);
      expect(builds[1]).not.toHaveBeenCalled();
      expect(opensslVerify(unzipPkpass(served), certs.caFile).ok).toBe(true);
    } finally {
      await harness.teardown();
    }
  });
});
