import { entityManagerFor, executeSql } from '../../src/adapters/outbound/persistence/mikro-orm-repository';
import { DomainErrorCode, type DomainError } from '../../src/domain/errors';
import { Pass } from '../../src/domain/pass';
import { aPass, aPng, aRegistration } from '../support/builders';
import { anOwner, aStoredPass, aStoredTemplate, type Owner } from './fixtures';
import { snapshot, type HarnessSetup, type RepositoryHarness, type Repositories } from './harness';

const ISSUED = new Date('2026-02-03T04:05:06.789Z');

export function passRepositoryContract(name: string, setup: HarnessSetup): void {
  /** Lock waits need a database where two transactions run side by side. */
  const postgresOnly = name === 'MikroORM on PostgreSQL' ? it : it.skip;

  describe(`PassRepository contract: ${name}`, () => {
    let harness: RepositoryHarness;
    let repos: Repositories;
    let owner: Owner;

    beforeEach(async () => {
      harness = await setup();
      repos = harness.repos;
      owner = await anOwner(repos);
    });

    afterEach(async () => {
      await harness?.teardown();
    });

    function aRichPass(serialNumber: string): Pass {
      const pass = aPass(
        owner.template,
        serialNumber,
        {
          fields: { name: { value: 'Ada Lovelace', label: 'Member', changeMessage: 'Now %@' } },
          barcodeMessage: 'MSG-1',
          barcodeAltText: 'alt text',
          locations: [
            { latitude: 48.8566, longitude: 2.3522, altitude: null, relevantText: 'Paris' },
            { latitude: -33.8688, longitude: 151.2093, altitude: 58.5, relevantText: null },
          ],
          beacons: [{ proximityUUID: 'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0', major: 1, minor: null, relevantText: 'Door' }],
          relevantDate: '2026-05-01T10:00:00+02:00',
          expirationDate: '2027-05-01T10:00:00.123Z',
          images: { 'thumbnail.png': aPng(7), 'icon@2x.png': aPng(8) },
          customPassId: 'custom-42',
        },
        ISSUED,
      );
      pass.redeem(new Date('2026-02-03T04:05:07.001Z'));
      return pass;
    }

    it('assigns an id on add and gives every field back, images as bytes and dates to the millisecond', async () => {
      const pass = aRichPass('SN-RICH');
      const added = await repos.passes.add(pass);
      expect(added).toBe(pass);
      expect(typeof pass.id).toBe('number');

      const loaded = await repos.passes.findById(pass.id);
      expect(loaded).toBeInstanceOf(Pass);
      expect(snapshot(loaded)).toStrictEqual(snapshot(pass));
      expect(loaded!.updatedAt.getTime()).toBe(pass.updatedAt.getTime());
      expect(loaded!.updatedAt.toISOString()).toBe('2026-02-03T04:05:07.001Z');
      expect(loaded!.redeemedAt!.getTime()).toBe(new Date('2026-02-03T04:05:07.001Z').getTime());
      expect(loaded!.images['thumbnail.png']).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(loaded!.images['thumbnail.png']).equals(Buffer.from(aPng(7)))).toBe(true);
    });

    it('keeps null and empty lists apart for locations and beacons', async () => {
      const inherits = aPass(owner.template, 'SN-NULL', {}, ISSUED);
      const none = aPass(owner.template, 'SN-EMPTY', { locations: [], beacons: [] }, ISSUED);
      await repos.passes.add(inherits);
      await repos.passes.add(none);

      const loadedInherits = await repos.passes.findById(inherits.id);
      const loadedNone = await repos.passes.findById(none.id);
      expect(loadedInherits!.locations).toBeNull();
      expect(loadedInherits!.beacons).toBeNull();
      expect(loadedNone!.locations).toEqual([]);
      expect(loadedNone!.beacons).toEqual([]);
      expect(loadedInherits!.images).toEqual({});
      expect(loadedInherits!.fieldValues).toEqual({});
      expect(loadedInherits!.redeemedAt).toBeNull();
    });

    it('stores changes on save, including values cleared back to null', async () => {
      const pass = aRichPass('SN-SAVE');
      await repos.passes.add(pass);
      const loaded = (await repos.passes.findById(pass.id))!;
      loaded.update(
        owner.template,
        { fields: { name: { value: 'Grace Hopper' } }, locations: null, barcodeAltText: null, images: { 'icon.png': aPng(9) } },
        new Date('2026-02-03T04:05:07.001Z'),
      );
      loaded.void(new Date('2026-02-03T04:05:07.001Z'));
      await repos.passes.save(loaded);

      const reloaded = await repos.passes.findById(pass.id);
      expect(snapshot(reloaded)).toStrictEqual(snapshot(loaded));
      expect(reloaded!.version).toBe(4);
      expect(reloaded!.updatedAt.toISOString()).toBe('2026-02-03T04:05:07.003Z');
      expect(reloaded!.locations).toBeNull();
      expect(reloaded!.voided).toBe(true);
    });

    it('refuses to save a pass that was never added', async () => {
      const pass = aPass(owner.template, 'SN-GHOST', {}, ISSUED);
      pass.id = 999_999;
      await expect(repos.passes.save(pass)).rejects.toThrow();
      expect(await repos.passes.findById(999_999)).toBeNull();
    });

    it('hands out detached objects: a change not saved is not stored', async () => {
      const pass = await aStoredPass(repos, owner.template, 'SN-DETACHED');
      const loaded = (await repos.passes.findById(pass.id))!;
      loaded.void(new Date('2026-03-01T00:00:00.000Z'));
      const other = await aStoredPass(repos, owner.template, 'SN-OTHER');
      await repos.passes.save(other);
      expect((await repos.passes.findById(pass.id))!.voided).toBe(false);
    });

    it('refuses to save over a change made since the pass was loaded, with PASS_CHANGED_CONCURRENTLY', async () => {
      const pass = await aStoredPass(repos, owner.template, 'SN-RACE');
      const first = (await repos.passes.findById(pass.id))!;
      const second = (await repos.passes.findForAccount(owner.account.id, pass.id))!;
      first.update(owner.template, { fields: { name: { value: 'First' } } }, new Date('2026-03-01T00:00:00.000Z'));
      await repos.passes.save(first);
      second.redeem(new Date('2026-03-01T00:00:01.000Z'));
      await expect(repos.passes.save(second)).rejects.toMatchObject({ code: DomainErrorCode.PassChangedConcurrently });

      const stored = (await repos.passes.findById(pass.id))!;
      expect(stored.fieldValues).toEqual({ name: { value: 'First' } });
      expect(stored.redeemed).toBe(false);
      expect(stored.version).toBe(2);

      first.redeem(new Date('2026-03-01T00:00:02.000Z'));
      await repos.passes.save(first);
      expect((await repos.passes.findById(pass.id))!.version).toBe(3);
    });

    it('refuses to save a pass loaded before its template touched it', async () => {
      const pass = await aStoredPass(repos, owner.template, 'SN-TOUCHED');
      const loaded = (await repos.passes.findById(pass.id))!;
      await repos.passes.touchAllOfTemplate(owner.template.id, new Date('2026-03-01T00:00:00.000Z'));
      loaded.redeem(new Date('2026-03-01T00:00:01.000Z'));
      await expect(repos.passes.save(loaded)).rejects.toMatchObject({ code: DomainErrorCode.PassChangedConcurrently });
    });

    it('reports a pass removed since it was loaded as PASS_NOT_FOUND', async () => {
      const pass = await aStoredPass(repos, owner.template, 'SN-GONE');
      const loaded = (await repos.passes.findById(pass.id))!;
      await repos.passes.remove(pass);
      loaded.redeem(new Date('2026-03-01T00:00:01.000Z'));
      await expect(repos.passes.save(loaded)).rejects.toMatchObject({ code: DomainErrorCode.PassNotFound });
      expect(await repos.passes.findById(pass.id)).toBeNull();
    });

    it('finds a pass for its own account only', async () => {
      const pass = await aStoredPass(repos, owner.template, 'SN-MINE');
      const stranger = await anOwner(repos, 'Stranger');
      expect((await repos.passes.findForAccount(owner.account.id, pass.id))?.serialNumber).toBe('SN-MINE');
      expect(await repos.passes.findForAccount(stranger.account.id, pass.id)).toBeNull();
      expect(await repos.passes.findForAccount(owner.account.id, 987_654)).toBeNull();
    });

    it('refuses a second pass with the same serial number in one pass type with SERIAL_NUMBER_TAKEN', async () => {
      const first = await aStoredPass(repos, owner.template, 'SN-DUP');
      const second = aPass(owner.template, 'SN-DUP', {}, ISSUED);
      const error = (await repos.passes.add(second).then(
        () => null,
        (caught: unknown) => caught,
      )) as DomainError | null;
      expect(error).not.toBeNull();
      expect(error!.code).toBe(DomainErrorCode.SerialNumberTaken);
      expect(error!.name).toBe('DomainError');

      const found = await repos.passes.findBySerialNumber(owner.passType.id, 'SN-DUP');
      expect(found?.id).toBe(first.id);
      expect(await repos.passes.listForTemplate(owner.template.id, { offset: 0, limit: 10 })).toHaveLength(1);
      // The repository stays usable after the refusal.
      await expect(repos.passes.add(aPass(owner.template, 'SN-AFTER', {}, ISSUED))).resolves.toBeDefined();
    });

    it('allows the same serial number in another pass type and finds each by pass type', async () => {
      const other = await anOwner(repos, 'Other');
      const mine = await aStoredPass(repos, owner.template, 'SN-SHARED');
      const theirs = await aStoredPass(repos, other.template, 'SN-SHARED');
      expect((await repos.passes.findBySerialNumber(owner.passType.id, 'SN-SHARED'))?.id).toBe(mine.id);
      expect((await repos.passes.findBySerialNumber(other.passType.id, 'SN-SHARED'))?.id).toBe(theirs.id);
      expect(await repos.passes.findBySerialNumber(owner.passType.id, 'SN-NONE')).toBeNull();
    });

    it('finds a pass by its pass data id', async () => {
      const pass = await aStoredPass(repos, owner.template, 'SN-DATA');
      expect((await repos.passes.findByPassDataId(pass.passDataId))?.id).toBe(pass.id);
      expect(await repos.passes.findByPassDataId('0'.repeat(32))).toBeNull();
    });

    it('lists the passes of one template by ascending id, a page at a time', async () => {
      const otherTemplate = await aStoredTemplate(repos, owner, { title: 'Other template' });
      const ids: number[] = [];
      for (let index = 0; index < 5; index += 1) {
        ids.push((await aStoredPass(repos, owner.template, `SN-PAGE-${index}`)).id);
        await aStoredPass(repos, otherTemplate, `SN-OTHER-${index}`);
      }
      const all = await repos.passes.listForTemplate(owner.template.id, { offset: 0, limit: 100 });
      expect(all.map((pass) => pass.id)).toEqual(ids);
      const page = await repos.passes.listForTemplate(owner.template.id, { offset: 1, limit: 2 });
      expect(page.map((pass) => pass.serialNumber)).toEqual(['SN-PAGE-1', 'SN-PAGE-2']);
      expect(await repos.passes.listForTemplate(owner.template.id, { offset: 5, limit: 2 })).toEqual([]);
      expect(page[0]).toBeInstanceOf(Pass);
    });

    it('touches every pass of a template: version + 1 and a strictly later updatedAt, even when now is earlier', async () => {
      const otherTemplate = await aStoredTemplate(repos, owner, { title: 'Untouched' });
      const early = await repos.passes.add(aPass(owner.template, 'SN-T1', {}, new Date('2026-01-01T00:00:00.000Z')));
      const late = await repos.passes.add(aPass(owner.template, 'SN-T2', {}, new Date('2026-06-01T00:00:00.500Z')));
      const untouched = await repos.passes.add(aPass(otherTemplate, 'SN-T3', {}, new Date('2026-01-01T00:00:00.000Z')));

      const now = new Date('2026-03-01T00:00:00.250Z');
      expect(await repos.passes.touchAllOfTemplate(owner.template.id, now)).toBe(2);

      const earlyAfter = (await repos.passes.findById(early.id))!;
      const lateAfter = (await repos.passes.findById(late.id))!;
      expect(earlyAfter.version).toBe(2);
      expect(earlyAfter.updatedAt.toISOString()).toBe('2026-03-01T00:00:00.250Z');
      expect(lateAfter.version).toBe(2);
      expect(lateAfter.updatedAt.toISOString()).toBe('2026-06-01T00:00:00.501Z');

      // Twice at the same instant: still strictly increasing.
      expect(await repos.passes.touchAllOfTemplate(owner.template.id, now)).toBe(2);
      const earlyAgain = (await repos.passes.findById(early.id))!;
      expect(earlyAgain.version).toBe(3);
      expect(earlyAgain.updatedAt.toISOString()).toBe('2026-03-01T00:00:00.251Z');
      expect((await repos.passes.findById(late.id))!.updatedAt.toISOString()).toBe('2026-06-01T00:00:00.502Z');

      const untouchedAfter = (await repos.passes.findById(untouched.id))!;
      expect(untouchedAfter.version).toBe(1);
      expect(untouchedAfter.updatedAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
      expect(await repos.passes.touchAllOfTemplate(987_654, now)).toBe(0);
    });

    it('stores pass data before it is issued, its recipient, its issue and the deletion of its handle', async () => {
      const recipient = { email: 'ada@example.org', phone: null, customId: 'VIP 1' };
      const draft = await repos.passes.add(Pass.prepare(owner.template, 'SN-DRAFT', {}, ISSUED, recipient));
      const loaded = await repos.passes.findByPassDataId(draft.passDataId);
      expect(snapshot(loaded)).toStrictEqual(snapshot(draft));
      expect(loaded!.isIssued()).toBe(false);
      expect(loaded!.recipient).toEqual(recipient);

      loaded!.markIssued(new Date('2026-02-03T04:05:08.000Z'));
      await repos.passes.save(loaded!);
      const issued = await repos.passes.findById(draft.id);
      expect(issued!.issuedAt!.toISOString()).toBe('2026-02-03T04:05:08.000Z');
      issued!.deletePassData(new Date('2026-02-03T04:05:09.000Z'));
      await repos.passes.save(issued!);
      const deleted = await repos.passes.findById(draft.id);
      expect(deleted!.hasPassData()).toBe(false);
      expect(deleted!.passDataDeletedAt!.toISOString()).toBe('2026-02-03T04:05:09.000Z');
      expect(deleted!.version).toBe(3);
    });

    it('lists and searches issued passes only, never data that is not issued yet', async () => {
      const issued = await repos.passes.add(aPass(owner.template, 'SN-ISSUED', { barcodeMessage: 'CODE 1' }, ISSUED));
      await repos.passes.add(Pass.prepare(owner.template, 'SN-DRAFT', { barcodeMessage: 'CODE 1' }, ISSUED, null));
      expect((await repos.passes.listForTemplate(owner.template.id, { offset: 0, limit: 10 })).map((p) => p.id)).toEqual([
        issued.id,
      ]);
      expect((await repos.passes.findByBarcodeMessage(owner.account.id, 'CODE 1', 10)).map((p) => p.id)).toEqual([
        issued.id,
      ]);
    });

    it("finds passes by their own barcode message within one account, exactly, a limited number", async () => {
      const first = await repos.passes.add(aPass(owner.template, 'SN-1', { barcodeMessage: 'ABC 123' }, ISSUED));
      const second = await repos.passes.add(aPass(owner.template, 'SN-2', { barcodeMessage: 'ABC 123' }, ISSUED));
      await repos.passes.add(aPass(owner.template, 'SN-3', { barcodeMessage: 'abc 123' }, ISSUED));
      await repos.passes.add(aPass(owner.template, 'SN-4', {}, ISSUED));
      const other = await anOwner(repos, 'Other');
      await repos.passes.add(aPass(other.template, 'SN-5', { barcodeMessage: 'ABC 123' }, ISSUED));

      const found = await repos.passes.findByBarcodeMessage(owner.account.id, 'ABC 123', 10);
      expect(found.map((pass) => pass.id)).toEqual([first.id, second.id]);
      expect(found[0]).toBeInstanceOf(Pass);
      expect(await repos.passes.findByBarcodeMessage(owner.account.id, 'ABC 123', 1)).toHaveLength(1);
      expect(await repos.passes.findByBarcodeMessage(owner.account.id, 'ABC', 10)).toEqual([]);
    });

    /** Loads, changes and saves the pass; the save gives it its pass type's next change number. */
    let changes = 0;
    async function changeStored(passId: number, now: Date): Promise<Pass> {
      const pass = (await repos.passes.findById(passId))!;
      changes += 1;
      pass.update(owner.template, { fields: { name: { value: `Change ${changes} at ${now.toISOString()}` } } }, now);
      await repos.passes.save(pass);
      return pass;
    }

    async function deleteStored(passId: number, now: Date): Promise<Pass> {
      const pass = (await repos.passes.findById(passId))!;
      pass.delete(now);
      await repos.passes.save(pass);
      return pass;
    }

    describe('change sequence and Last-Modified', () => {
      it('keeps the number and Last-Modified of a change devices do not see (the pass data handle deleted)', async () => {
        const pass = await aStoredPass(repos, owner.template, 'SN-HANDLE');
        const changed = await changeStored(pass.id, ISSUED);
        const loaded = (await repos.passes.findById(pass.id))!;
        loaded.deletePassData(new Date(ISSUED.getTime() + 5_000));
        await repos.passes.save(loaded);

        const stored = (await repos.passes.findById(pass.id))!;
        expect(stored.version).toBe(changed.version + 1);
        expect(stored.changeSequence).toBe(changed.changeSequence);
        expect(stored.lastModified).toEqual(changed.lastModified);
      });

      it('gives every saved change the next number of its pass type, counted apart per pass type', async () => {
        const other = await anOwner(repos, 'Other');
        const first = await aStoredPass(repos, owner.template, 'SN-A');
        const second = await aStoredPass(repos, owner.template, 'SN-B');
        const theirs = await aStoredPass(repos, other.template, 'SN-A');
        expect((await repos.passes.findById(first.id))!.changeSequence).toBe(0);

        const a1 = (await changeStored(first.id, ISSUED)).changeSequence;
        const redeemed = (await repos.passes.findById(theirs.id))!;
        redeemed.redeem(ISSUED);
        await repos.passes.save(redeemed);
        const o1 = redeemed.changeSequence;
        const b1 = (await changeStored(second.id, ISSUED)).changeSequence;
        const a2 = (await changeStored(first.id, ISSUED)).changeSequence;
        const unredeemed = (await repos.passes.findById(theirs.id))!;
        unredeemed.unredeem(ISSUED);
        await repos.passes.save(unredeemed);
        const o2 = unredeemed.changeSequence;
        expect(a1).toBeGreaterThan(0);
        expect(o1).toBeGreaterThan(0);
        // Neither pass type's changes take numbers from the other's.
        expect([b1, a2]).toEqual([a1 + 1, a1 + 2]);
        expect(o2).toBe(o1 + 1);

        expect((await repos.passes.findById(first.id))!.changeSequence).toBe(a2);
        expect((await repos.passes.findById(second.id))!.changeSequence).toBe(b1);
        expect((await repos.passes.findById(theirs.id))!.changeSequence).toBe(o2);
      });

      it('touches all live passes of a template with one new number above every earlier one; a deleted pass keeps its own', async () => {
        const sibling = await aStoredTemplate(repos, owner, { title: 'Sibling' });
        const first = await aStoredPass(repos, owner.template, 'SN-1');
        const second = await aStoredPass(repos, owner.template, 'SN-2');
        const deleted = await aStoredPass(repos, owner.template, 'SN-3');
        const elsewhere = await aStoredPass(repos, sibling, 'SN-4');
        await changeStored(first.id, ISSUED);
        const siblingChange = (await changeStored(elsewhere.id, ISSUED)).changeSequence;
        const deletion = await deleteStored(deleted.id, ISSUED);

        expect(await repos.passes.touchAllOfTemplate(owner.template.id, new Date('2026-03-01T00:00:00.000Z'))).toBe(2);
        const touched = [(await repos.passes.findById(first.id))!, (await repos.passes.findById(second.id))!];
        const number = touched[0].changeSequence;
        expect(touched[1].changeSequence).toBe(number);
        expect(number).toBeGreaterThan(deletion.changeSequence);
        expect(touched.map((pass) => pass.version)).toEqual([3, 2]);

        const stillDeleted = (await repos.passes.findForWallet(owner.passType.id, 'SN-3'))!;
        expect([stillDeleted.changeSequence, stillDeleted.version]).toEqual([deletion.changeSequence, deletion.version]);
        expect(snapshot(stillDeleted.lastModified)).toEqual(snapshot(deletion.lastModified));
        expect((await repos.passes.findById(elsewhere.id))!.changeSequence).toBe(siblingChange);

        expect(await repos.passes.touchAllOfTemplate(owner.template.id, new Date('2026-03-01T00:00:00.000Z'))).toBe(2);
        const next = (await repos.passes.findById(second.id))!.changeSequence;
        expect(next).toBeGreaterThan(number);
        expect((await changeStored(elsewhere.id, ISSUED)).changeSequence).toBeGreaterThan(next);
      });

      it('keeps lastModified in whole seconds, one second later at least per version, touched or saved', async () => {
        const pass = await repos.passes.add(aPass(owner.template, 'SN-LM', {}, ISSUED));
        const late = await repos.passes.add(aPass(owner.template, 'SN-LATE', {}, new Date('2026-06-01T12:00:00.999Z')));
        expect(pass.lastModified.toISOString()).toBe('2026-02-03T04:05:06.000Z');
        expect((await repos.passes.findById(pass.id))!.lastModified.toISOString()).toBe('2026-02-03T04:05:06.000Z');

        // Saved within the same second: one second later.
        await changeStored(pass.id, new Date('2026-02-03T04:05:06.900Z'));
        expect((await repos.passes.findById(pass.id))!.lastModified.toISOString()).toBe('2026-02-03T04:05:07.000Z');

        // Touched at an earlier now, twice: one second per call all the same.
        const earlier = new Date('2026-01-01T00:00:00.000Z');
        await repos.passes.touchAllOfTemplate(owner.template.id, earlier);
        expect((await repos.passes.findById(pass.id))!.lastModified.toISOString()).toBe('2026-02-03T04:05:08.000Z');
        await repos.passes.touchAllOfTemplate(owner.template.id, earlier);
        expect((await repos.passes.findById(pass.id))!.lastModified.toISOString()).toBe('2026-02-03T04:05:09.000Z');
        expect((await repos.passes.findById(late.id))!.lastModified.toISOString()).toBe('2026-06-01T12:00:02.000Z');

        // Touched at a later now: that now, truncated to the second.
        await repos.passes.touchAllOfTemplate(owner.template.id, new Date('2026-03-01T00:00:00.750Z'));
        const touched = (await repos.passes.findById(pass.id))!;
        expect(touched.lastModified.toISOString()).toBe('2026-03-01T00:00:00.000Z');
        expect(touched.updatedAt.toISOString()).toBe('2026-03-01T00:00:00.750Z');
        expect((await repos.passes.findById(late.id))!.lastModified.toISOString()).toBe('2026-06-01T12:00:03.000Z');
      });
    });

    describe('deleted passes', () => {
      it('hides a deleted pass from every finder but findForWallet, which gives it back deleted', async () => {
        const kept = await repos.passes.add(aPass(owner.template, 'SN-KEPT', { barcodeMessage: 'CODE' }, ISSUED));
        const added = await repos.passes.add(aPass(owner.template, 'SN-DEL', { barcodeMessage: 'CODE' }, ISSUED));
        const deletedAt = new Date('2026-02-03T04:05:07.123Z');
        const deleted = await deleteStored(added.id, deletedAt);

        expect(await repos.passes.findById(added.id)).toBeNull();
        expect(await repos.passes.findForAccount(owner.account.id, added.id)).toBeNull();
        expect(await repos.passes.findBySerialNumber(owner.passType.id, 'SN-DEL')).toBeNull();
        expect(await repos.passes.findByPassDataId(added.passDataId)).toBeNull();
        expect((await repos.passes.listForTemplate(owner.template.id, { offset: 0, limit: 10 })).map((p) => p.id)).toEqual([
          kept.id,
        ]);
        expect((await repos.passes.findByBarcodeMessage(owner.account.id, 'CODE', 10)).map((p) => p.id)).toEqual([kept.id]);

        const forWallet = await repos.passes.findForWallet(owner.passType.id, 'SN-DEL');
        expect(forWallet).toBeInstanceOf(Pass);
        expect(snapshot(forWallet)).toStrictEqual(snapshot(deleted));
        expect(forWallet!.deletedAt!.toISOString()).toBe('2026-02-03T04:05:07.123Z');
        expect(forWallet!.isDeleted()).toBe(true);
        expect(forWallet!.showsAsVoided).toBe(true);
        expect((await repos.passes.findForWallet(owner.passType.id, 'SN-KEPT'))!.id).toBe(kept.id);
        expect(await repos.passes.findForWallet(owner.passType.id, 'SN-NONE')).toBeNull();
      });

      it('answers findForWallet calls made together, each with a pass of its own or none', async () => {
        const first = await repos.passes.add(aPass(owner.template, 'SN-W1', {}, ISSUED));
        const second = await repos.passes.add(aPass(owner.template, 'SN-W2', {}, ISSUED));
        await repos.passes.add(Pass.prepare(owner.template, 'SN-W3', {}, ISSUED, null));

        const found = await Promise.all(
          ['SN-W2', 'SN-W1', 'SN-W3', 'SN-NONE', 'SN-W1'].map((serial) => repos.passes.findForWallet(owner.passType.id, serial)),
        );

        expect(found.map((pass) => pass?.id ?? null)).toEqual([second.id, first.id, null, null, first.id]);
        expect(snapshot(found[1])).toStrictEqual(snapshot(first));
        expect(found[4]).not.toBe(found[1]);
        // Each can be saved: each was handed out at the version it was read at.
        found[1]!.touch(new Date('2026-02-03T04:05:09.000Z'));
        await repos.passes.save(found[1]!);
        expect((await repos.passes.findById(first.id))!.version).toBe(first.version + 1);
      });

      it("answers an account's finds and finds by serial made together, each with a pass of its own or none", async () => {
        const kept = await repos.passes.add(aPass(owner.template, 'SN-K', {}, ISSUED));
        const deleted = await deleteStored((await repos.passes.add(aPass(owner.template, 'SN-D', {}, ISSUED))).id, ISSUED);
        const other = await anOwner(repos, 'Other');
        const othersPass = await aStoredPass(repos, other.template, 'SN-K');

        const [forAccount, bySerial] = await Promise.all([
          Promise.all([
            repos.passes.findForAccount(owner.account.id, kept.id),
            repos.passes.findForAccount(owner.account.id, othersPass.id),
            repos.passes.findForAccount(owner.account.id, deleted.id),
            repos.passes.findForAccount(other.account.id, othersPass.id),
            repos.passes.findForAccount(owner.account.id, kept.id),
          ]),
          Promise.all(
            [
              [owner.passType.id, 'SN-K'],
              [owner.passType.id, 'SN-D'],
              [other.passType.id, 'SN-K'],
              [owner.passType.id, 'SN-NONE'],
            ].map(([passTypeId, serial]) => repos.passes.findBySerialNumber(passTypeId as number, serial as string)),
          ),
        ]);

        expect(forAccount.map((pass) => pass?.id ?? null)).toEqual([kept.id, null, null, othersPass.id, kept.id]);
        expect(forAccount[4]).not.toBe(forAccount[0]);
        expect(snapshot(forAccount[0])).toStrictEqual(snapshot(kept));
        expect(bySerial.map((pass) => pass?.id ?? null)).toEqual([kept.id, null, othersPass.id, null]);
      });

      it('gives findForWallet no data that is not issued yet', async () => {
        const draft = await repos.passes.add(Pass.prepare(owner.template, 'SN-DRAFT', {}, ISSUED, null));
        expect(await repos.passes.findForWallet(owner.passType.id, 'SN-DRAFT')).toBeNull();
        const loaded = (await repos.passes.findById(draft.id))!;
        loaded.markIssued(new Date('2026-02-03T04:05:08.000Z'));
        await repos.passes.save(loaded);
        expect((await repos.passes.findForWallet(owner.passType.id, 'SN-DRAFT'))!.id).toBe(draft.id);
      });

      it('frees the serial number of a deleted pass: adding it again removes the deleted pass and its registrations', async () => {
        const old = await aStoredPass(repos, owner.template, 'SN-AGAIN');
        await repos.registrations.register(aRegistration('device-a', old.id));
        await deleteStored(old.id, ISSUED);

        const fresh = await repos.passes.add(aPass(owner.template, 'SN-AGAIN', {}, ISSUED));
        expect(fresh.id).not.toBe(old.id);
        expect((await repos.passes.findForWallet(owner.passType.id, 'SN-AGAIN'))!.id).toBe(fresh.id);
        expect((await repos.passes.findBySerialNumber(owner.passType.id, 'SN-AGAIN'))!.id).toBe(fresh.id);
        expect(await repos.registrations.find('device-a', old.id)).toBeNull();
        expect(await repos.registrations.listPassIdsForDevice('device-a')).toEqual([]);
      });

      it('still refuses the serial number of a live pass with SERIAL_NUMBER_TAKEN, inside a unit of work too', async () => {
        const live = await aStoredPass(repos, owner.template, 'SN-LIVE');
        await deleteStored((await aStoredPass(repos, owner.template, 'SN-GONE')).id, ISSUED);
        await expect(repos.passes.add(aPass(owner.template, 'SN-LIVE', {}, ISSUED))).rejects.toMatchObject({
          code: DomainErrorCode.SerialNumberTaken,
        });

        await repos.unitOfWork.atomically(async () => {
          await expect(repos.passes.add(aPass(owner.template, 'SN-LIVE', {}, ISSUED))).rejects.toMatchObject({
            code: DomainErrorCode.SerialNumberTaken,
          });
          await repos.passes.add(aPass(owner.template, 'SN-GONE', {}, ISSUED));
        });
        expect((await repos.passes.findBySerialNumber(owner.passType.id, 'SN-LIVE'))!.id).toBe(live.id);
        expect((await repos.passes.findForWallet(owner.passType.id, 'SN-GONE'))!.isDeleted()).toBe(false);
      });
    });

    describe('concurrent changes of one pass type', () => {
      postgresOnly('commits them in the order of their numbers: the second waits for the first to commit', async () => {
        const orm = harness.orm!;
        const first = await aStoredPass(repos, owner.template, 'SN-TX-A');
        const second = await aStoredPass(repos, owner.template, 'SN-TX-B');
        const before = (await changeStored((await aStoredPass(repos, owner.template, 'SN-TX-0')).id, ISSUED))
          .changeSequence;

        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let holding!: (taken: { changeSequence: number; backend: number }) => void;
        const held = new Promise<{ changeSequence: number; backend: number }>((resolve) => (holding = resolve));
        const transactionA = repos.unitOfWork.atomically(async () => {
          const saved = await changeStored(first.id, ISSUED);
          const [row] = await executeSql<Array<{ pid: number }>>(
            entityManagerFor(orm),
            'select pg_backend_pid() as pid',
            [],
            'all',
          );
          holding({ changeSequence: saved.changeSequence, backend: Number(row.pid) });
          await released;
        });
        const a = await held;
        expect(a.changeSequence).toBe(before + 1);

        let finishedB = false;
        const transactionB = repos.unitOfWork
          .atomically(async () => (await changeStored(second.id, ISSUED)).changeSequence)
          .finally(() => {
            finishedB = true;
          });

        // Until B is seen waiting for A's lock (or, wrongly, finishes without waiting).
        let waiting = false;
        while (!waiting && !finishedB) {
          const blocked = await orm.em
            .getConnection()
            .execute<Array<{ pid: number }>>('select pid from pg_stat_activity where ? = any(pg_blocking_pids(pid))', [
              a.backend,
            ]);
          waiting = blocked.length > 0;
          if (!waiting) await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(finishedB).toBe(false);
        expect(waiting).toBe(true);
        // A reader sees neither change while A holds the lock.
        expect((await repos.passes.findById(first.id))!.changeSequence).toBe(0);
        expect((await repos.passes.findById(second.id))!.changeSequence).toBe(0);

        release();
        await transactionA;
        const b = await transactionB;
        expect(b).toBeGreaterThan(a.changeSequence);
        expect((await repos.passes.findById(first.id))!.changeSequence).toBe(a.changeSequence);
        expect((await repos.passes.findById(second.id))!.changeSequence).toBe(b);
      });
    });

    it('removes a pass together with its device registrations, and nothing else', async () => {
      const pass = await aStoredPass(repos, owner.template, 'SN-GONE');
      const kept = await aStoredPass(repos, owner.template, 'SN-KEPT');
      await repos.registrations.register(aRegistration('device-a', pass.id));
      await repos.registrations.register(aRegistration('device-a', kept.id));

      await repos.passes.remove(pass);

      expect(await repos.passes.findById(pass.id)).toBeNull();
      expect(await repos.registrations.find('device-a', pass.id)).toBeNull();
      expect(await repos.registrations.listPassIdsForDevice('device-a')).toEqual([kept.id]);
      expect(await repos.passes.findById(kept.id)).not.toBeNull();
    });

    it("keeps the holder's personalization answers, key order included, null until given", async () => {
      const pass = await aStoredPass(repos, owner.template, 'SN-PERSONAL');
      expect((await repos.passes.findById(pass.id))!.personalization).toBeNull();

      const loaded = (await repos.passes.findById(pass.id))!;
      const answers = { fullName: 'Zoë Ångström-李', emailAddress: 'zoe@example.com', postalCode: '75001', ISOCountryCode: 'FR' };
      loaded.personalize(answers, new Date('2026-03-01T00:00:00.000Z'));
      await repos.passes.save(loaded);

      const reloaded = (await repos.passes.findById(pass.id))!;
      expect(snapshot(reloaded)).toStrictEqual(snapshot(loaded));
      expect(reloaded.personalization).toEqual(answers);
      expect(Object.keys(reloaded.personalization!)).toEqual(Object.keys(answers));
      expect(reloaded.version).toBe(pass.version + 1);
    });
  });
}
