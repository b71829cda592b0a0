import { DomainErrorCode } from '../../src/domain/errors';
import { emptyFields } from '../../src/domain/fields';
import { Pass } from '../../src/domain/pass';
import { PassTemplate } from '../../src/domain/pass-template';
import { readPersonalizationRequest, type PersonalizationOffer } from '../../src/domain/personalization';
import { aField, aPng, aTemplateDefinition, T0 } from '../support/builders';
import { AN_NFC, AN_OFFER, personalizableStoreCard } from '../support/personalization-fixtures';

const LATER = new Date('2026-01-02T00:00:00.000Z');

const aStoreCard = (overrides = {}) => PassTemplate.create(1, aTemplateDefinition(personalizableStoreCard(overrides)), T0);

const invalid = (code: string, field?: string) =>
  expect.objectContaining({ code, ...(field === undefined ? {} : { details: expect.objectContaining({ field }) }) });

describe('a template that offers personalization', () => {
  it('keeps the offer, nfc and the personalizationLogo images of a store card', () => {
    const template = aStoreCard();

    expect(template.personalization).toEqual(AN_OFFER);
    expect(template.nfc).toEqual(AN_NFC);
    expect(Object.keys(template.images).sort()).toEqual(['icon.png', 'personalizationLogo.png', 'personalizationLogo@2x.png']);
    expect(template.definition()).toEqual(expect.objectContaining({ personalization: AN_OFFER, nfc: AN_NFC }));
  });

  it('offers neither by default', () => {
    const template = PassTemplate.create(1, aTemplateDefinition(), T0);

    expect(template.personalization).toBeNull();
    expect(template.nfc).toBeNull();
  });

  it('takes nfc without personalization, on any style', () => {
    const template = PassTemplate.create(1, aTemplateDefinition({ nfc: { message: 'm', encryptionPublicKey: 'AAAA' } }), T0);

    expect(template.nfc).toEqual({ message: 'm', encryptionPublicKey: 'AAAA' });
  });

  it.each([
    ['another style than storeCard', { style: 'coupon' as const }, 'personalization'],
    ['no nfc', { nfc: null }, 'nfc'],
    ['no personalizationLogo', { images: { 'icon.png': aPng(1) } }, 'personalizationLogo'],
    ['only the 1x personalizationLogo', { images: { 'icon.png': aPng(1), 'personalizationLogo.png': aPng(2) } }, 'personalizationLogo'],
  ])('is refused with %s (TEMPLATE_INVALID)', (_case, overrides, field) => {
    expect(() => aStoreCard(overrides)).toThrow(invalid(DomainErrorCode.TemplateInvalid, field));
  });

  it.each<[string, unknown]>([
    ['no description', { ...AN_OFFER, description: ' ' }],
    ['no required field', { ...AN_OFFER, requiredPersonalizationFields: [] }],
    ['an unknown field', { ...AN_OFFER, requiredPersonalizationFields: ['PKPassPersonalizationFieldBirthday'] }],
    ['a field twice', { ...AN_OFFER, requiredPersonalizationFields: ['PKPassPersonalizationFieldName', 'PKPassPersonalizationFieldName'] }],
    ['empty terms', { ...AN_OFFER, termsAndConditions: '' }],
    ['terms that are not text', { ...AN_OFFER, termsAndConditions: 7 }],
    ['an offer that is not an object', 'yes'],
  ])('refuses an offer with %s', (_case, personalization) => {
    expect(() => aStoreCard({ personalization: personalization as PersonalizationOffer })).toThrow(invalid(DomainErrorCode.TemplateInvalid));
  });

  it.each<[string, unknown, string]>([
    ['an empty message', { ...AN_NFC, message: '' }, 'nfc.message'],
    ['a message over 64 bytes of UTF-8', { ...AN_NFC, message: 'é'.repeat(33) }, 'nfc.message'],
    ['a key that is not base64', { ...AN_NFC, encryptionPublicKey: 'not base64!' }, 'nfc.encryptionPublicKey'],
    ['an empty key', { ...AN_NFC, encryptionPublicKey: '' }, 'nfc.encryptionPublicKey'],
    ['a key with broken padding', { ...AN_NFC, encryptionPublicKey: 'AAA' }, 'nfc.encryptionPublicKey'],
    ['requiresAuthentication that is not a boolean', { ...AN_NFC, requiresAuthentication: 'yes' }, 'nfc.requiresAuthentication'],
  ])('refuses nfc with %s', (_case, nfc, field) => {
    expect(() => aStoreCard({ nfc: nfc as typeof AN_NFC })).toThrow(invalid(DomainErrorCode.TemplateInvalid, field));
  });

  it('takes a message of exactly 64 bytes', () => {
    expect(aStoreCard({ nfc: { ...AN_NFC, message: 'é'.repeat(32) } }).nfc!.message).toHaveLength(32);
  });

  it('refuses personalizationLogo images on a template without personalization (IMAGE_NOT_ALLOWED)', () => {
    expect(() => aStoreCard({ personalization: null })).toThrow(invalid(DomainErrorCode.ImageNotAllowed));
  });

  it('changes and removes the offer on update, validating the whole result', () => {
    const template = aStoreCard();

    template.update({ personalization: { ...AN_OFFER, requiredPersonalizationFields: ['PKPassPersonalizationFieldPhoneNumber'] } }, LATER);
    expect(template.personalization!.requiredPersonalizationFields).toEqual(['PKPassPersonalizationFieldPhoneNumber']);
    expect(() => template.update({ nfc: null }, LATER)).toThrow(invalid(DomainErrorCode.TemplateInvalid, 'nfc'));

    template.update({ personalization: null, images: { 'icon.png': aPng(1) } }, LATER);
    expect(template.personalization).toBeNull();
    expect(template.nfc).toEqual(AN_NFC);
  });
});

describe('a pass of a template that offers personalization', () => {
  const template = aStoreCard({
    fields: {
      ...emptyFields(),
      primary: [aField('fullName', { dynamic: true, value: 'Member' })],
      secondary: [aField('emailAddress', { dynamic: true }), aField('postalCode', { value: '00000' })],
      back: [aField('points', { dynamic: true, value: 0 })],
    },
  });
  template.id = 3;
  const values = (pass: Pass) =>
    Object.fromEntries(Object.values(pass.resolveFields(template)).flat().map((field) => [field.key, field.value]));

  it('offers enrollment until the holder enrolls', () => {
    const pass = Pass.issue(template, 'S1', {}, T0);
    expect(pass.offersPersonalization(template)).toBe(true);

    pass.personalize({ fullName: 'Ada Lovelace', emailAddress: 'ada@example.com' }, LATER);

    expect(pass.offersPersonalization(template)).toBe(false);
    expect(pass.version).toBe(2);
  });

  it('offers nothing while it shows as voided, nor when the template offers nothing', () => {
    const redeemed = Pass.issue(template, 'S2', {}, T0);
    redeemed.redeem(LATER);
    const plain = PassTemplate.create(1, aTemplateDefinition(), T0);

    expect(redeemed.offersPersonalization(template)).toBe(false);
    expect(Pass.issue(plain, 'S3', {}, T0).offersPersonalization(plain)).toBe(false);
  });

  it("shows the holder's answers in the fields named after them, over the pass's own values", () => {
    const pass = Pass.issue(template, 'S4', { fields: { fullName: { value: 'Given by the issuer' }, points: { value: 10 } } }, T0);
    expect(values(pass)).toEqual({ fullName: 'Given by the issuer', emailAddress: null, postalCode: '00000', points: 10 });

    pass.personalize({ fullName: 'Ada Lovelace', emailAddress: 'ada@example.com' }, LATER);

    // postalCode was not answered: the template's value stays.
    expect(values(pass)).toEqual({ fullName: 'Ada Lovelace', emailAddress: 'ada@example.com', postalCode: '00000', points: 10 });
  });

  it('refuses personalization of a voided pass with PASS_VOIDED', () => {
    const pass = Pass.issue(template, 'S5', {}, T0);
    pass.void(LATER);

    expect(() => pass.personalize({ fullName: 'Ada' }, LATER)).toThrow(invalid(DomainErrorCode.PassVoided));
  });
});

describe('readPersonalizationRequest', () => {
  const offer: PersonalizationOffer = {
    description: 'Join',
    requiredPersonalizationFields: [
      'PKPassPersonalizationFieldName',
      'PKPassPersonalizationFieldPostalCode',
      'PKPassPersonalizationFieldEmailAddress',
      'PKPassPersonalizationFieldPhoneNumber',
    ],
  };
  const complete = { fullName: 'Ada Lovelace', postalCode: 'W1', emailAddress: 'ada@example.com', phoneNumber: '+44 20 7946 0000' };

  it('keeps the token and the known answers in PersonalizationDictionary order, and drops the rest', () => {
    const request = readPersonalizationRequest(offer, {
      personalizationToken: 'token-1',
      requiredPersonalizationInfo: {
        phoneNumber: complete.phoneNumber,
        nickname: 'Ada',
        ISOCountryCode: 'GB',
        postalCode: complete.postalCode,
        givenName: '',
        emailAddress: complete.emailAddress,
        fullName: complete.fullName,
      },
      somethingNew: true,
    });

    expect(request.personalizationToken).toBe('token-1');
    expect(request.info).toEqual({ ...complete, ISOCountryCode: 'GB' });
    expect(Object.keys(request.info)).toEqual(['fullName', 'emailAddress', 'postalCode', 'ISOCountryCode', 'phoneNumber']);
  });

  it.each([
    ['only a given name', { givenName: 'Ada' }],
    ['only a family name', { familyName: 'Lovelace' }],
  ])('takes %s for the name', (_case, name) => {
    const { fullName: _fullName, ...rest } = complete;
    expect(readPersonalizationRequest(offer, { personalizationToken: 't', requiredPersonalizationInfo: { ...rest, ...name } }).info).toEqual({
      ...rest,
      ...name,
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['a body that is not an object', 'token', /JSON object/],
    ['no token', { requiredPersonalizationInfo: complete }, /personalizationToken/],
    ['an empty token', { personalizationToken: '', requiredPersonalizationInfo: complete }, /personalizationToken/],
    ['a token over 1024 characters', { personalizationToken: 'x'.repeat(1025), requiredPersonalizationInfo: complete }, /personalizationToken/],
    ['no info', { personalizationToken: 't' }, /requiredPersonalizationInfo is a JSON object/],
    ['an answer that is not text', { personalizationToken: 't', requiredPersonalizationInfo: { ...complete, postalCode: 12345 } }, /postalCode/],
    ['an answer over 256 characters', { personalizationToken: 't', requiredPersonalizationInfo: { ...complete, fullName: 'a'.repeat(257) } }, /fullName/],
    ['a control character', { personalizationToken: 't', requiredPersonalizationInfo: { ...complete, fullName: 'Ada\nLovelace' } }, /fullName/],
    ['no name', { personalizationToken: 't', requiredPersonalizationInfo: { ...complete, fullName: ' ' } }, /fullName or givenName or familyName/],
    ['no phone number', { personalizationToken: 't', requiredPersonalizationInfo: { ...complete, phoneNumber: undefined } }, /lacks .*phoneNumber/],
  ])('refuses %s with PERSONALIZATION_INVALID', (_case, body, message) => {
    expect(() => readPersonalizationRequest(offer, body)).toThrow(
      expect.objectContaining({ code: DomainErrorCode.PersonalizationInvalid, message: expect.stringMatching(message) }),
    );
  });
});
