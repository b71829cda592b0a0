import { DomainError, DomainErrorCode } from './errors';
import { FIELD_SECTIONS, FieldDefinition, FieldOverride, FieldSection, normalizeFieldValue } from './fields';
import { ImageSet, validateImages } from './images';
import { allowedImageKinds } from './pass-style';
import type { PassTemplate } from './pass-template';
import { PERSONALIZATION_INFO_NAMES } from './personalization';
import { Recipient, validateRecipient } from './recipient';
import {
  Beacon,
  Location,
  MAX_BEACONS,
  MAX_LOCATIONS,
  validateBeacons,
  validateDate,
  validateLocations,
} from './relevance';
import { constantTimeEquals, randomHex, randomUrlSafe, sha256Hex } from './secrets';
import { assertNoNulCharacter } from './text';

/** Per-pass content. Absent members leave the current value alone; null clears it. */
export interface PassContent {
  fields?: Record<string, FieldOverride>;
  barcodeMessage?: string | null;
  barcodeAltText?: string | null;
  /** null: use the template's locations. */
  locations?: Location[] | null;
  /** null: use the template's beacons. */
  beacons?: Beacon[] | null;
  /** null: use the template's relevant date. */
  relevantDate?: string | null;
  expirationDate?: string | null;
  /** Images that replace the template's image of the same name for this pass only. */
  images?: ImageSet;
  customPassId?: string | null;
}

export interface ResolvedField extends Omit<FieldDefinition, 'value'> {
  value: FieldDefinition['value'];
}

/**
 * The answers of Wallet's personalization sheet, by Apple's PersonalizationDictionary names
 * (`fullName`, `givenName`, `familyName`, `emailAddress`, `postalCode`, `ISOCountryCode`,
 * `phoneNumber`); only the ones the template asked for are present.
 * @see https://developer.apple.com/documentation/walletpasses/personalizationdictionary
 */
export type PersonalizationInfo = Record<string, string>;

/**
 * Whether a device that received `lastModified` and now sends it back as `If-Modified-Since` holds
 * that version. Unparsable dates are not; HTTP dates compare at whole seconds like lastModified.
 */
export function isUnmodifiedSince(lastModified: Date, ifModifiedSince: string | undefined): boolean {
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && since >= lastModified.getTime();
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

const MAX_SERIAL_NUMBER_LENGTH = 128;
const MAX_CUSTOM_PASS_ID_LENGTH = 128;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function validateSerialNumber(serialNumber: string | undefined | null): string {
  if (serialNumber === undefined || serialNumber === null || String(serialNumber).trim() === '') {
    throw new DomainError(DomainErrorCode.SerialNumberMissing, 'A pass needs a serial number.');
  }
  const text = String(serialNumber);
  if (text.length > MAX_SERIAL_NUMBER_LENGTH || CONTROL_CHARACTERS.test(text)) {
    throw new DomainError(
      DomainErrorCode.SerialNumberInvalid,
      `A serial number has at most ${MAX_SERIAL_NUMBER_LENGTH} characters and no control characters.`,
    );
  }
  return text;
}

function validateCustomPassId(customPassId: string | null): string | null {
  if (customPassId === null) return null;
  if (customPassId.length > MAX_CUSTOM_PASS_ID_LENGTH || CONTROL_CHARACTERS.test(customPassId)) {
    throw new DomainError(
      DomainErrorCode.CustomPassIdInvalid,
      `A custom pass id has at most ${MAX_CUSTOM_PASS_ID_LENGTH} characters and no control characters.`,
    );
  }
  return customPassId;
}

/** A serial number passgate makes up when the client names none (Skycore's addPassData, generatePass). */
export function generateSerialNumber(): string {
  return randomHex(10).toUpperCase();
}

/**
 * A pass: the template's design with this pass's values. It is issued when created through the
 * Passdock API; through Skycore's addPassData it is first only stored data (`issuedAt` null, no
 * links, not listed) until generatePassById issues it. `serialNumber` and
 * `authenticationToken` never change once issued, because devices holding older copies keep using
 * them (Apple, PKPass.authenticationToken). Every change advances `updatedAt` (strictly, at
 * millisecond precision) and `version`.
 */
export class Pass {
  id!: number;
  accountId!: number;
  templateId!: number;
  passTypeId!: number;
  serialNumber!: string;
  fieldValues!: Record<string, FieldOverride>;
  barcodeMessage!: string | null;
  barcodeAltText!: string | null;
  locations!: Location[] | null;
  beacons!: Beacon[] | null;
  relevantDate!: string | null;
  expirationDate!: string | null;
  images!: ImageSet;
  voided!: boolean;
  redeemed!: boolean;
  redeemedAt!: Date | null;
  /** At least 32 random bytes; Apple asks for 16 characters or more. */
  authenticationToken!: string;
  /** 40 hex characters, the secret part of public download and landing links. */
  webToken!: string;
  /** Opaque handle that Skycore clients use for this pass's data. */
  passDataId!: string;
  customPassId!: string | null;
  recipient!: Recipient | null;
  /** null while the pass is only stored data that has not been issued yet. */
  issuedAt!: Date | null;
  /**
   * When the client deleted the pass data (Skycore's deletePassData): the handle stops working, the
   * pass already handed out stays valid for the devices that hold it.
   */
  passDataDeletedAt!: Date | null;
  /**
   * When the account deleted the pass. Its row stays so that devices holding it learn, through the
   * Wallet web service, that it is void and stop asking for updates; for the account it is gone.
   */
  deletedAt!: Date | null;
  /** What the holder gave when enrolling through Wallet's personalization sheet; null until then. */
  personalization!: PersonalizationInfo | null;
  createdAt!: Date;
  updatedAt!: Date;
  version!: number;
  /**
   * The `Last-Modified` of this version, in whole seconds and one second later at least than the
   * previous version's: HTTP dates have second precision, and two versions sharing one would let a
   * device holding the older one be answered 304 (the reference's P-GET-2).
   */
  lastModified!: Date;
  /**
   * Where this pass's last change falls among the changes of its pass type, assigned by the
   * repository in the transaction that stores the change (0: never changed since it was added).
   * The Wallet web service's update tags are made of it.
   */
  changeSequence!: number;

  static issue(template: PassTemplate, serialNumber: string, content: PassContent, now: Date): Pass {
    const pass = Pass.prepare(template, serialNumber, content, now, null);
    pass.issuedAt = now;
    return pass;
  }

  /** Stored pass data that is not issued yet; `recipient` locks it to one person. */
  static prepare(
    template: PassTemplate,
    serialNumber: string,
    content: PassContent,
    now: Date,
    recipient: Recipient | null,
  ): Pass {
    const pass = new Pass();
    pass.accountId = template.accountId;
    pass.templateId = template.id;
    pass.passTypeId = template.passTypeId;
    pass.serialNumber = validateSerialNumber(serialNumber);
    pass.fieldValues = {};
    pass.barcodeMessage = null;
    pass.barcodeAltText = null;
    pass.locations = null;
    pass.beacons = null;
    pass.relevantDate = null;
    pass.expirationDate = null;
    pass.images = {};
    pass.voided = false;
    pass.redeemed = false;
    pass.redeemedAt = null;
    pass.authenticationToken = randomUrlSafe(32);
    pass.webToken = randomHex(20);
    pass.passDataId = randomHex(16);
    pass.customPassId = null;
    pass.recipient = validateRecipient(recipient, template.recipientRequired);
    pass.issuedAt = null;
    pass.passDataDeletedAt = null;
    pass.deletedAt = null;
    pass.personalization = null;
    pass.createdAt = now;
    pass.updatedAt = now;
    pass.version = 1;
    pass.lastModified = wholeSeconds(now);
    pass.changeSequence = 0;
    pass.applyContent(template, content);
    return pass;
  }

  isIssued(): boolean {
    return this.issuedAt !== null;
  }

  /**
   * Issues stored data; issuing an issued pass changes nothing. Like every stored change it advances
   * the version, the token of the repository's optimistic check, so no concurrent save undoes it.
   */
  markIssued(now: Date): void {
    if (this.issuedAt !== null) return;
    this.issuedAt = now;
    this.advanceVersion(now);
  }

  /** The handle goes; what devices hold does not change, so no new Last-Modified and no update for them. */
  deletePassData(now: Date): void {
    if (this.passDataDeletedAt !== null) return;
    this.passDataDeletedAt = now;
    this.advanceVersion(now);
  }

  hasPassData(): boolean {
    return this.passDataDeletedAt === null;
  }

  /**
   * Whether `token` is this pass's `authenticationToken` (Wallet's `ApplePass` header); constant-time,
   * and never for unissued data, which no device holds.
   */
  authenticatesWith(token: string): boolean {
    return constantTimeEquals(token, this.authenticationToken) && this.isIssued();
  }

  /** Whether `webToken` opens this pass's public links; constant-time, and never for unissued data. */
  opensWith(webToken: string): boolean {
    return constantTimeEquals(webToken, this.webToken) && this.isIssued();
  }

  /** Changes this pass's content; a change advances its version, the same values again do not. */
  update(template: PassTemplate, content: PassContent, now: Date): void {
    this.assertNotVoided();
    const before = this.contentFingerprint();
    this.applyContent(template, content);
    // Resending the same values is no change: no new version, so no push to every device.
    if (this.contentFingerprint() !== before) this.touch(now);
  }

  redeem(now: Date): void {
    this.assertNotVoided();
    if (this.redeemed) return;
    this.redeemed = true;
    this.redeemedAt = now;
    this.touch(now);
  }

  unredeem(now: Date): void {
    this.assertNotVoided();
    if (!this.redeemed) return;
    this.redeemed = false;
    this.redeemedAt = null;
    this.touch(now);
  }

  void(now: Date): void {
    if (this.voided) return;
    this.voided = true;
    this.touch(now);
  }

  /**
   * Deletes the pass for its account. Devices that hold it get one more version, void and without
   * web service keys, so Wallet stops asking for it (Apple DTS, forum thread 795413).
   */
  delete(now: Date): void {
    if (this.deletedAt !== null) return;
    this.deletedAt = now;
    this.touch(now);
  }

  isDeleted(): boolean {
    return this.deletedAt !== null;
  }

  /**
   * Stores what the holder entered in Wallet's personalization sheet; personalizing again with
   * the same answers is no change.
   * @see https://developer.apple.com/documentation/walletpasses/return-a-personalized-pass
   */
  personalize(info: PersonalizationInfo, now: Date): void {
    this.assertNotVoided();
    if (this.personalization !== null && JSON.stringify(this.personalization) === JSON.stringify(info)) return;
    this.personalization = info;
    this.touch(now);
  }

  /**
   * Advances the version: `updatedAt` strictly later even within one millisecond, `lastModified`
   * at least one whole second later.
   */
  touch(now: Date): void {
    this.advanceVersion(now);
    this.lastModified = new Date(Math.max(wholeSeconds(now).getTime(), this.lastModified.getTime() + 1000));
  }

  /**
   * A stored change that devices do not see (the pass's issue, its handle's deletion): the version,
   * the repository's optimistic-concurrency token, moves; Last-Modified stays, and so does the
   * pass's place in the Wallet web service's change sequence.
   */
  private advanceVersion(now: Date): void {
    this.updatedAt = new Date(Math.max(now.getTime(), this.updatedAt.getTime() + 1));
    this.version += 1;
  }

  /** Whether a device sending this `If-Modified-Since` holds this version (see the function). */
  isUnmodifiedSince(ifModifiedSince: string | undefined): boolean {
    return isUnmodifiedSince(this.lastModified, ifModifiedSince);
  }

  /**
   * The template's fields, section by section, with this pass's values and overrides merged in.
   * Once the holder has enrolled, a field whose key is a PersonalizationDictionary name
   * (`fullName`, `emailAddress`, `postalCode`...) shows the holder's answer, over the pass's own
   * value too: showing what the holder entered is what enrollment is for, and the holder's
   * answer is the newer word on it. A name the holder did not answer keeps the field's value.
   */
  resolveFields(template: PassTemplate): Record<FieldSection, ResolvedField[]> {
    const resolved = {} as Record<FieldSection, ResolvedField[]>;
    for (const section of FIELD_SECTIONS) {
      resolved[section] = template.fields[section].map((definition) => {
        const override = this.fieldValues[definition.key] ?? {};
        return {
          ...definition,
          value: this.personalizedValue(definition.key) ?? override.value ?? definition.value,
          label: override.label ?? definition.label,
          changeMessage: override.changeMessage ?? definition.changeMessage,
        };
      });
    }
    return resolved;
  }

  /**
   * Whether this version's package offers Wallet's enrollment sheet (carries `personalization.json`):
   * the template offers personalization and the holder has not enrolled yet. Once enrolled the
   * package leaves it out, so Wallet stops offering it. A pass shown as voided offers nothing.
   * @see https://developer.apple.com/documentation/walletpasses/return-a-personalized-pass
   */
  offersPersonalization(template: PassTemplate): boolean {
    return template.personalization !== null && this.personalization === null && !this.showsAsVoided;
  }

  /**
   * Shown as voided by Wallet: voided, redeemed (Apple suggests voiding a pass once it is used), or
   * deleted by its account.
   */
  get showsAsVoided(): boolean {
    return this.voided || this.redeemed || this.deletedAt !== null;
  }

  private personalizedValue(key: string): string | undefined {
    if (this.personalization === null || !(PERSONALIZATION_INFO_NAMES as readonly string[]).includes(key)) return undefined;
    return this.personalization[key];
  }

  private assertNotVoided(): void {
    if (this.voided) {
      throw new DomainError(DomainErrorCode.PassVoided, `Pass ${this.serialNumber} is voided and cannot change.`);
    }
  }

  /** Everything a client's content sets, images by their SHA-256, in one comparable string. */
  private contentFingerprint(): string {
    const images = Object.entries(this.images).map(([name, bytes]) => [name, sha256Hex(bytes)]);
    return JSON.stringify([
      this.fieldValues,
      this.barcodeMessage,
      this.barcodeAltText,
      this.locations,
      this.beacons,
      this.relevantDate,
      this.expirationDate,
      images,
      this.customPassId,
    ]);
  }

  private applyContent(template: PassTemplate, content: PassContent): void {
    const { images: _images, ...text } = content;
    assertNoNulCharacter(text, 'pass');
    const fieldValues = { ...this.fieldValues };
    if (content.fields) {
      template.assertOverridable(content.fields);
      for (const [key, override] of Object.entries(content.fields)) {
        const definition = template.findField(key)!.definition;
        const merged: FieldOverride = { ...fieldValues[key] };
        if (override.value !== undefined) merged.value = normalizeFieldValue(definition, override.value);
        if (override.label !== undefined) merged.label = override.label;
        if (override.changeMessage !== undefined) merged.changeMessage = override.changeMessage;
        fieldValues[key] = merged;
      }
    }
    let images = this.images;
    if (content.images) {
      validateImages(content.images, allowedImageKinds(template));
      images = { ...this.images, ...content.images };
    }
    const locations = content.locations === undefined ? this.locations : content.locations;
    const beacons = content.beacons === undefined ? this.beacons : content.beacons;
    // More than Apple's ten is TOO_MANY_LOCATIONS, checked below.
    if (content.locations && content.locations.length <= MAX_LOCATIONS && content.locations.length > template.dynamicLocationSlots()) {
      const slot = template.dynamicLocationSlots() + 1;
      throw new DomainError(DomainErrorCode.LocationNotDynamic, `Location ${slot} is not dynamic in the template.`, {
        slot,
      });
    }
    if (content.beacons && content.beacons.length <= MAX_BEACONS && content.beacons.length > template.dynamicBeaconSlots()) {
      const slot = template.dynamicBeaconSlots() + 1;
      throw new DomainError(DomainErrorCode.BeaconNotDynamic, `Beacon ${slot} is not dynamic in the template.`, {
        slot,
      });
    }
    const barcodeMessage = content.barcodeMessage === undefined ? this.barcodeMessage : content.barcodeMessage;
    if (template.requiresBarcodeMessage() && (barcodeMessage === null || barcodeMessage === '')) {
      throw new DomainError(
        DomainErrorCode.BarcodeMessageRequired,
        'The template takes each pass\'s barcode message from the pass: give one.',
      );
    }
    const next = {
      fieldValues,
      images,
      barcodeMessage,
      barcodeAltText: content.barcodeAltText === undefined ? this.barcodeAltText : content.barcodeAltText,
      locations: locations === null ? null : validateLocations(locations),
      beacons: beacons === null ? null : validateBeacons(beacons),
      relevantDate: validateDate(
        content.relevantDate === undefined ? this.relevantDate : content.relevantDate,
        'relevantDate',
      ),
      expirationDate: validateDate(
        content.expirationDate === undefined ? this.expirationDate : content.expirationDate,
        'expirationDate',
      ),
      customPassId: validateCustomPassId(
        content.customPassId === undefined ? this.customPassId : content.customPassId,
      ),
    };
    Object.assign(this, next);
  }
}
