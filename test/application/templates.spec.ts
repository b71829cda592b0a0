import { CreateAccount } from '../../src/application/create-account.use-case';
import { CreateTemplate } from '../../src/application/create-template.use-case';
import { DeleteTemplate } from '../../src/application/delete-template.use-case';
import { UpdateTemplate } from '../../src/application/update-template.use-case';
import { DeviceRegistration } from '../../src/domain/device-registration';
import { DomainErrorCode } from '../../src/domain/errors';
import { aTemplateDefinition } from '../support/builders';
import { createThrowawayCerts } from '../support/throwaway-certs';
import { useCaseFixture } from './use-case-fixture';

describe('template use cases', () => {
  it('signs with the shared pass type until the account has its own default', async () => {
    const f = await useCaseFixture();
    expect(f.template.passTypeId).toBe(f.shared.id);
    const own = await createThrowawayCerts({ passTypeIdentifier: 'pass.com.acme.cards', teamIdentifier: 'ACME123456' });
    const passType = await f.importPassType.execute({ accountId: f.account.id, material: own.material });
    const second = await new CreateTemplate(f.templates, f.passTypes, f.clock).execute({
      accountId: f.account.id,
      passTypeId: null,
      definition: aTemplateDefinition({ title: 'Second' }),
    });
    expect(second.passTypeId).toBe(passType.id);
  });

  it("refuses a duplicate title and another account's pass type", async () => {
    const f = await useCaseFixture();
    const create = new CreateTemplate(f.templates, f.passTypes, f.clock);
    await expect(
      create.execute({ accountId: f.account.id, passTypeId: null, definition: aTemplateDefinition() }),
    ).rejects.toMatchObject({ code: DomainErrorCode.TemplateTitleTaken });
    const other = await new CreateAccount(f.accounts, f.clock).execute('Other');
    const own = await createThrowawayCerts({ passTypeIdentifier: 'pass.com.other.cards', teamIdentifier: 'OTHER12345' });
    const foreign = await f.importPassType.execute({ accountId: other.account.id, material: own.material });
    await expect(
      create.execute({ accountId: f.account.id, passTypeId: foreign.id, definition: aTemplateDefinition({ title: 'X' }) }),
    ).rejects.toMatchObject({ code: DomainErrorCode.PassTypeNotFound });
  });

  it('advances the version of every pass when the design changes, not on a rename', async () => {
    const f = await useCaseFixture();
    const first = await f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'A', content: {} });
    const update = new UpdateTemplate(f.templates, f.passTypes, f.passChanges, f.unitOfWork, f.clock);
    f.clock.advance(1000);
    expect((await update.execute({ accountId: f.account.id, templateId: f.template.id, changes: { title: 'Renamed' } })).passesChanged).toBe(0);
    const result = await update.execute({
      accountId: f.account.id,
      templateId: f.template.id,
      changes: { colors: { foreground: '#000000', background: null, label: null } },
    });
    expect(result.passesChanged).toBe(1);
    const after = (await f.passes.findById(first.id))!;
    expect(after.version).toBe(2);
    expect(after.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
    await expect(
      update.execute({ accountId: f.account.id, templateId: f.template.id, changes: { passTypeId: 999 } }),
    ).rejects.toMatchObject({ code: DomainErrorCode.TemplateInvalid });
  });

  it('changes no pass (and pushes no device) when the design sent is the one the template has', async () => {
    const f = await useCaseFixture();
    const pass = await f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'A', content: {} });
    await f.registrations.register(DeviceRegistration.create('device-1', pass.id, 'ab'.repeat(32), f.clock.now()));
    const update = new UpdateTemplate(f.templates, f.passTypes, f.passChanges, f.unitOfWork, f.clock);
    const template = (await f.templates.findById(f.template.id))!;
    const resent = { description: template.description, colors: template.colors, fields: template.fields, recipientRequired: true };

    expect((await update.execute({ accountId: f.account.id, templateId: f.template.id, changes: resent })).passesChanged).toBe(0);
    expect((await f.passes.findById(pass.id))!.version).toBe(1);
    expect(await f.pushJobs.countPending()).toBe(0);
    expect(f.pendingPushes.signals).toHaveLength(0);

    await update.execute({ accountId: f.account.id, templateId: f.template.id, changes: { description: 'New description' } });
    expect((await f.passes.findById(pass.id))!.version).toBe(2);
    expect(await f.pushJobs.countPending()).toBe(1);
    // Signalled once the unit of work has ended, with the push already queued.
    expect(await f.pendingPushes.pendingAtSignals()).toEqual([1]);
  });

  it("hides another account's template and deletes passes with their template", async () => {
    const f = await useCaseFixture();
    const other = await new CreateAccount(f.accounts, f.clock).execute('Other');
    const update = new UpdateTemplate(f.templates, f.passTypes, f.passChanges, f.unitOfWork, f.clock);
    await expect(
      update.execute({ accountId: other.account.id, templateId: f.template.id, changes: { description: 'Mine' } }),
    ).rejects.toMatchObject({ code: DomainErrorCode.TemplateNotFound });
    await expect(new DeleteTemplate(f.templates).execute(other.account.id, f.template.id)).rejects.toMatchObject({
      code: DomainErrorCode.TemplateNotFound,
    });
    const pass = await f.issuePass.execute({ accountId: f.account.id, templateId: f.template.id, serialNumber: 'A', content: {} });
    await new DeleteTemplate(f.templates).execute(f.account.id, f.template.id);
    expect(await f.templates.findById(f.template.id)).toBeNull();
    expect(await f.passes.findById(pass.id)).toBeNull();
  });
});
