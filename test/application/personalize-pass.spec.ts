import { CreateTemplate } from '../../src/application/create-template.use-case';
import { PersonalizePass } from '../../src/application/personalize-pass.use-case';
import { DomainErrorCode } from '../../src/domain/errors';
import { emptyFields } from '../../src/domain/fields';
import type { Pass } from '../../src/domain/pass';
import type { PassTemplate } from '../../src/domain/pass-template';
import { InMemoryPersonalizationTokenSigner } from '../fakes/in-memory-personalization-token.signer';
import { aField, aRegistration, aTemplateDefinition } from '../support/builders';
import { personalizableStoreCard } from '../support/personalization-fixtures';
import { useCaseFixture } from './use-case-fixture';

const ANSWERS = { fullName: 'Ada Lovelace', emailAddress: 'ada@example.com' };

async function personalizationFixture() {
  const f = await useCaseFixture();
  const createTemplate = new CreateTemplate(f.templates, f.passTypes, f.clock);
  const storeCard = await createTemplate.execute({
    accountId: f.account.id,
    passTypeId: null,
    definition: aTemplateDefinition(
      personalizableStoreCard({ title: 'Rewards', fields: { ...emptyFields(), primary: [aField('fullName', { dynamic: true })] } }),
    ),
  });
  const issue = (template: PassTemplate, serialNumber: string) =>
    f.issuePass.execute({ accountId: f.account.id, templateId: template.id, serialNumber, content: {} });
  const pass = await issue(storeCard, 'CARD-1');
  const personalize = new PersonalizePass(f.passTypes, f.passes, f.templates, f.passChanges, f.personalizationTokenSigner, f.clock);
  const command = (target: Pass, body: unknown, authenticationToken: string | null = target.authenticationToken) => ({
    passTypeIdentifier: f.shared.passTypeIdentifier,
    serialNumber: target.serialNumber,
    authenticationToken,
    body,
  });
  const stored = async (target: Pass) => (await f.passes.findById(target.id))!;
  return { ...f, storeCard, pass, issue, personalize, command, stored };
}

describe('PersonalizePass', () => {
  it("stores the holder's answers as a new version, queues its pushes, and returns the token's signature", async () => {
    const f = await personalizationFixture();
    await f.registrations.register(aRegistration('device-1', f.pass.id));
    f.clock.advance(5_000);

    const signature = await f.personalize.execute(
      f.command(f.pass, { personalizationToken: 'token-1', requiredPersonalizationInfo: { ...ANSWERS, nickname: 'Ada' } }),
    );

    expect(signature).toEqual(InMemoryPersonalizationTokenSigner.signatureOf(f.shared, 'token-1'));
    const stored = await f.stored(f.pass);
    expect(stored.personalization).toEqual(ANSWERS);
    expect(stored.version).toBe(f.pass.version + 1);
    expect(stored.offersPersonalization(f.storeCard)).toBe(false);
    expect(stored.resolveFields(f.storeCard).primary[0].value).toBe('Ada Lovelace');
    expect([...f.pushJobs.rows.values()]).toEqual([expect.objectContaining({ deviceLibraryIdentifier: 'device-1', state: 'waiting' })]);
  });

  it('signs again without a new version when the same answers come again (a retry)', async () => {
    const f = await personalizationFixture();
    const body = { personalizationToken: 'token-1', requiredPersonalizationInfo: ANSWERS };
    await f.personalize.execute(f.command(f.pass, body));
    const version = (await f.stored(f.pass)).version;

    const again = await f.personalize.execute(f.command(f.pass, { ...body, personalizationToken: 'token-2' }));

    expect(again).toEqual(InMemoryPersonalizationTokenSigner.signatureOf(f.shared, 'token-2'));
    expect((await f.stored(f.pass)).version).toBe(version);
    expect(f.personalizationTokenSigner.signed.map((signed) => signed.personalizationToken)).toEqual(['token-1', 'token-2']);
  });

  it.each([
    ['another pass’s token', (f: { pass: Pass }) => `${f.pass.authenticationToken}x`],
    ['no Authorization header', () => null],
  ])('refuses %s with PASS_NOT_AUTHORIZED, before reading the body', async (_case, token) => {
    const f = await personalizationFixture();

    await expect(f.personalize.execute(f.command(f.pass, 'not even an object', token(f)))).rejects.toMatchObject({
      code: DomainErrorCode.PassNotAuthorized,
    });
    expect(f.personalizationTokenSigner.signed).toEqual([]);
  });

  it('refuses an unknown serial number or pass type with PASS_NOT_AUTHORIZED', async () => {
    const f = await personalizationFixture();
    const body = { personalizationToken: 't', requiredPersonalizationInfo: ANSWERS };

    await expect(f.personalize.execute({ ...f.command(f.pass, body), serialNumber: 'NOPE' })).rejects.toMatchObject({
      code: DomainErrorCode.PassNotAuthorized,
    });
    await expect(f.personalize.execute({ ...f.command(f.pass, body), passTypeIdentifier: 'pass.com.example.other' })).rejects.toMatchObject({
      code: DomainErrorCode.PassNotAuthorized,
    });
  });

  it('refuses a pass whose template offers no personalization with PERSONALIZATION_NOT_OFFERED', async () => {
    const f = await personalizationFixture();
    const plain = await f.issue(f.template, 'PLAIN-1');

    await expect(
      f.personalize.execute(f.command(plain, { personalizationToken: 't', requiredPersonalizationInfo: ANSWERS })),
    ).rejects.toMatchObject({ code: DomainErrorCode.PersonalizationNotOffered });
    expect((await f.stored(plain)).version).toBe(plain.version);
  });

  it.each<[string, unknown]>([
    ['a body that is not an object', null],
    ['no token', { requiredPersonalizationInfo: ANSWERS }],
    ['no answers', { personalizationToken: 't' }],
    ['an answers object without the email address the template asks for', { personalizationToken: 't', requiredPersonalizationInfo: { fullName: 'Ada' } }],
    ['an answer with a control character', { personalizationToken: 't', requiredPersonalizationInfo: { ...ANSWERS, fullName: 'A\u0000da' } }],
  ])('refuses %s with PERSONALIZATION_INVALID and changes nothing', async (_case, body) => {
    const f = await personalizationFixture();

    await expect(f.personalize.execute(f.command(f.pass, body))).rejects.toMatchObject({ code: DomainErrorCode.PersonalizationInvalid });
    const stored = await f.stored(f.pass);
    expect(stored.personalization).toBeNull();
    expect(stored.version).toBe(f.pass.version);
    expect(f.personalizationTokenSigner.signed).toEqual([]);
  });

  it.each([
    ['voided', (pass: Pass, now: Date) => pass.void(now)],
    ['deleted', (pass: Pass, now: Date) => pass.delete(now)],
  ])('refuses a %s pass with PASS_VOIDED', async (_case, change) => {
    const f = await personalizationFixture();
    const loaded = await f.stored(f.pass);
    change(loaded, f.clock.now());
    await f.passChanges.save(loaded);

    await expect(
      f.personalize.execute(f.command(f.pass, { personalizationToken: 't', requiredPersonalizationInfo: ANSWERS })),
    ).rejects.toMatchObject({ code: DomainErrorCode.PassVoided });
    expect(f.personalizationTokenSigner.signed).toEqual([]);
  });

  it('applies the answers again when another change was saved in between, keeping both', async () => {
    const f = await personalizationFixture();
    const findForWallet = f.passes.findForWallet.bind(f.passes);
    let interfered = false;
    jest.spyOn(f.passes, 'findForWallet').mockImplementation(async (passTypeId, serialNumber) => {
      const loaded = await findForWallet(passTypeId, serialNumber);
      if (!interfered && loaded) {
        interfered = true;
        const other = (await f.passes.findById(loaded.id))!;
        other.redeem(f.clock.now());
        await f.passChanges.save(other);
      }
      return loaded;
    });

    await f.personalize.execute(f.command(f.pass, { personalizationToken: 't', requiredPersonalizationInfo: ANSWERS }));

    const stored = await f.stored(f.pass);
    expect(stored.redeemed).toBe(true);
    expect(stored.personalization).toEqual(ANSWERS);
    expect(stored.version).toBe(f.pass.version + 2);
  });
});
