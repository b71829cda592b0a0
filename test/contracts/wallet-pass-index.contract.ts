import { Pass } from '../../src/domain/pass';
import { packageVersionOf } from '../../src/domain/ports/pass-packager';
import type { WalletPassEntry } from '../../src/domain/wallet-pass-entry';
import { aPass, T0 } from '../support/builders';
import { anOwner, aStoredPass, type Owner } from './fixtures';
import type { HarnessSetup, RepositoryHarness } from './harness';

const LATER = new Date(T0.getTime() + 60_000);

export function walletPassIndexContract(name: string, setup: HarnessSetup): void {
  describe(`WalletPassIndex contract: ${name}`, () => {
    let harness: RepositoryHarness;
    let owner: Owner;

    beforeEach(async () => {
      harness = await setup();
      owner = await anOwner(harness.repos);
    });

    afterEach(async () => {
      await harness?.teardown();
    });

    const find = (serialNumber: string, passTypeIdentifier = owner.passType.passTypeIdentifier) =>
      harness.repos.walletPasses.find(passTypeIdentifier, serialNumber);

    /** What the entry should say about the pass as stored now. */
    async function expectEntryOf(entry: WalletPassEntry | null, passId: number): Promise<void> {
      const pass = (await harness.repos.passes.findById(passId)) ?? (await harness.repos.passes.findForWallet(owner.passType.id, 'SN-1'));
      const template = await harness.repos.templates.findById(pass!.templateId);
      const passType = await harness.repos.passTypes.findById(pass!.passTypeId);
      expect(entry).not.toBeNull();
      expect(entry!.packageVersion).toEqual(packageVersionOf({ pass: pass!, template: template!, passType: passType! }));
      expect(entry!.lastModified).toEqual(pass!.lastModified);
      expect(entry!.authenticatesWith(pass!.authenticationToken)).toBe(true);
    }

    it('finds an issued pass by pass type identifier and serial, with its token, Last-Modified and package version', async () => {
      const pass = await aStoredPass(harness.repos, owner.template, 'SN-1');
      await aStoredPass(harness.repos, owner.template, 'SN-2');

      const entry = await find('SN-1');

      await expectEntryOf(entry, pass.id);
      expect(entry!.packageVersion.passId).toBe(pass.id);
      expect(entry!.authenticatesWith(`${pass.authenticationToken}x`)).toBe(false);
      expect(entry!.authenticatesWith('')).toBe(false);
    });

    it('finds nothing for an unknown serial, an unknown pass type, or the serial under another pass type', async () => {
      await aStoredPass(harness.repos, owner.template, 'SN-1');
      const other = await anOwner(harness.repos, 'Other');

      expect(await find('SN-2')).toBeNull();
      expect(await find('SN-1', 'pass.example.unknown')).toBeNull();
      expect(await find('SN-1', other.passType.passTypeIdentifier)).toBeNull();
    });

    it('answers lookups made together, each with its own pass or none', async () => {
      const passes = [await aStoredPass(harness.repos, owner.template, 'SN-1'), await aStoredPass(harness.repos, owner.template, 'SN-2')];
      const other = await anOwner(harness.repos, 'Other');
      const othersPass = await aStoredPass(harness.repos, other.template, 'SN-1');
      await harness.repos.passes.add(Pass.prepare(owner.template, 'SN-3', {}, T0, null));

      const entries = await Promise.all([
        find('SN-2'),
        find('SN-1', other.passType.passTypeIdentifier),
        find('SN-unknown'),
        find('SN-1'),
        find('SN-3'),
        // Not text PostgreSQL's JSON takes (a lone surrogate): it fails alone, as nothing found.
        find('SN-\ud800'),
        find('SN-2'),
      ]);

      expect(entries.map((entry) => entry?.packageVersion.passId ?? null)).toEqual([
        passes[1].id,
        othersPass.id,
        null,
        passes[0].id,
        null,
        null,
        passes[1].id,
      ]);
      expect(entries[3]!.authenticatesWith(passes[0].authenticationToken)).toBe(true);
      expect(entries[1]!.authenticatesWith(passes[0].authenticationToken)).toBe(false);
      await expectEntryOf(entries[0], passes[1].id);
    });

    it('finds nothing for pass data that is not issued yet', async () => {
      await harness.repos.passes.add(Pass.prepare(owner.template, 'SN-1', {}, T0, null));

      expect(await find('SN-1')).toBeNull();
    });

    it('still finds a deleted pass: devices holding it learn from its last version that it is void', async () => {
      const pass = await aStoredPass(harness.repos, owner.template, 'SN-1');
      pass.delete(LATER);
      await harness.repos.passes.save(pass);

      const entry = await find('SN-1');

      expect(entry?.packageVersion.passId).toBe(pass.id);
      expect(entry?.packageVersion.passVersion).toBe(pass.version);
      expect(entry?.lastModified).toEqual(pass.lastModified);
    });

    it('follows every change of the pass, its template and its pass type', async () => {
      const pass = await aStoredPass(harness.repos, owner.template, 'SN-1');
      const before = (await find('SN-1'))!;

      pass.touch(LATER);
      await harness.repos.passes.save(pass);
      const template = (await harness.repos.templates.findById(owner.template.id))!;
      template.update({ description: 'Changed' }, LATER);
      await harness.repos.templates.save(template);
      const passType = (await harness.repos.passTypes.findById(owner.passType.id))!;
      passType.replaceMaterial(
        { ...passType, certificatePem: `${passType.certificatePem}\n` },
        passType.certificateExpiresAt,
        passType.development,
        passType.updatedAt,
      );
      await harness.repos.passTypes.save(passType);

      const after = await find('SN-1');

      await expectEntryOf(after, pass.id);
      expect(after!.packageVersion.passVersion).toBe(before.packageVersion.passVersion + 1);
      expect(after!.lastModified.getTime()).toBeGreaterThan(before.lastModified.getTime());
      expect(after!.packageVersion.templateUpdatedAt).toEqual(LATER);
      // Replaced material at the same instant still moves the pass type's version.
      expect(after!.packageVersion.passTypeUpdatedAt.getTime()).toBeGreaterThan(before.packageVersion.passTypeUpdatedAt.getTime());
    });

    it('reads what other calls committed, and within a unit of work what it wrote', async () => {
      const pass = await harness.repos.passes.add(aPass(owner.template, 'SN-1'));
      await harness.repos.unitOfWork.atomically(async () => {
        pass.touch(LATER);
        await harness.repos.passes.save(pass);
        expect((await find('SN-1'))?.packageVersion.passVersion).toBe(pass.version);
      });
      expect((await find('SN-1'))?.packageVersion.passVersion).toBe(pass.version);
    });
  });
}
