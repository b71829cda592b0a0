import { DomainError, DomainErrorCode } from './errors';

/**
 * Whom a pass's data is locked to (Skycore's EMAIL / PHONE / CUSTOMID on addPassData). Set once,
 * when the data is stored, and never changed afterwards.
 * @see ../../../shared/reference/skycore-xml-api.md §2
 */
export interface Recipient {
  email: string | null;
  /** International format, digits only, without `+` or `00` (Skycore's phone convention). */
  phone: string | null;
  customId: string | null;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const PHONE = /^[1-9]\d{6,14}$/;
const CUSTOM_ID = /^[A-Za-z0-9 ]{1,64}$/;

export function validateRecipient(recipient: Recipient | null, required: boolean): Recipient | null {
  const given = recipient && (recipient.email !== null || recipient.phone !== null || recipient.customId !== null);
  if (!given) {
    if (required) {
      throw new DomainError(
        DomainErrorCode.RecipientRequired,
        'The template gives each pass to one person: an email, a phone number or a custom identifier is required.',
      );
    }
    return null;
  }
  if (recipient.email !== null && (recipient.email.length > 254 || !EMAIL.test(recipient.email))) {
    throw new DomainError(DomainErrorCode.RecipientEmailInvalid, `"${recipient.email}" is not an email address.`);
  }
  if (recipient.phone !== null && !PHONE.test(recipient.phone)) {
    throw new DomainError(
      DomainErrorCode.RecipientPhoneInvalid,
      'A phone number is 7 to 15 digits in international format, without + or 00.',
    );
  }
  if (recipient.customId !== null && !CUSTOM_ID.test(recipient.customId)) {
    throw new DomainError(
      DomainErrorCode.RecipientIdInvalid,
      'A custom identifier has 1 to 64 letters, digits and spaces.',
    );
  }
  return { email: recipient.email, phone: recipient.phone, customId: recipient.customId };
}
