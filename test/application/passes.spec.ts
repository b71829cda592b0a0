import { BuildPassPackage } from '../../src/application/build-pass-package.use-case';
import { CreateAccount } from '../../src/application/create-account.use-case';
import { DeletePass } from '../../src/application/delete-pass.use-case';
import { RedeemPass } from '../../src/application/redeem-pass.use-case';
import { UpdatePass } from '../../src/application/update-pass.use-case';
import { VoidPass } from '../../src/application/void-pass.use-case';
import { DomainErrorCode } from '../../src/domain/errors';
import { InMemoryPassPackager } from '../fakes/in-memory-pass.packager';
import { aRegistration } from '../support/builders';
import { passJsonOf, unzipPkpass } from '../support/pkpass';
import { useCaseFixture } from './use-case-fixture';

describe('pass use cases', () => {
  it('issues a pass and refuses a second one with the same serial', async () => {
    const f = await useCaseFixture();
    const pass = await f.issuePass.execute({
      accountId: f.account.id,
      templateId: f.template.id,
      serialNumber: '1234567',
      content: { fields: { name: { value: 'Ada' } } },
    });
    expect(pass.passTypeId).toBe(f.shared.id);
    await expect(
      f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: '1234567', content: {} }),
    ).rejects.toMatchObject({ code: DomainErrorCode.SerialNumberTaken });
    await expect(
      f.issuePass.execute({ accountId: f.account.id, templateId: 999, serialNumber: '1', content: {} }),
    ).rejects.toMatchObject({ code: DomainErrorCode.TemplateNotFound });
  });

  it('updates, redeems, voids and deletes, each change advancing the version', async () => {
    const f = await useCaseFixture();
    const issued = await f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'S', content: {} });
    const updated = await new UpdatePass(f.passes, f.templates, f.passChanges, f.clock).execute(f.account.id, issued.id, {
      fields: { name: { value: 'Grace' } },
    });
    expect(updated.version).toBe(2);
    expect((await f.passes.findById(issued.id))!.fieldValues.name.value).toBe('Grace');
    await expect(
      new UpdatePass(f.passes, f.templates, f.passChanges, f.clock).execute(f.account.id, issued.id, { fields: { nope: { value: '1' } } }),
    ).rejects.toMatchObject({ code: DomainErrorCode.FieldNotFound });

    const redeem = new RedeemPass(f.passes, f.templates, f.passChanges, f.clock);
    expect((await redeem.execute(f.account.id, issued.id, true)).redeemed).toBe(true);
    expect((await f.passes.findById(issued.id))!.version).toBe(3);
    expect((await redeem.execute(f.account.id, issued.id, false)).redeemedAt).toBeNull();

    const voided = await new VoidPass(f.passes, f.templates, f.passChanges, f.clock).execute(f.account.id, issued.id);
    expect(voided.voided).toBe(true);
    await expect(redeem.execute(f.account.id, issued.id, true)).rejects.toMatchObject({ code: DomainErrorCode.PassVoided });

    await f.registrations.register(aRegistration('device-1', issued.id));
    await new DeletePass(f.passes, f.templates, f.passChanges, f.clock).execute(f.account.id, issued.id);
    expect(await f.passes.findById(issued.id)).toBeNull();
    // Gone for the account; the device that installed it still gets a last, void version, and a push.
    const tombstone = (await f.passes.findForWallet(issued.passTypeId, issued.serialNumber))!;
    expect(tombstone.isDeleted()).toBe(true);
    expect(tombstone.showsAsVoided).toBe(true);
    expect(await f.registrations.listForPass(issued.id)).toHaveLength(1);
    expect([...f.pushJobs.rows.values()]).toEqual([
      expect.objectContaining({ deviceLibraryIdentifier: 'device-1', passTypeId: issued.passTypeId, state: 'waiting' }),
    ]);
    // Only the change that queued a push (the device registered before the delete) signalled it.
    expect(await f.pendingPushes.pendingAtSignals()).toEqual([1]);
  });

  it('keeps both of two concurrent changes, each under its own version', async () => {
    const f = await useCaseFixture();
    const pass = await f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'S', content: {} });
    const [updated, redeemed] = await Promise.all([
      new UpdatePass(f.passes, f.templates, f.passChanges, f.clock).execute(f.account.id, pass.id, { fields: { name: { value: 'Grace' } } }),
      new RedeemPass(f.passes, f.templates, f.passChanges, f.clock).execute(f.account.id, pass.id, true),
    ]);
    const stored = (await f.passes.findById(pass.id))!;
    expect(stored.fieldValues.name.value).toBe('Grace');
    expect(stored.redeemed).toBe(true);
    expect(stored.version).toBe(3);
    expect(new Set([updated.version, redeemed.version])).toEqual(new Set([2, 3]));
  });

  it("treats another account's pass as missing", async () => {
    const f = await useCaseFixture();
    const pass = await f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'S', content: {} });
    const other = await new CreateAccount(f.accounts, f.clock).execute('Other');
    for (const attempt of [
      () => new UpdatePass(f.passes, f.templates, f.passChanges, f.clock).execute(other.account.id, pass.id, {}),
      () => new RedeemPass(f.passes, f.templates, f.passChanges, f.clock).execute(other.account.id, pass.id, true),
      () => new VoidPass(f.passes, f.templates, f.passChanges, f.clock).execute(other.account.id, pass.id),
      () => new DeletePass(f.passes, f.templates, f.passChanges, f.clock).execute(other.account.id, pass.id),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: DomainErrorCode.PassNotFound });
    }
    expect((await f.passes.findById(pass.id))!.version).toBe(1);
  });

  it('builds the package of a pass from the pass, its template and its pass type', async () => {
    const f = await useCaseFixture();
    const pass = await f.issuePass.execute({
      accountId: f.account.id,
      templateId: f.template.id,
      serialNumber: 'PKG-1',
      content: { fields: { name: { value: 'Ada' } } },
    });
    const packager = new InMemoryPassPackager('https://passes.test/wallet');
    const built = await new BuildPassPackage(f.passes, f.templates, f.passTypes, packager).execute(f.account.id, pass.id);
    expect(built.pass.id).toBe(pass.id);
    expect(passJsonOf(unzipPkpass(built.bytes))).toMatchObject({
      passTypeIdentifier: f.shared.passTypeIdentifier,
      serialNumber: 'PKG-1',
      authenticationToken: pass.authenticationToken,
      webServiceURL: 'https://passes.test/wallet',
      generic: { primaryFields: [expect.objectContaining({ key: 'name', value: 'Ada' })] },
    });
  });
});
