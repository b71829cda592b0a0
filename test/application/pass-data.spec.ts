import { DeletePassData } from '../../src/application/delete-pass-data.use-case';
import { FindPassData } from '../../src/application/find-pass-data.use-case';
import { IssuePreparedPass } from '../../src/application/issue-prepared-pass.use-case';
import { PreparePassData } from '../../src/application/prepare-pass-data.use-case';
import { UpdatePass } from '../../src/application/update-pass.use-case';
import { CreateAccount } from '../../src/application/create-account.use-case';
import { DomainErrorCode } from '../../src/domain/errors';
import { useCaseFixture } from './use-case-fixture';

async function passDataFixture() {
  const f = await useCaseFixture();
  return {
    ...f,
    prepare: new PreparePassData(f.templates, f.passes, f.clock),
    issuePrepared: new IssuePreparedPass(f.passes, f.templates, f.clock),
    find: new FindPassData(f.passes, f.templates),
    deleteData: new DeletePassData(f.passes, f.templates, f.clock),
    update: new UpdatePass(f.passes, f.templates, f.passChanges, f.clock),
  };
}

describe('pass data use cases (Skycore addPassData, generatePassById, updatePass, deletePassData)', () => {
  it('stores data with a generated serial, issues it once, and gives the same pass when issued again', async () => {
    const f = await passDataFixture();
    const draft = await f.prepare.execute({
      accountId: f.account.id,
      templateId: f.template.id,
      content: { fields: { name: { value: 'Ada' } }, customPassId: 'ORDER-42' },
      recipient: { email: 'ada@example.org', phone: null, customId: null },
    });
    expect(draft.serialNumber).toMatch(/^[0-9A-F]{20}$/);
    expect(draft.isIssued()).toBe(false);
    expect(draft.passDataId).toMatch(/^[0-9a-f]{32}$/);

    f.clock.advance(10);
    const issued = await f.issuePrepared.execute(f.account.id, draft.passDataId);
    expect(issued.isIssued()).toBe(true);
    f.clock.advance(10);
    const again = await f.issuePrepared.execute(f.account.id, draft.passDataId);
    expect([again.serialNumber, again.webToken, again.issuedAt, again.version]).toEqual([
      issued.serialNumber,
      issued.webToken,
      issued.issuedAt,
      issued.version,
    ]);
  });

  it('updates data before and after issue', async () => {
    const f = await passDataFixture();
    const draft = await f.prepare.execute({ accountId: f.account.id, templateId: f.template.id, content: {}, recipient: null });
    const { pass } = await f.find.execute(f.account.id, draft.passDataId);
    await f.update.execute(f.account.id, pass.id, { fields: { name: { value: 'Grace' } } });
    await f.issuePrepared.execute(f.account.id, draft.passDataId);
    const updated = await f.update.execute(f.account.id, pass.id, { fields: { name: { value: 'Hopper' } } });
    expect(updated.fieldValues.name.value).toBe('Hopper');
  });

  it('deletes unissued data entirely, and only the handle of an issued pass', async () => {
    const f = await passDataFixture();
    const command = { accountId: f.account.id, templateId: f.template.id, content: {}, recipient: null };
    const unissued = await f.prepare.execute(command);
    await f.deleteData.execute(f.account.id, unissued.passDataId);
    expect(await f.passes.findById(unissued.id)).toBeNull();

    const issued = await f.prepare.execute(command);
    await f.issuePrepared.execute(f.account.id, issued.passDataId);
    await f.deleteData.execute(f.account.id, issued.passDataId);
    expect((await f.passes.findById(issued.id))!.isIssued()).toBe(true);
    for (const call of [
      () => f.find.execute(f.account.id, issued.passDataId),
      () => f.issuePrepared.execute(f.account.id, issued.passDataId),
      () => f.deleteData.execute(f.account.id, issued.passDataId),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: DomainErrorCode.PassNotFound });
    }
  });

  it("treats another account's pass data and template exactly like missing ones", async () => {
    const f = await passDataFixture();
    const draft = await f.prepare.execute({ accountId: f.account.id, templateId: f.template.id, content: {}, recipient: null });
    const { account: other } = await new CreateAccount(f.accounts, f.clock).execute('Other');
    await expect(f.find.execute(other.id, draft.passDataId)).rejects.toMatchObject({ code: DomainErrorCode.PassNotFound });
    await expect(f.issuePrepared.execute(other.id, draft.passDataId)).rejects.toMatchObject({
      code: DomainErrorCode.PassNotFound,
    });
    await expect(f.deleteData.execute(other.id, draft.passDataId)).rejects.toMatchObject({
      code: DomainErrorCode.PassNotFound,
    });
    await expect(
      f.prepare.execute({ accountId: other.id, templateId: f.template.id, content: {}, recipient: null }),
    ).rejects.toMatchObject({ code: DomainErrorCode.TemplateNotFound });
    expect(await f.passes.findById(draft.id)).not.toBeNull();
  });
});
