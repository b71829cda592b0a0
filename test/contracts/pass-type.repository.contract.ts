import { DomainErrorCode, type DomainError } from '../../src/domain/errors';
import { PassType } from '../../src/domain/pass-type';
import { aPassType, anAccount } from '../support/builders';
import { snapshot, type HarnessSetup, type RepositoryHarness, type Repositories } from './harness';

export function passTypeRepositoryContract(name: string, setup: HarnessSetup): void {
  describe(`PassTypeRepository contract: ${name}`, () => {
    let harness: RepositoryHarness;
    let repos: Repositories;
    let accountId: number;

    beforeEach(async () => {
      harness = await setup();
      repos = harness.repos;
      accountId = (await repos.accounts.add(anAccount('Owner').account)).id;
    });

    afterEach(async () => {
      await harness?.teardown();
    });

    it('assigns an id on add and gives every field back', async () => {
      const passType = aPassType(
        accountId,
        { isDefault: true, certificateExpiresAt: new Date('2027-03-04T05:06:07.089Z') },
        new Date('2026-01-01T00:00:00.123Z'),
      );
      passType.privateKeyPassphrase = 'sesame';
      const added = await repos.passTypes.add(passType);
      expect(added).toBe(passType);
      expect(typeof passType.id).toBe('number');

      const loaded = await repos.passTypes.findById(passType.id);
      expect(loaded).toBeInstanceOf(PassType);
      expect(snapshot(loaded)).toStrictEqual(snapshot(passType));
      expect(loaded!.certificateExpiresAt.toISOString()).toBe('2027-03-04T05:06:07.089Z');

      const shared = await repos.passTypes.add(aPassType(null));
      const loadedShared = await repos.passTypes.findById(shared.id);
      expect(loadedShared!.accountId).toBeNull();
      expect(loadedShared!.privateKeyPassphrase).toBeNull();
      expect(loadedShared!.development).toBe(true);
      expect(loadedShared!.isDefault).toBe(false);
      expect(await repos.passTypes.findById(shared.id + 1000)).toBeNull();
    });

    it('refuses a second pass type with the same identifier with PASS_TYPE_ALREADY_EXISTS', async () => {
      const first = await repos.passTypes.add(aPassType(accountId));
      const copy = aPassType(null, { passTypeIdentifier: first.passTypeIdentifier });
      const error = (await repos.passTypes.add(copy).then(
        () => null,
        (caught: unknown) => caught,
      )) as DomainError | null;
      expect(error?.code).toBe(DomainErrorCode.PassTypeAlreadyExists);
      expect((await repos.passTypes.findByIdentifier(first.passTypeIdentifier))?.id).toBe(first.id);
      expect(await repos.passTypes.listUsableBy(accountId)).toHaveLength(1);
    });

    it('finds a pass type by identifier', async () => {
      const passType = await repos.passTypes.add(aPassType(accountId));
      expect((await repos.passTypes.findByIdentifier(passType.passTypeIdentifier))?.id).toBe(passType.id);
      expect(await repos.passTypes.findByIdentifier('pass.com.example.nothing')).toBeNull();
    });

    it('answers lookups by identifier made together, each with a pass type of its own or none', async () => {
      const own = await repos.passTypes.add(aPassType(accountId));
      const shared = await repos.passTypes.add(aPassType(null));

      const found = await Promise.all(
        [shared, own, null, own].map((passType) => repos.passTypes.findByIdentifier(passType?.passTypeIdentifier ?? 'pass.com.example.nothing')),
      );

      expect(found.map((passType) => passType?.id ?? null)).toEqual([shared.id, own.id, null, own.id]);
      expect(snapshot(found[1])).toStrictEqual(snapshot(own));
      expect(found[3]).not.toBe(found[1]);
    });

    it('answers finds by id made together, each with a pass type of its own or none', async () => {
      const own = await repos.passTypes.add(aPassType(accountId));
      const shared = await repos.passTypes.add(aPassType(null));

      const found = await Promise.all([shared.id, own.id, shared.id + 1000, shared.id].map((id) => repos.passTypes.findById(id)));

      expect(found.map((passType) => passType?.id ?? null)).toEqual([shared.id, own.id, null, shared.id]);
      expect(snapshot(found[1])).toStrictEqual(snapshot(own));
      expect(found[3]).not.toBe(found[0]);
    });

    it('lists the pass types an account may use: its own and the shared ones, by id', async () => {
      const otherAccountId = (await repos.accounts.add(anAccount('Other').account)).id;
      const own = await repos.passTypes.add(aPassType(accountId));
      const theirs = await repos.passTypes.add(aPassType(otherAccountId));
      const shared = await repos.passTypes.add(aPassType(null));
      const ownSecond = await repos.passTypes.add(aPassType(accountId));

      expect((await repos.passTypes.listUsableBy(accountId)).map((type) => type.id)).toEqual([
        own.id,
        shared.id,
        ownSecond.id,
      ]);
      expect((await repos.passTypes.listUsableBy(otherAccountId)).map((type) => type.id)).toEqual([theirs.id, shared.id]);
    });

    it('lists the shared pass types, by id', async () => {
      const first = await repos.passTypes.add(aPassType(null));
      await repos.passTypes.add(aPassType(accountId));
      const second = await repos.passTypes.add(aPassType(null));
      expect((await repos.passTypes.listShared()).map((type) => type.id)).toEqual([first.id, second.id]);
    });

    it('finds a pass type at a version seen before, or as stored now, each find with a pass type of its own', async () => {
      const passType = await repos.passTypes.add(aPassType(accountId));
      const seen = passType.updatedAt;
      const atSeen = (await repos.passTypes.findAtVersion(passType.id, seen))!;
      expect(snapshot(atSeen)).toStrictEqual(snapshot(passType));
      atSeen.privateKeyPem = 'not saved';
      expect((await repos.passTypes.findAtVersion(passType.id, seen))!.privateKeyPem).toBe(passType.privateKeyPem);

      const replaced = (await repos.passTypes.findById(passType.id))!;
      replaced.replaceMaterial(
        { certificatePem: 'new certificate', privateKeyPem: 'new key', privateKeyPassphrase: null, wwdrCertificatePem: 'new wwdr' },
        new Date('2028-01-01T00:00:00.000Z'),
        false,
        new Date('2026-05-05T05:05:05.555Z'),
      );
      await repos.passTypes.save(replaced);
      const atReplacement = (await repos.passTypes.findAtVersion(passType.id, replaced.updatedAt))!;
      expect(snapshot(atReplacement)).toStrictEqual(snapshot(replaced));
      // The version seen before the replacement, or the replacement: never one older than asked for.
      const atOld = (await repos.passTypes.findAtVersion(passType.id, seen))!;
      expect([seen.getTime(), replaced.updatedAt.getTime()]).toContain(atOld.updatedAt.getTime());
      expect(await repos.passTypes.findAtVersion(passType.id + 1000, seen)).toBeNull();
    });

    it('stores replaced signing material on save', async () => {
      const passType = await repos.passTypes.add(aPassType(accountId));
      const loaded = (await repos.passTypes.findById(passType.id))!;
      loaded.replaceMaterial(
        {
          certificatePem: 'new certificate',
          privateKeyPem: 'new key',
          privateKeyPassphrase: 'secret',
          wwdrCertificatePem: 'new wwdr',
        },
        new Date('2028-01-01T00:00:00.999Z'),
        false,
        new Date('2026-05-05T05:05:05.555Z'),
      );
      await repos.passTypes.save(loaded);
      expect(snapshot(await repos.passTypes.findById(passType.id))).toStrictEqual(snapshot(loaded));
    });
  });
}
