import { DeviceRegistration } from '../../src/domain/device-registration';
import type { Pass } from '../../src/domain/pass';
import { aRegistration } from '../support/builders';
import { anOwner, aStoredPass, aStoredTemplate, type Owner } from './fixtures';
import { snapshot, type HarnessSetup, type RepositoryHarness, type Repositories } from './harness';

const FIRST = new Date('2026-01-01T00:00:00.111Z');
const LATER = new Date('2026-01-01T00:05:00.222Z');

export function deviceRegistrationRepositoryContract(name: string, setup: HarnessSetup): void {
  describe(`DeviceRegistrationRepository contract: ${name}`, () => {
    let harness: RepositoryHarness;
    let repos: Repositories;
    let owner: Owner;
    let passIds: number[];

    beforeEach(async () => {
      harness = await setup();
      repos = harness.repos;
      owner = await anOwner(repos);
      passIds = [];
      for (const serial of ['SN-1', 'SN-2', 'SN-3']) passIds.push((await aStoredPass(repos, owner.template, serial)).id);
    });

    afterEach(async () => {
      await harness?.teardown();
    });

    it('creates a registration and gives every field back', async () => {
      const registration = aRegistration('device-a', passIds[0], 'token-1', FIRST);
      expect(await repos.registrations.register(registration)).toBe('created');
      const found = await repos.registrations.find('device-a', passIds[0]);
      expect(found).toBeInstanceOf(DeviceRegistration);
      expect(snapshot(found)).toStrictEqual(snapshot(registration));
      expect(await repos.registrations.find('device-a', passIds[1])).toBeNull();
      expect(await repos.registrations.find('device-b', passIds[0])).toBeNull();
    });

    it('answers already-registered the second time, with the new token and the first creation time', async () => {
      await repos.registrations.register(aRegistration('device-a', passIds[0], 'token-1', FIRST));
      expect(await repos.registrations.register(aRegistration('device-a', passIds[0], 'token-2', LATER))).toBe(
        'already-registered',
      );
      const found = (await repos.registrations.find('device-a', passIds[0]))!;
      expect(found.pushToken).toBe('token-2');
      expect(found.createdAt.toISOString()).toBe(FIRST.toISOString());
      expect(found.updatedAt.toISOString()).toBe(LATER.toISOString());
    });

    it('gives every registration of a device the token of its latest registration, and no other device', async () => {
      await repos.registrations.register(aRegistration('device-a', passIds[0], 'token-old', FIRST));
      await repos.registrations.register(aRegistration('device-a', passIds[1], 'token-old', FIRST));
      await repos.registrations.register(aRegistration('device-b', passIds[0], 'token-b', FIRST));

      expect(await repos.registrations.register(aRegistration('device-a', passIds[2], 'token-new', LATER))).toBe('created');

      for (const passId of passIds) {
        const found = (await repos.registrations.find('device-a', passId))!;
        expect(found.pushToken).toBe('token-new');
        expect(found.updatedAt.toISOString()).toBe(LATER.toISOString());
      }
      expect((await repos.registrations.find('device-a', passIds[0]))!.createdAt.toISOString()).toBe(FIRST.toISOString());
      expect((await repos.registrations.find('device-b', passIds[0]))!.pushToken).toBe('token-b');
    });

    it('answers concurrent duplicate registrations with one created and the rest already-registered', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          repos.registrations.register(aRegistration('device-race', passIds[0], `token-${index}`, FIRST)),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'already-registered')).toHaveLength(5);
      expect(await repos.registrations.listForPass(passIds[0])).toHaveLength(1);
    });

    it('unregisters one registration; unregistering a missing one is not an error', async () => {
      await repos.registrations.register(aRegistration('device-a', passIds[0]));
      await repos.registrations.register(aRegistration('device-a', passIds[1]));
      await repos.registrations.unregister('device-a', passIds[0]);
      await expect(repos.registrations.unregister('device-a', passIds[0])).resolves.toBeUndefined();
      await expect(repos.registrations.unregister('device-nobody', 987_654)).resolves.toBeUndefined();
      expect(await repos.registrations.find('device-a', passIds[0])).toBeNull();
      expect(await repos.registrations.find('device-a', passIds[1])).not.toBeNull();
    });

    it('lists the registrations of a pass by device library identifier', async () => {
      for (const device of ['b-device', 'a-device', 'B-device', 'A-device']) {
        await repos.registrations.register(aRegistration(device, passIds[1], `token-${device}`));
      }
      await repos.registrations.register(aRegistration('c-device', passIds[0]));
      const listed = await repos.registrations.listForPass(passIds[1]);
      expect(listed.map((registration) => registration.deviceLibraryIdentifier)).toEqual([
        'A-device',
        'B-device',
        'a-device',
        'b-device',
      ]);
      expect(listed[0]).toBeInstanceOf(DeviceRegistration);
      expect(listed[0].pushToken).toBe('token-A-device');
      expect(await repos.registrations.listForPass(987_654)).toEqual([]);
    });

    it('lists the pass ids of a device in ascending order', async () => {
      await repos.registrations.register(aRegistration('device-a', passIds[2]));
      await repos.registrations.register(aRegistration('device-a', passIds[0]));
      await repos.registrations.register(aRegistration('device-b', passIds[1]));
      expect(await repos.registrations.listPassIdsForDevice('device-a')).toEqual([passIds[0], passIds[2]]);
      expect(await repos.registrations.listPassIdsForDevice('device-none')).toEqual([]);
    });

    describe('what the Wallet web service asks', () => {
      /** Loads, changes and saves the pass: the save gives it its pass type's next change number. */
      async function change(passId: number, now: Date): Promise<number> {
        const pass = (await repos.passes.findById(passId))!;
        pass.void(now);
        await repos.passes.save(pass);
        return pass.changeSequence;
      }

      async function deleteStored(passId: number, now: Date): Promise<Pass> {
        const pass = (await repos.passes.findById(passId))!;
        pass.delete(now);
        await repos.passes.save(pass);
        return pass;
      }

      it('lists the passes of one pass type a device holds, changed after a number or all, by serial number', async () => {
        const other = await anOwner(repos, 'Other');
        const otherPass = await aStoredPass(repos, other.template, 'SN-0');
        const lower = await aStoredPass(repos, owner.template, 'SN-a');
        const upper = await aStoredPass(repos, owner.template, 'SN-B');
        for (const passId of [passIds[2], passIds[0], lower.id, upper.id, otherPass.id]) {
          await repos.registrations.register(aRegistration('device-a', passId));
        }
        await repos.registrations.register(aRegistration('device-b', passIds[1]));

        const second = await change(passIds[1], LATER);
        const third = await change(passIds[2], LATER);
        const first = await change(passIds[0], LATER);
        const upperChange = await change(upper.id, LATER);
        await change(otherPass.id, LATER);
        expect([second, third, first, upperChange]).toEqual([second, second + 1, second + 2, second + 3]);

        expect(await repos.registrations.listChangedPasses('device-a', owner.passType.passTypeIdentifier, null)).toEqual([
          { serialNumber: 'SN-1', changeSequence: first },
          { serialNumber: 'SN-3', changeSequence: third },
          { serialNumber: 'SN-B', changeSequence: upperChange },
          { serialNumber: 'SN-a', changeSequence: 0 },
        ]);
        expect(await repos.registrations.listChangedPasses('device-a', owner.passType.passTypeIdentifier, 0)).toEqual([
          { serialNumber: 'SN-1', changeSequence: first },
          { serialNumber: 'SN-3', changeSequence: third },
          { serialNumber: 'SN-B', changeSequence: upperChange },
        ]);
        // Strictly greater: the pass whose number the device already has is not listed again.
        expect(await repos.registrations.listChangedPasses('device-a', owner.passType.passTypeIdentifier, third)).toEqual([
          { serialNumber: 'SN-1', changeSequence: first },
          { serialNumber: 'SN-B', changeSequence: upperChange },
        ]);
        expect(await repos.registrations.listChangedPasses('device-a', owner.passType.passTypeIdentifier, upperChange)).toEqual([]);
        expect(await repos.registrations.listChangedPasses('device-a', other.passType.passTypeIdentifier, null)).toEqual([
          { serialNumber: 'SN-0', changeSequence: expect.any(Number) },
        ]);
        expect(await repos.registrations.listChangedPasses('device-b', owner.passType.passTypeIdentifier, null)).toEqual([
          { serialNumber: 'SN-2', changeSequence: second },
        ]);
        expect(await repos.registrations.listChangedPasses('device-none', owner.passType.passTypeIdentifier, null)).toEqual([]);
        expect(await repos.registrations.listChangedPasses('device-a', 'pass.com.example.nothing', null)).toEqual([]);
      });

      it('answers lists asked together, each with the passes of its own device, pass type and number', async () => {
        const other = await anOwner(repos, 'Other');
        const otherPass = await aStoredPass(repos, other.template, 'SN-0');
        for (const passId of [passIds[0], passIds[1], otherPass.id]) await repos.registrations.register(aRegistration('device-a', passId));
        await repos.registrations.register(aRegistration('device-b', passIds[1]));
        const second = await change(passIds[1], LATER);
        const first = await change(passIds[0], LATER);

        const lists = await Promise.all([
          repos.registrations.listChangedPasses('device-a', owner.passType.passTypeIdentifier, null),
          repos.registrations.listChangedPasses('device-b', owner.passType.passTypeIdentifier, null),
          repos.registrations.listChangedPasses('device-a', owner.passType.passTypeIdentifier, second),
          repos.registrations.listChangedPasses('device-a', other.passType.passTypeIdentifier, null),
          repos.registrations.listChangedPasses('device-none', owner.passType.passTypeIdentifier, null),
          repos.registrations.listChangedPasses('device-a', owner.passType.passTypeIdentifier, first),
          repos.registrations.listChangedPasses('device-a', 'pass.com.example.nothing', null),
        ]);

        expect(lists).toEqual([
          [
            { serialNumber: 'SN-1', changeSequence: first },
            { serialNumber: 'SN-2', changeSequence: second },
          ],
          [{ serialNumber: 'SN-2', changeSequence: second }],
          [{ serialNumber: 'SN-1', changeSequence: first }],
          [{ serialNumber: 'SN-0', changeSequence: 0 }],
          [],
          [],
          [],
        ]);
      });

      it('lists a deleted pass, so that the device learns it is void', async () => {
        await repos.registrations.register(aRegistration('device-a', passIds[0]));
        await repos.registrations.register(aRegistration('device-a', passIds[1]));
        const before = await change(passIds[1], FIRST);
        const deleted = await deleteStored(passIds[0], LATER);
        expect(deleted.changeSequence).toBeGreaterThan(before);

        expect(await repos.registrations.listChangedPasses('device-a', owner.passType.passTypeIdentifier, before)).toEqual([
          { serialNumber: 'SN-1', changeSequence: deleted.changeSequence },
        ]);
        expect(await repos.registrations.listChangedPasses('device-a', owner.passType.passTypeIdentifier, null)).toEqual([
          { serialNumber: 'SN-1', changeSequence: deleted.changeSequence },
          { serialNumber: 'SN-2', changeSequence: before },
        ]);
      });

      it('removes every registration that holds a dead push token, and says how many', async () => {
        await repos.registrations.register(aRegistration('device-a', passIds[0], 'token-dead'));
        await repos.registrations.register(aRegistration('device-a', passIds[1], 'token-dead'));
        await repos.registrations.register(aRegistration('device-b', passIds[0], 'token-alive'));

        expect(await repos.registrations.removeByPushToken('token-dead', null)).toBe(2);
        expect(await repos.registrations.listPassIdsForDevice('device-a')).toEqual([]);
        expect((await repos.registrations.find('device-b', passIds[0]))!.pushToken).toBe('token-alive');
        expect(await repos.registrations.removeByPushToken('token-dead', null)).toBe(0);
        expect(await repos.registrations.removeByPushToken('token-none', null)).toBe(0);
      });

      it('removes the registrations of one pass type only, when the device gave up that topic', async () => {
        const other = await anOwner(repos, 'Other pass type');
        const otherPass = await aStoredPass(repos, other.template, 'SN-OTHER');
        await repos.registrations.register(aRegistration('device-a', passIds[0], 'token-a'));
        await repos.registrations.register(aRegistration('device-a', otherPass.id, 'token-a'));

        expect(await repos.registrations.removeByPushToken('token-a', owner.passType.id)).toBe(1);
        expect(await repos.registrations.listPassIdsForDevice('device-a')).toEqual([otherPass.id]);
      });

      it("counts the template's live passes registered on at least one device", async () => {
        const otherTemplate = await aStoredTemplate(repos, owner, { title: 'Other template' });
        const elsewhere = await aStoredPass(repos, otherTemplate, 'SN-ELSEWHERE');
        expect(await repos.registrations.countInstalledPasses(owner.template.id)).toBe(0);

        await repos.registrations.register(aRegistration('device-a', passIds[0]));
        await repos.registrations.register(aRegistration('device-b', passIds[0]));
        await repos.registrations.register(aRegistration('device-a', passIds[1]));
        await repos.registrations.register(aRegistration('device-c', elsewhere.id));
        expect(await repos.registrations.countInstalledPasses(owner.template.id)).toBe(2);
        expect(await repos.registrations.countInstalledPasses(otherTemplate.id)).toBe(1);

        await deleteStored(passIds[1], LATER);
        expect(await repos.registrations.countInstalledPasses(owner.template.id)).toBe(1);
        expect(await repos.registrations.countInstalledPasses(987_654)).toBe(0);
      });
    });
  });
}
