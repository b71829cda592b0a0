import { DomainError, DomainErrorCode } from './errors';
import type { ImageSet } from './images';
import type { PassStyle } from './pass-style';

/**
 * What Wallet's enrollment sheet asks the holder for, as named in `personalization.json`.
 * @see https://developer.apple.com/documentation/walletpasses/personalize
 */
export const PERSONALIZATION_FIELDS = [
  'PKPassPersonalizationFieldName',
  'PKPassPersonalizationFieldPostalCode',
  'PKPassPersonalizationFieldEmailAddress',
  'PKPassPersonalizationFieldPhoneNumber',
] as const;
export type PersonalizationField = (typeof PERSONALIZATION_FIELDS)[number];

/**
 * A template's offer of rewards enrollment: the content of the `personalization.json` its passes
 * carry until the holder enrolls.
 * @see https://developer.apple.com/documentation/walletpasses/personalize
 */
export interface PersonalizationOffer {
  description: string;
  /** Non-empty, no duplicates. */
  requiredPersonalizationFields: PersonalizationField[];
  termsAndConditions?: string;
}

/**
 * The `nfc` dictionary of pass.json: what the pass hands an NFC terminal (Apple's Value Added
 * Services protocol). Wallet honours it only for pass type IDs under Apple's NFC certificate agreement.
 * @see https://developer.apple.com/documentation/walletpasses/pass/nfc-data.dictionary
 */
export interface NfcPayload {
  /** At most 64 bytes of UTF-8. */
  message: string;
  /** Base64 of an X.509 SubjectPublicKeyInfo (Apple: an ECDH P-256 key). */
  encryptionPublicKey: string;
  requiresAuthentication?: boolean;
}

/**
 * The keys of Apple's PersonalizationDictionary `requiredPersonalizationInfo`, in the order
 * passgate stores them.
 * @see https://developer.apple.com/documentation/walletpasses/personalizationdictionary
 */
export const PERSONALIZATION_INFO_NAMES = [
  'fullName',
  'givenName',
  'familyName',
  'emailAddress',
  'postalCode',
  'ISOCountryCode',
  'phoneNumber',
] as const;
export type PersonalizationInfoName = (typeof PERSONALIZATION_INFO_NAMES)[number];

/** Which answers satisfy each requested field; any one of them, not empty, does. */
const ANSWERS_OF: Record<PersonalizationField, readonly PersonalizationInfoName[]> = {
  // Wallet's name entry may come back as a full name or split into given and family names;
  // a holder with a single name has only one of the two.
  PKPassPersonalizationFieldName: ['fullName', 'givenName', 'familyName'],
  PKPassPersonalizationFieldPostalCode: ['postalCode'],
  PKPassPersonalizationFieldEmailAddress: ['emailAddress'],
  PKPassPersonalizationFieldPhoneNumber: ['phoneNumber'],
};

const MAX_DESCRIPTION_LENGTH = 500;
const MAX_TERMS_LENGTH = 10_000;
const MAX_NFC_MESSAGE_BYTES = 64;
const MAX_PUBLIC_KEY_LENGTH = 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_TOKEN_LENGTH = 1024;
const MAX_ANSWER_LENGTH = 256;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function templateInvalid(message: string, field: string): DomainError {
  return new DomainError(DomainErrorCode.TemplateInvalid, message, { field });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validateNfc(nfc: NfcPayload | null): NfcPayload | null {
  if (nfc === null) return null;
  if (!isRecord(nfc)) throw templateInvalid('nfc is an object {message, encryptionPublicKey, requiresAuthentication}.', 'nfc');
  const { message, encryptionPublicKey, requiresAuthentication } = nfc;
  if (typeof message !== 'string' || message === '' || new TextEncoder().encode(message).length > MAX_NFC_MESSAGE_BYTES) {
    throw templateInvalid(`nfc.message is a text of 1 to ${MAX_NFC_MESSAGE_BYTES} bytes in UTF-8.`, 'nfc.message');
  }
  if (
    typeof encryptionPublicKey !== 'string' ||
    encryptionPublicKey === '' ||
    encryptionPublicKey.length > MAX_PUBLIC_KEY_LENGTH ||
    !BASE64.test(encryptionPublicKey)
  ) {
    throw templateInvalid(
      'nfc.encryptionPublicKey is the base64 of an X.509 SubjectPublicKeyInfo (Apple asks for an ECDH P-256 public key).',
      'nfc.encryptionPublicKey',
    );
  }
  if (requiresAuthentication !== undefined && typeof requiresAuthentication !== 'boolean') {
    throw templateInvalid('nfc.requiresAuthentication is true or false.', 'nfc.requiresAuthentication');
  }
  return { message, encryptionPublicKey, ...(requiresAuthentication === undefined ? {} : { requiresAuthentication }) };
}

/**
 * Checks a template's personalization offer against Apple's preconditions for rewards enrollment:
 * a store card, with `nfc`, and a personalizationLogo image. Apple names the logo
 * `personalizationLogo@XX.png` (150 × 40 points), and passkit-generator drops personalization
 * from a package without a @2x or @3x one, so one of those is required.
 * @see https://developer.apple.com/library/archive/documentation/UserExperience/Conceptual/PassKit_PG/PassPersonalization.html
 */
export function validatePersonalizationOffer(
  offer: PersonalizationOffer | null,
  template: { style: PassStyle; nfc: NfcPayload | null; images: ImageSet },
): PersonalizationOffer | null {
  if (offer === null) return null;
  if (!isRecord(offer)) {
    throw templateInvalid(
      'personalization is an object {description, requiredPersonalizationFields, termsAndConditions}.',
      'personalization',
    );
  }
  const { description, requiredPersonalizationFields: fields, termsAndConditions } = offer;
  if (typeof description !== 'string' || description.trim() === '' || description.length > MAX_DESCRIPTION_LENGTH) {
    throw templateInvalid(
      `personalization.description is a text of 1 to ${MAX_DESCRIPTION_LENGTH} characters.`,
      'personalization.description',
    );
  }
  if (
    !Array.isArray(fields) ||
    fields.length === 0 ||
    fields.some((field) => !(PERSONALIZATION_FIELDS as readonly unknown[]).includes(field)) ||
    new Set(fields).size !== fields.length
  ) {
    throw templateInvalid(
      `personalization.requiredPersonalizationFields lists, each once, one or more of ${PERSONALIZATION_FIELDS.join(', ')}.`,
      'personalization.requiredPersonalizationFields',
    );
  }
  if (
    termsAndConditions !== undefined &&
    (typeof termsAndConditions !== 'string' || termsAndConditions.trim() === '' || termsAndConditions.length > MAX_TERMS_LENGTH)
  ) {
    throw templateInvalid(
      `personalization.termsAndConditions is a text of 1 to ${MAX_TERMS_LENGTH} characters.`,
      'personalization.termsAndConditions',
    );
  }
  if (template.style !== 'storeCard') {
    throw templateInvalid('Only store cards (kind 4) offer personalization: Apple enrolls holders into rewards programs only.', 'personalization');
  }
  if (template.nfc === null) {
    throw templateInvalid('A template that offers personalization needs nfc: Apple offers rewards enrollment only on NFC passes.', 'nfc');
  }
  if (!Object.keys(template.images).some((name) => /^personalizationLogo@[23]x\.png$/.test(name))) {
    throw templateInvalid(
      'A template that offers personalization needs a personalizationLogo image at @2x or @3x (150 × 40 points).',
      'personalizationLogo',
    );
  }
  return {
    description,
    requiredPersonalizationFields: [...fields],
    ...(termsAndConditions === undefined ? {} : { termsAndConditions }),
  };
}

/** What a device sends to personalize a pass, once read. */
export interface PersonalizationRequest {
  personalizationToken: string;
  /**
   * The holder's answers by PersonalizationDictionary name, in PERSONALIZATION_INFO_NAMES order;
   * empty and unknown ones left out.
   */
  info: Record<string, string>;
}

function personalizationInvalid(message: string): DomainError {
  return new DomainError(DomainErrorCode.PersonalizationInvalid, message);
}

/**
 * Reads a PersonalizationDictionary: a `personalizationToken` and the `requiredPersonalizationInfo`
 * holding an answer for every field the offer asks for. Members that are not PersonalizationDictionary
 * names are ignored, so a later Wallet sending more is not refused for it.
 * @see https://developer.apple.com/documentation/walletpasses/personalizationdictionary
 */
export function readPersonalizationRequest(offer: PersonalizationOffer, body: unknown): PersonalizationRequest {
  if (!isRecord(body)) throw personalizationInvalid('The body is a JSON object {personalizationToken, requiredPersonalizationInfo}.');
  const token = body.personalizationToken;
  if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH) {
    throw personalizationInvalid(`personalizationToken is a text of 1 to ${MAX_TOKEN_LENGTH} characters.`);
  }
  const given = body.requiredPersonalizationInfo;
  if (!isRecord(given)) throw personalizationInvalid('requiredPersonalizationInfo is a JSON object.');
  const info: Record<string, string> = {};
  for (const name of PERSONALIZATION_INFO_NAMES) {
    const answer = given[name];
    if (answer === undefined || answer === null) continue;
    if (typeof answer !== 'string' || answer.length > MAX_ANSWER_LENGTH || CONTROL_CHARACTERS.test(answer)) {
      throw personalizationInvalid(
        `requiredPersonalizationInfo.${name} is a text of at most ${MAX_ANSWER_LENGTH} characters without control characters.`,
      );
    }
    if (answer.trim() !== '') info[name] = answer;
  }
  const missing = offer.requiredPersonalizationFields.filter((field) => !ANSWERS_OF[field].some((name) => info[name] !== undefined));
  if (missing.length > 0) {
    const wanted = missing.map((field) => ANSWERS_OF[field].join(' or ')).join('; ');
    throw personalizationInvalid(`requiredPersonalizationInfo lacks what the pass asks for: ${wanted}.`);
  }
  return { personalizationToken: token, info };
}
