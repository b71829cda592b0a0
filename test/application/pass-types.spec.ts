import { RegisterConfiguredPassType } from '../../src/application/register-configured-pass-type.use-case';
import { CreateAccount } from '../../src/application/create-account.use-case';
import { CreateTemplate } from '../../src/application/create-template.use-case';
import { aTemplateDefinition } from '../support/builders';
import { DomainErrorCode } from '../../src/domain/errors';
import { createThrowawayCerts, TEST_PASS_TYPE_IDENTIFIER, TEST_TEAM_IDENTIFIER } from '../support/throwaway-certs';
import { useCaseFixture } from './use-case-fixture';

describe('RegisterConfiguredPassType and ImportPassType', () => {
  it('registers the CERTS_DIR material once as the shared pass type, reading identifiers from the certificate', async () => {
    const { shared, passTypes, certificates, clock, certs } = await useCaseFixture();
    expect(shared).toMatchObject({
      accountId: null,
      passTypeIdentifier: TEST_PASS_TYPE_IDENTIFIER,
      teamIdentifier: TEST_TEAM_IDENTIFIER,
      development: true,
    });
    const again = await new RegisterConfiguredPassType(passTypes, certificates, clock).execute(certs.material);
    expect(again.id).toBe(shared.id);
    const renewed = await new RegisterConfiguredPassType(passTypes, certificates, clock).execute(
      certs.encryptedPkcs8Material,
    );
    expect(renewed.id).toBe(shared.id);
    expect((await passTypes.findById(shared.id))!.privateKeyPassphrase).toBe(certs.encryptedPkcs8Material.privateKeyPassphrase);
  });

  it('makes the material now in CERTS_DIR the shared default when it replaces earlier material', async () => {
    const { passTypes, certificates, clock, shared, templates, account } = await useCaseFixture();
    const apple = await createThrowawayCerts({ passTypeIdentifier: 'pass.com.example.real', teamIdentifier: 'REAL123456' });
    const replacing = await new RegisterConfiguredPassType(passTypes, certificates, clock).execute(apple.material);
    expect(replacing.id).not.toBe(shared.id);
    expect((await passTypes.findById(shared.id))!.isDefault).toBe(false);
    const template = await new CreateTemplate(templates, passTypes, clock).execute({
      accountId: account.id,
      passTypeId: null,
      definition: aTemplateDefinition({ title: 'After the switch' }),
    });
    expect(template.passTypeId).toBe(replacing.id);
  });

  it('imports an account pass type that becomes its default', async () => {
    const { importPassType, account, passTypes } = await useCaseFixture();
    const own = await createThrowawayCerts({ passTypeIdentifier: 'pass.com.acme.members', teamIdentifier: 'ACME123456' });
    const passType = await importPassType.execute({ accountId: account.id, material: own.material });
    expect(passType).toMatchObject({
      accountId: account.id,
      passTypeIdentifier: 'pass.com.acme.members',
      teamIdentifier: 'ACME123456',
      isDefault: true,
    });
    expect((await passTypes.listUsableBy(account.id)).map((usable) => usable.passTypeIdentifier)).toContain(
      'pass.com.acme.members',
    );
  });

  it('refuses mismatched material, a taken identifier and unknown accounts', async () => {
    const { importPassType, account, certs, accounts, clock } = await useCaseFixture();
    await expect(
      importPassType.execute({
        accountId: account.id,
        material: { ...certs.material, wwdrCertificatePem: certs.otherCa.certificatePem },
      }),
    ).rejects.toMatchObject({ code: DomainErrorCode.SigningMaterialInvalid });
    const other = await new CreateAccount(accounts, clock).execute('Other');
    const own = await createThrowawayCerts({ passTypeIdentifier: 'pass.com.acme.tickets', teamIdentifier: 'ACME123456' });
    await importPassType.execute({ accountId: account.id, material: own.material });
    await expect(importPassType.execute({ accountId: other.account.id, material: own.material })).rejects.toMatchObject({
      code: DomainErrorCode.PassTypeAlreadyExists,
    });
    await expect(
      importPassType.execute({ accountId: account.id, material: own.material, passTypeIdentifier: 'pass.com.victim.other' }),
    ).rejects.toMatchObject({ code: DomainErrorCode.SigningMaterialInvalid });
    await expect(importPassType.execute({ accountId: 4242, material: own.material })).rejects.toMatchObject({
      code: DomainErrorCode.AccountNotFound,
    });
  });
});
