import { DomainError, DomainErrorCode } from './errors';

/** @see https://developer.apple.com/documentation/walletpasses/pass */
export const PASS_STYLES = ['boardingPass', 'coupon', 'eventTicket', 'generic', 'storeCard'] as const;
export type PassStyle = (typeof PASS_STYLES)[number];

/** @see https://developer.apple.com/documentation/walletpasses/pass/boardingpass */
export const TRANSIT_TYPES = [
  'PKTransitTypeAir',
  'PKTransitTypeBoat',
  'PKTransitTypeBus',
  'PKTransitTypeGeneric',
  'PKTransitTypeTrain',
] as const;
export type TransitType = (typeof TRANSIT_TYPES)[number];

/** Apple lets an event ticket carry either a strip image or a background and a thumbnail, never both. */
export type EventTicketLayout = 'strip' | 'backgroundAndThumbnail';

export const IMAGE_KINDS = ['icon', 'logo', 'strip', 'thumbnail', 'background', 'footer', 'personalizationLogo'] as const;
export type ImageKind = (typeof IMAGE_KINDS)[number];

export interface StyleChoice {
  style: PassStyle;
  /** Required for boarding passes, null otherwise. */
  transitType: TransitType | null;
  /** Set for event tickets, null otherwise. */
  eventTicketLayout: EventTicketLayout | null;
}

/**
 * Which images each style shows, from Apple's "Pass Design and Creation" image table: footer only on
 * boarding passes, strip on coupons, store cards and event tickets, thumbnail on generic passes and
 * event tickets, background only on event tickets without a strip; and personalizationLogo on
 * the enrollment sheet of a template that offers personalization (`personalization` set).
 */
export function allowedImageKinds(choice: StyleChoice & { personalization?: object | null }): ReadonlySet<ImageKind> {
  const kinds = styleImageKinds(choice);
  if (choice.personalization !== undefined && choice.personalization !== null) kinds.add('personalizationLogo');
  return kinds;
}

function styleImageKinds(choice: StyleChoice): Set<ImageKind> {
  switch (choice.style) {
    case 'boardingPass':
      return new Set<ImageKind>(['icon', 'logo', 'footer']);
    case 'coupon':
    case 'storeCard':
      return new Set<ImageKind>(['icon', 'logo', 'strip']);
    case 'generic':
      return new Set<ImageKind>(['icon', 'logo', 'thumbnail']);
    case 'eventTicket':
      return choice.eventTicketLayout === 'strip'
        ? new Set<ImageKind>(['icon', 'logo', 'strip'])
        : new Set<ImageKind>(['icon', 'logo', 'background', 'thumbnail']);
  }
}

export function validateStyleChoice(choice: StyleChoice): StyleChoice {
  if (!PASS_STYLES.includes(choice.style)) {
    throw new DomainError(DomainErrorCode.StyleInvalid, `"${String(choice.style)}" is not a pass style.`);
  }
  if (choice.style === 'boardingPass') {
    const transitType = choice.transitType ?? 'PKTransitTypeGeneric';
    if (!TRANSIT_TYPES.includes(transitType)) {
      throw new DomainError(DomainErrorCode.StyleInvalid, `"${String(transitType)}" is not a transit type.`);
    }
    return { style: choice.style, transitType, eventTicketLayout: null };
  }
  if (choice.style === 'eventTicket') {
    const layout = choice.eventTicketLayout ?? 'backgroundAndThumbnail';
    if (layout !== 'strip' && layout !== 'backgroundAndThumbnail') {
      throw new DomainError(DomainErrorCode.StyleInvalid, `"${String(layout)}" is not an event ticket layout.`);
    }
    return { style: choice.style, transitType: null, eventTicketLayout: layout };
  }
  return { style: choice.style, transitType: null, eventTicketLayout: null };
}

/**
 * Passdock's `kind_id` catalogue: 1 boarding pass, 2 event ticket with background and thumbnail,
 * 3 coupon, 4 store card, 5 generic, 6 event ticket with strip.
 * @see https://github.com/Creapptor/passdock/wiki/api-templates-create
 */
const KINDS: ReadonlyArray<readonly [number, Omit<StyleChoice, 'transitType'>]> = [
  [1, { style: 'boardingPass', eventTicketLayout: null }],
  [2, { style: 'eventTicket', eventTicketLayout: 'backgroundAndThumbnail' }],
  [3, { style: 'coupon', eventTicketLayout: null }],
  [4, { style: 'storeCard', eventTicketLayout: null }],
  [5, { style: 'generic', eventTicketLayout: null }],
  [6, { style: 'eventTicket', eventTicketLayout: 'strip' }],
];

export function styleOfKind(kindId: number): Omit<StyleChoice, 'transitType'> | null {
  return KINDS.find(([id]) => id === kindId)?.[1] ?? null;
}

export function kindOfStyle(choice: StyleChoice): number {
  const match = KINDS.find(
    ([, kind]) => kind.style === choice.style && kind.eventTicketLayout === choice.eventTicketLayout,
  );
  if (!match) throw new DomainError(DomainErrorCode.StyleInvalid, `No kind for style "${choice.style}".`);
  return match[0];
}
