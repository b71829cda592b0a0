import type { FieldOverride, FieldSection } from '../../../domain/fields';
import type { Pass, PassContent } from '../../../domain/pass';
import type { PassTemplate } from '../../../domain/pass-template';
import { allowedImageKinds } from '../../../domain/pass-style';
import type { Recipient } from '../../../domain/recipient';
import { Beacon, Location, MAX_BEACONS, MAX_LOCATIONS } from '../../../domain/relevance';
import { beaconNotDynamic, locationNotDynamic, SkycoreFailure } from './skycore-errors';

/**
 * Skycore's field slots (reference §2): each prefix addresses the template's fields of one section
 * by position. The order is the order of the E840–E869 codes: slot i has label code 840 + 2i and
 * value code 841 + 2i (E840 headerlabel1 … E869 backvalue4, §5.3).
 */
const FIELD_SLOTS: ReadonlyArray<{ prefix: string; section: FieldSection; n: number }> = [
  { prefix: 'HEADER', section: 'header', n: 1 },
  { prefix: 'PRIMARY', section: 'primary', n: 1 },
  { prefix: 'PRIMARY', section: 'primary', n: 2 },
  ...[1, 2, 3, 4].map((n) => ({ prefix: 'SEC', section: 'secondary' as const, n })),
  ...[1, 2, 3, 4].map((n) => ({ prefix: 'AUX', section: 'auxiliary' as const, n })),
  ...[1, 2, 3, 4].map((n) => ({ prefix: 'BACK', section: 'back' as const, n })),
];

/** Element prefixes per section, also used by getPassTemplate. */
export const SECTION_PREFIXES: ReadonlyArray<readonly [FieldSection, string]> = [
  ['header', 'HEADER'],
  ['primary', 'PRIMARY'],
  ['secondary', 'SEC'],
  ['auxiliary', 'AUX'],
  ['back', 'BACK'],
];

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export interface SkycorePassData {
  content: PassContent;
  /** addPassData / generatePass only. */
  recipient: Recipient | null;
  thumbnailUrl: string | null;
  /** Whether the data sets anything at all (updatePass without anything is E824). */
  setsAnything: boolean;
}

/**
 * `new`: addPassData and generatePass, which also take CUSTOMPASSID and EMAIL / PHONE / CUSTOMID.
 * `update`: updatePass, where those are not part of the data (§3.4) and are ignored like any other
 * element Skycore does not know ("other extra data is silently ignored", §2).
 */
type PassDataUse = 'new' | 'update';

/**
 * Turns PASSDATA (or `pd_*`) into the content of a pass of `template`, checking every slot against
 * the template first, so each refusal carries its slot's code. `current` is the pass being updated:
 * location and beacon slots merge into its own lists.
 */
export function readPassData(
  template: PassTemplate,
  data: Readonly<Record<string, string>>,
  use: PassDataUse,
  current: Pass | null,
): SkycorePassData {
  const content: PassContent = {};
  const fields = readFieldSlots(template, data);
  if (Object.keys(fields).length > 0) content.fields = fields;

  // Passgate templates have no "barcode allowed" switch apart from having a barcode; without one
  // both values are ignored, as Skycore ignores them when Barcode is not Allowed (§2).
  if (template.barcode !== null) {
    if (data.BARCODEVALUE !== undefined) content.barcodeMessage = data.BARCODEVALUE;
    if (data.BARCODETEXT !== undefined) content.barcodeAltText = data.BARCODETEXT;
  }

  const locations = readLocationSlots(template, data, current?.locations ?? []);
  if (locations !== null) content.locations = locations;
  const beacons = readBeaconSlots(template, data, current?.beacons ?? []);
  if (beacons !== null) content.beacons = beacons;

  const thumbnailUrl = data.THUMBNAILURL ?? null;
  if (thumbnailUrl !== null && !allowedImageKinds(template).has('thumbnail')) {
    throw new SkycoreFailure(
      'E100',
      'Invalid request: THUMBNAILURL is not accepted, the pass template\'s style shows no thumbnail image (generic passes and event tickets without a strip do).',
    );
  }

  let recipient: Recipient | null = null;
  if (use === 'new') {
    if (data.CUSTOMPASSID !== undefined) content.customPassId = data.CUSTOMPASSID;
    const email = data.EMAIL ?? null;
    const phone = data.PHONE ?? null;
    const customId = data.CUSTOMID ?? null;
    if (email !== null || phone !== null || customId !== null) recipient = { email, phone, customId };
  }
  return { content, recipient, thumbnailUrl, setsAnything: Object.keys(content).length > 0 || thumbnailUrl !== null };
}

function readFieldSlots(template: PassTemplate, data: Readonly<Record<string, string>>): Record<string, FieldOverride> {
  const overrides: Record<string, FieldOverride> = {};
  FIELD_SLOTS.forEach(({ prefix, section, n }, index) => {
    // Pair 2 of the primary fields exists only on boarding passes; elsewhere it is ignored (§2).
    if (section === 'primary' && n === 2 && template.style !== 'boardingPass') return;
    const label = data[`${prefix}LABEL${n}`];
    const value = data[`${prefix}VALUE${n}`];
    if (label === undefined && value === undefined) return;
    const field = template.fields[section][n - 1];
    if (field === undefined || !field.dynamic) {
      const element = label !== undefined ? `${prefix}LABEL${n}` : `${prefix}VALUE${n}`;
      const code = 840 + 2 * index + (label !== undefined ? 0 : 1);
      const why =
        field === undefined
          ? `the pass template has no ${section} field ${n}`
          : `field "${field.key}" must be set Dynamic in the pass template`;
      throw new SkycoreFailure(`E${code}`, `${element} is not accepted: ${why}.`);
    }
    const override: FieldOverride = {};
    if (label !== undefined) override.label = label;
    if (value !== undefined) override.value = value;
    overrides[field.key] = override;
  });
  return overrides;
}

/**
 * RELLATITUDEn / RELLONGITUDEn / RELTEXTn. Slot n is position n − 1 of the pass's own locations;
 * a slot given replaces that position, the others stay. RELTEXTn alone is ignored ("used only if
 * lat+long given", §2). The list Wallet reads has no holes, so a slot may only be filled when the
 * slots before it are: a gap is refused with the latitude code of the first empty slot.
 * null: no location slot given.
 */
function readLocationSlots(
  template: PassTemplate,
  data: Readonly<Record<string, string>>,
  current: readonly Location[],
): Location[] | null {
  const merged: Array<Location | undefined> = [...current];
  let given = false;
  for (let n = 1; n <= MAX_LOCATIONS; n += 1) {
    const latitude = data[`RELLATITUDE${n}`];
    const longitude = data[`RELLONGITUDE${n}`];
    if (latitude === undefined && longitude === undefined) continue;
    given = true;
    if (n > template.dynamicLocationSlots()) throw locationNotDynamic(n);
    const lat = coordinate(latitude, 90);
    if (lat === null) {
      throw new SkycoreFailure(`E${879 + n}`, `RELLATITUDE${n} is invalid: a decimal number from -90 to 90 is required.`);
    }
    const long = coordinate(longitude, 180);
    if (long === null) {
      throw new SkycoreFailure(`E${889 + n}`, `RELLONGITUDE${n} is invalid: a decimal number from -180 to 180 is required.`);
    }
    merged[n - 1] = { latitude: lat, longitude: long, altitude: null, relevantText: data[`RELTEXT${n}`] ?? null };
  }
  if (!given) return null;
  const gap = firstGap(merged);
  if (gap !== null) {
    throw new SkycoreFailure(
      `E${879 + gap}`,
      `RELLATITUDE${gap} is invalid: relevance location ${gap} is empty; locations are filled from 1 without gaps.`,
    );
  }
  return merged as Location[];
}

/**
 * IBEACONUUIDn / IBEACONMAJORn / IBEACONMINORn / IBEACONTEXTn, merged like the locations; any of
 * them uses the slot, which then needs its UUID (E990–E999). A gap is refused with the "UUID
 * required" code of the first empty slot.
 */
function readBeaconSlots(
  template: PassTemplate,
  data: Readonly<Record<string, string>>,
  current: readonly Beacon[],
): Beacon[] | null {
  const merged: Array<Beacon | undefined> = [...current];
  let given = false;
  for (let n = 1; n <= MAX_BEACONS; n += 1) {
    const uuid = data[`IBEACONUUID${n}`];
    const major = data[`IBEACONMAJOR${n}`];
    const minor = data[`IBEACONMINOR${n}`];
    const text = data[`IBEACONTEXT${n}`];
    if (uuid === undefined && major === undefined && minor === undefined && text === undefined) continue;
    given = true;
    if (n > template.dynamicBeaconSlots()) throw beaconNotDynamic(n);
    if (uuid === undefined) throw new SkycoreFailure(`E${989 + n}`, `IBEACONUUID${n} is required when iBeacon ${n} is used.`);
    if (!UUID.test(uuid)) {
      throw new SkycoreFailure(`E${959 + n}`, `IBEACONUUID${n} is invalid: a UUID like E2C56DB5-DFFB-48D2-B060-D0F5A71096E0 is required.`);
    }
    const majorNumber = beaconNumber(major);
    if (majorNumber === undefined) throw new SkycoreFailure(`E${969 + n}`, `IBEACONMAJOR${n} is invalid: a whole number from 0 to 65535 is required.`);
    const minorNumber = beaconNumber(minor);
    if (minorNumber === undefined) throw new SkycoreFailure(`E${979 + n}`, `IBEACONMINOR${n} is invalid: a whole number from 0 to 65535 is required.`);
    merged[n - 1] = { proximityUUID: uuid, major: majorNumber, minor: minorNumber, relevantText: text ?? null };
  }
  if (!given) return null;
  const gap = firstGap(merged);
  if (gap !== null) {
    throw new SkycoreFailure(
      `E${989 + gap}`,
      `IBEACONUUID${gap} is required: iBeacon ${gap} is empty; iBeacons are filled from 1 without gaps.`,
    );
  }
  return merged as Beacon[];
}

function coordinate(text: string | undefined, limit: number): number | null {
  if (text === undefined || !DECIMAL.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) && Math.abs(value) <= limit ? value : null;
}

/** null: not given; undefined: invalid. */
function beaconNumber(text: string | undefined): number | null | undefined {
  if (text === undefined) return null;
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= 65535 ? value : undefined;
}

/** The 1-based slot of the first hole in a merged list, or null. */
function firstGap(list: ReadonlyArray<unknown>): number | null {
  for (let index = 0; index < list.length; index += 1) if (list[index] === undefined) return index + 1;
  return null;
}
