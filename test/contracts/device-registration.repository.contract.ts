import { DeviceRegistration } from '../../src/domain/device-registration';
import { aRegistration } from '../support/builders';
import { anOwner, aStoredPass, type Owner } from './fixtures';
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
  });
}
