import { BuildPassPackage } from '../../src/application/build-pass-package.use-case';
import { CreateAccount } from '../../src/application/create-account.use-case';
import { FindPassBySerialNumber } from '../../src/application/find-pass-by-serial-number.use-case';
import { FindPassesByBarcode } from '../../src/application/find-passes-by-barcode.use-case';
import { GetPass } from '../../src/application/get-pass.use-case';
import { IssueOrUpdatePass } from '../../src/application/issue-or-update-pass.use-case';
import { ListTemplatePasses } from '../../src/application/list-template-passes.use-case';
import { OpenPublicPass } from '../../src/application/open-public-pass.use-case';
import { PreparePassData } from '../../src/application/prepare-pass-data.use-case';
import { CreateTemplate } from '../../src/application/create-template.use-case';
import { DomainErrorCode } from '../../src/domain/errors';
import { InMemoryPassPackager } from '../fakes/in-memory-pass.packager';
import { aTemplateDefinition } from '../support/builders';
import { passJsonOf, unzipPkpass } from '../support/pkpass';
import { useCaseFixture } from './use-case-fixture';

describe('IssueOrUpdatePass (Passdock create: "201 Created OR 200 OK")', () => {
  it('creates a new serial and updates the pass that already has it, never a duplicate', async () => {
    const f = await useCaseFixture();
    const upsert = new IssueOrUpdatePass(f.templates, f.passes, f.passChanges, f.clock);
    const command = { accountId: f.account.id, templateId: f.template.id, serialNumber: '1234567' };
    const first = await upsert.execute({ ...command, content: { fields: { name: { value: 'Ada' } } } });
    expect(first.created).toBe(true);
    const second = await upsert.execute({ ...command, content: { fields: { name: { value: 'Grace' } } }, redeemed: true });
    expect(second.created).toBe(false);
    expect(second.pass.id).toBe(first.pass.id);
    expect(second.pass.redeemed).toBe(true);
    expect(second.pass.version).toBeGreaterThan(first.pass.version);
    const stored = await new ListTemplatePasses(f.templates, f.passes).execute(f.account.id, f.template.id, { offset: 0, limit: 10 });
    expect(stored.passes.map((pass) => pass.fieldValues.name.value)).toEqual(['Grace']);
  });

  it('refuses a missing serial number before looking anything up', async () => {
    const f = await useCaseFixture();
    const upsert = new IssueOrUpdatePass(f.templates, f.passes, f.passChanges, f.clock);
    await upsert.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'undefined', content: {} });
    for (const serialNumber of [undefined, null, ' ']) {
      await expect(
        upsert.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: serialNumber as never, content: {} }),
      ).rejects.toMatchObject({ code: DomainErrorCode.SerialNumberMissing });
    }
  });

  it('refuses a serial that another template of the same pass type holds', async () => {
    const f = await useCaseFixture();
    const other = await new CreateTemplate(f.templates, f.passTypes, f.clock).execute({
      accountId: f.account.id,
      passTypeId: null,
      definition: aTemplateDefinition({ title: 'Other' }),
    });
    const upsert = new IssueOrUpdatePass(f.templates, f.passes, f.passChanges, f.clock);
    await upsert.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'S', content: {} });
    await expect(
      upsert.execute({ accountId: f.account.id, templateId: other.id, serialNumber: 'S', content: {} }),
    ).rejects.toMatchObject({ code: DomainErrorCode.SerialNumberTaken });
  });

  it('ends with one pass when two creates of one new serial race', async () => {
    const f = await useCaseFixture();
    const upsert = new IssueOrUpdatePass(f.templates, f.passes, f.passChanges, f.clock);
    const command = { accountId: f.account.id, templateId: f.template.id, serialNumber: 'RACE', content: {} };
    const results = await Promise.all([upsert.execute(command), upsert.execute(command)]);
    expect(results.map((result) => result.created).sort()).toEqual([false, true]);
    expect(f.passes.rows.size).toBe(1);
  });
});

describe('pass queries', () => {
  async function withPasses() {
    const f = await useCaseFixture();
    const upsert = new IssueOrUpdatePass(f.templates, f.passes, f.passChanges, f.clock);
    const issue = (serialNumber: string, barcodeMessage: string) =>
      upsert.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber, content: { barcodeMessage } });
    const a = (await issue('A', 'CODE 1')).pass;
    const b = (await issue('B', 'CODE 2')).pass;
    const draft = await new PreparePassData(f.templates, f.passes, f.clock).execute({
      accountId: f.account.id,
      templateId: f.template.id,
      content: { barcodeMessage: 'CODE 1' },
      recipient: null,
    });
    const { account: other } = await new CreateAccount(f.accounts, f.clock).execute('Other');
    return { f, a, b, draft, other };
  }

  it('gets an issued pass of the account, and of the named template only', async () => {
    const { f, a, draft, other } = await withPasses();
    const get = new GetPass(f.passes, f.templates);
    expect((await get.execute(f.account.id, a.id, f.template.id)).pass.serialNumber).toBe('A');
    for (const call of [
      () => get.execute(f.account.id, a.id, f.template.id + 1),
      () => get.execute(f.account.id, draft.id),
      () => get.execute(other.id, a.id),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: DomainErrorCode.PassNotFound });
    }
  });

  it('finds by serial number within a template and by barcode message within the account', async () => {
    const { f, a, draft, other } = await withPasses();
    const bySerial = new FindPassBySerialNumber(f.templates, f.passes);
    expect((await bySerial.execute(f.account.id, f.template.id, 'A')).pass?.id).toBe(a.id);
    expect((await bySerial.execute(f.account.id, f.template.id, 'Z')).pass).toBeNull();
    expect((await bySerial.execute(f.account.id, f.template.id, draft.serialNumber)).pass).toBeNull();
    await expect(bySerial.execute(other.id, f.template.id, 'A')).rejects.toMatchObject({
      code: DomainErrorCode.TemplateNotFound,
    });

    const byCode = new FindPassesByBarcode(f.passes, f.templates);
    expect((await byCode.execute(f.account.id, 'CODE 1', 10)).map(({ pass }) => pass.id)).toEqual([a.id]);
    expect(await byCode.execute(other.id, 'CODE 1', 10)).toEqual([]);
  });

  it('opens public links with the right token of an issued pass only, and packages issued passes only', async () => {
    const { f, a, draft } = await withPasses();
    const open = new OpenPublicPass(f.passes, f.templates);
    expect((await open.execute(a.id, a.webToken)).pass.id).toBe(a.id);
    for (const [id, token] of [
      [a.id, draft.webToken],
      [a.id, a.webToken.toUpperCase()],
      [draft.id, draft.webToken],
      [999, a.webToken],
    ] as const) {
      await expect(open.execute(id, token)).rejects.toMatchObject({ code: DomainErrorCode.PassNotFound });
    }
    const packager = new InMemoryPassPackager('https://passes.test/wallet');
    const build = new BuildPassPackage(f.passes, f.templates, f.passTypes, packager);
    await expect(build.execute(f.account.id, draft.id)).rejects.toMatchObject({ code: DomainErrorCode.PassNotFound });
    expect(packager.built).toEqual([]);
    expect(passJsonOf(unzipPkpass((await build.execute(f.account.id, a.id)).bytes)).serialNumber).toBe('A');
  });
});
