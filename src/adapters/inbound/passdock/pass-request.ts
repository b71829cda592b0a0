import { DomainErrorCode } from '../../../domain/errors';
import type { FieldOverride } from '../../../domain/fields';
import type { PassContent } from '../../../domain/pass';
import type { Beacon, Location } from '../../../domain/relevance';
import { Problems, RequestProblemCode } from './passdock-errors';
import { readImages } from './passdock-images';
import { isPlainObject as isHash, PassdockParams } from './passdock-params';
import { ValueReader } from './passdock-values';

/** What a Passdock pass create or update asks for. */
export interface PassWrite {
  /** Absent when the request names none. */
  serialNumber: string | undefined;
  content: PassContent;
  /** true redeems, false takes the redemption back, undefined leaves it. */
  redeemed: boolean | undefined;
}

/**
 * Keys of the `pass` hash that are not template fields (create-pass page). Every other key names
 * a template field, so a template field cannot be called one of these. `relevance.beacons` is a
 * passgate extension beside Passdock's `locations`.
 */
type Reserved = 'serial_number' | 'redeemed' | 'bar' | 'relevance';
const FIELD_ATTRIBUTES = ['value', 'label', 'changeMessage', 'message'];

/**
 * Reads `pass` (JSON text in a form field, or a nested object) and the top-level `thumbnail`.
 * `mode: 'create'` requires `pass` and a serial number (421); an update may send only a
 * thumbnail or only a top-level `redeemed` (the 2016 Node client sends it there, reference §4.6).
 */
export function readPassWrite(params: PassdockParams, mode: 'create' | 'update'): PassWrite {
  const problems = new Problems();
  const reader = new ValueReader(problems);
  const write: PassWrite = { serialNumber: undefined, content: {}, redeemed: undefined };

  const pass = params.json('pass', problems);
  const thumbnail = params.json('thumbnail', problems);
  const topLevelRedeemed = params.value('redeemed');
  if (!pass.present && (mode === 'create' || (!thumbnail.present && topLevelRedeemed === undefined))) {
    problems.add(RequestProblemCode.ParameterMissing, 'pass', 'The "pass" parameter is required: a JSON hash of the pass keys and values.');
  } else if (pass.present && pass.value !== undefined && !isHash(pass.value)) {
    problems.add(RequestProblemCode.ParameterInvalid, 'pass', 'The "pass" parameter must be a JSON hash.');
  }
  const hash = isHash(pass.value) ? pass.value : {};

  const fields: Array<[string, FieldOverride]> = [];
  for (const [key, value] of Object.entries(hash)) {
    const field = `pass.${key}`;
    switch (key as Reserved) {
      case 'serial_number':
        write.serialNumber = readSerialNumber(reader, value);
        break;
      case 'redeemed':
        write.redeemed = reader.boolean(value, field);
        break;
      case 'bar':
        readBar(reader, value, write.content);
        break;
      case 'relevance':
        readRelevance(reader, value, write.content);
        break;
      default: {
        const override = readFieldOverride(reader, value, field);
        if (override) fields.push([key, override]);
      }
    }
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays a key (and is refused as unknown).
  if (fields.length > 0) write.content.fields = Object.fromEntries(fields);
  if (write.redeemed === undefined && topLevelRedeemed !== undefined) write.redeemed = reader.boolean(topLevelRedeemed, 'redeemed');

  if (thumbnail.present && thumbnail.value !== undefined) {
    if (!isHash(thumbnail.value) && !Array.isArray(thumbnail.value) && !Buffer.isBuffer(thumbnail.value)) {
      problems.add(RequestProblemCode.ParameterInvalid, 'thumbnail', 'The "thumbnail" parameter must be a hash {"filename","data"}.');
    } else {
      const images = readImages(reader, thumbnail.value, 'thumbnail', 'thumbnail');
      if (images) write.content.images = images;
    }
  }

  if (mode === 'create' && isHash(pass.value)) {
    const serial = hash.serial_number;
    if (serial === undefined || serial === null || (typeof serial === 'string' && serial.trim() === '')) {
      problems.add(DomainErrorCode.SerialNumberMissing, 'pass.serial_number', 'pass.serial_number is required.');
    }
  }
  problems.throwIfAny();
  return write;
}

function readSerialNumber(reader: ValueReader, value: unknown): string | undefined {
  if (value === null || value === '') return undefined;
  // JSON clients send numeric serials as numbers; Passdock's serials are strings.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return reader.string(value, 'pass.serial_number', DomainErrorCode.SerialNumberInvalid);
}

/**
 * `"gate":"53"` sets the value; `"gate":{"value":"53","label":"GATE","changeMessage":"Gate changed to %@"}`
 * sets any of the three (create-pass page). The 2012 wiki calls the change message `message`
 * (reference §4.4); both are accepted.
 */
function readFieldOverride(reader: ValueReader, value: unknown, field: string): FieldOverride | undefined {
  if (typeof value === 'string') return { value };
  if (!isHash(value)) {
    return reader.invalid(field, `${field} must be a string value or a hash of value, label and changeMessage.`, DomainErrorCode.FieldValueInvalid);
  }
  reader.onlyKnown(value, FIELD_ATTRIBUTES, field);
  const override: FieldOverride = {};
  for (const attribute of FIELD_ATTRIBUTES) {
    if (value[attribute] === undefined) continue;
    const text = reader.string(value[attribute], `${field}.${attribute}`, DomainErrorCode.FieldValueInvalid);
    if (text === undefined) continue;
    if (attribute === 'value') override.value = text;
    else if (attribute === 'label') override.label = text;
    else override.changeMessage = text;
  }
  return override;
}

function readBar(reader: ValueReader, value: unknown, content: PassContent): void {
  const bar = reader.hash(value, 'pass.bar');
  if (!bar) return;
  reader.onlyKnown(bar, ['message', 'altText'], 'pass.bar');
  // "" falls back to the template's text, as an absent value does.
  if (bar.message !== undefined) content.barcodeMessage = reader.optionalText(bar.message, 'pass.bar.message', DomainErrorCode.BarcodeInvalid);
  if (bar.altText !== undefined) content.barcodeAltText = reader.optionalText(bar.altText, 'pass.bar.altText', DomainErrorCode.BarcodeInvalid);
}

function readRelevance(reader: ValueReader, value: unknown, content: PassContent): void {
  const relevance = reader.hash(value, 'pass.relevance');
  if (!relevance) return;
  reader.onlyKnown(relevance, ['locations', 'relevantDate', 'beacons'], 'pass.relevance');
  if (relevance.relevantDate !== undefined) {
    const date = reader.date(relevance.relevantDate, 'pass.relevance.relevantDate');
    if (date !== undefined) content.relevantDate = date;
  }
  if (relevance.locations !== undefined) {
    const locations = readLocations(reader, relevance.locations, 'pass.relevance.locations');
    if (locations) content.locations = locations;
  }
  if (relevance.beacons !== undefined) {
    const beacons = readBeacons(reader, relevance.beacons, 'pass.relevance.beacons');
    if (beacons) content.beacons = beacons;
  }
}

/** `[{latitude, longitude, altitude?, relevantText?}]`; a single hash counts as a list of one (apipie calls the param a Hash). */
export function readLocations(reader: ValueReader, value: unknown, field: string): Location[] | undefined {
  return reader.hashes(isHash(value) ? [value] : value, field, (hash, at) => {
    reader.onlyKnown(hash, ['latitude', 'longitude', 'altitude', 'relevantText'], at);
    const latitude = reader.latitudeOrLongitude(hash.latitude, `${at}.latitude`, 90);
    const longitude = reader.latitudeOrLongitude(hash.longitude, `${at}.longitude`, 180);
    const altitude =
      hash.altitude === undefined || hash.altitude === null || hash.altitude === ''
        ? null
        : reader.number(hash.altitude, `${at}.altitude`, DomainErrorCode.LocationInvalid);
    const relevantText = hash.relevantText === undefined ? null : reader.optionalText(hash.relevantText, `${at}.relevantText`, DomainErrorCode.LocationInvalid);
    if (latitude === undefined || longitude === undefined || altitude === undefined || relevantText === undefined) return undefined;
    return { latitude, longitude, altitude, relevantText };
  });
}

/** passgate extension: `[{proximityUUID, major?, minor?, relevantText?}]`, Apple's beacon dictionary. */
export function readBeacons(reader: ValueReader, value: unknown, field: string): Beacon[] | undefined {
  return reader.hashes(value, field, (hash, at) => {
    reader.onlyKnown(hash, ['proximityUUID', 'major', 'minor', 'relevantText'], at);
    const proximityUUID = reader.string(hash.proximityUUID, `${at}.proximityUUID`, DomainErrorCode.BeaconInvalid);
    const number = (name: 'major' | 'minor') =>
      hash[name] === undefined || hash[name] === null ? null : reader.integer(hash[name], `${at}.${name}`, 0, 65535, DomainErrorCode.BeaconInvalid);
    const major = number('major');
    const minor = number('minor');
    const relevantText = hash.relevantText === undefined ? null : reader.optionalText(hash.relevantText, `${at}.relevantText`, DomainErrorCode.BeaconInvalid);
    if (proximityUUID === undefined || major === undefined || minor === undefined || relevantText === undefined) return undefined;
    return { proximityUUID, major, minor, relevantText };
  });
}
