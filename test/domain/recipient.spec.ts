import { DomainErrorCode } from '../../src/domain/errors';
import { validateRecipient } from '../../src/domain/recipient';

const none = { email: null, phone: null, customId: null };
const withCode = (code: string) => expect.objectContaining({ code });

describe('validateRecipient', () => {
  it('takes an email, an international phone number without + and a custom id of letters, digits and spaces', () => {
    const recipient = { email: 'ada.l+pass@example.org', phone: '17743199144', customId: 'Member 42' };
    expect(validateRecipient(recipient, true)).toEqual(recipient);
  });

  it.each([
    [{ ...none, email: 'not-an-address' }, DomainErrorCode.RecipientEmailInvalid],
    [{ ...none, email: 'a b@example.org' }, DomainErrorCode.RecipientEmailInvalid],
    [{ ...none, phone: '+17743199144' }, DomainErrorCode.RecipientPhoneInvalid],
    [{ ...none, phone: '0017743199144' }, DomainErrorCode.RecipientPhoneInvalid],
    [{ ...none, phone: '12345' }, DomainErrorCode.RecipientPhoneInvalid],
    [{ ...none, customId: 'id-with-dash' }, DomainErrorCode.RecipientIdInvalid],
    [{ ...none, customId: 'x'.repeat(65) }, DomainErrorCode.RecipientIdInvalid],
  ])('refuses %j', (recipient, code) => {
    expect(() => validateRecipient(recipient, false)).toThrow(withCode(code));
  });

  it('is optional unless required', () => {
    expect(validateRecipient(null, false)).toBeNull();
    expect(validateRecipient(none, false)).toBeNull();
    expect(() => validateRecipient(none, true)).toThrow(withCode(DomainErrorCode.RecipientRequired));
  });
});
