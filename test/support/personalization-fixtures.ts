import type { TemplateDefinition } from '../../src/domain/pass-template';
import type { NfcPayload, PersonalizationOffer } from '../../src/domain/personalization';
import { aPng } from './builders';

/** Base64 of the SubjectPublicKeyInfo of a throwaway ECDH P-256 key, the kind Apple asks for. */
export const NFC_PUBLIC_KEY =
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJk7+ge6Xs+bKmrctPqADwx+6Y1edXiUNFb+Xs6i04Vo9bzxHAA/fMdqPaXmPZ2zvvyQvIvLXHledGDEJXHzpnQ==';

export const AN_NFC: NfcPayload = { message: 'member-0042', encryptionPublicKey: NFC_PUBLIC_KEY, requiresAuthentication: true };

export const AN_OFFER: PersonalizationOffer = {
  description: 'Join Passgate Rewards and earn points on every visit.',
  requiredPersonalizationFields: ['PKPassPersonalizationFieldName', 'PKPassPersonalizationFieldEmailAddress'],
  termsAndConditions: 'Points expire after a year.',
};

export const PERSONALIZATION_LOGOS = { 'personalizationLogo.png': aPng(150), 'personalizationLogo@2x.png': aPng(151) };

/**
 * What turns a template definition into a store card that offers rewards enrollment: style, nfc,
 * the offer and its logo (besides an icon).
 */
export function personalizableStoreCard(overrides: Partial<TemplateDefinition> = {}): Partial<TemplateDefinition> {
  return {
    style: 'storeCard',
    transitType: null,
    eventTicketLayout: null,
    nfc: AN_NFC,
    personalization: AN_OFFER,
    images: { 'icon.png': aPng(1), ...PERSONALIZATION_LOGOS },
    ...overrides,
  };
}
