import { DomainError, DomainErrorCode } from './errors';

/** @see https://developer.apple.com/documentation/walletpasses/pass/locations-data.dictionary */
export interface Location {
  latitude: number;
  longitude: number;
  altitude: number | null;
  relevantText: string | null;
}

/** @see https://developer.apple.com/documentation/walletpasses/pass/beacons-data.dictionary */
export interface Beacon {
  proximityUUID: string;
  major: number | null;
  minor: number | null;
  relevantText: string | null;
}

/** Apple reads at most ten of each. */
export const MAX_LOCATIONS = 10;
export const MAX_BEACONS = 10;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** W3C date-time with a zone, as Apple requires for relevantDate, expirationDate and date fields. */
const W3C_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function isW3cDateTime(text: string): boolean {
  const match = W3C_DATE_TIME.exec(text);
  if (!match || Number.isNaN(Date.parse(text))) return false;
  // Date.parse rolls 2026-02-30 over into March; the calendar has no such day.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const [hours, minutes] = text.slice(11, 16).split(':').map(Number);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hours <= 23 && minutes <= 59;
}

export function validateDate(text: string | null, what: string): string | null {
  if (text === null) return null;
  if (!isW3cDateTime(text)) {
    throw new DomainError(DomainErrorCode.DateInvalid, `${what} must be an ISO 8601 date and time with a time zone.`, {
      field: what,
    });
  }
  return text;
}

function isFiniteIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}

export function validateLocations(locations: readonly Location[]): Location[] {
  if (locations.length > MAX_LOCATIONS) {
    throw new DomainError(DomainErrorCode.TooManyLocations, `A pass takes at most ${MAX_LOCATIONS} locations.`, {
      limit: MAX_LOCATIONS,
    });
  }
  return locations.map((location, index) => {
    if (!isFiniteIn(location.latitude, -90, 90) || !isFiniteIn(location.longitude, -180, 180)) {
      throw new DomainError(
        DomainErrorCode.LocationInvalid,
        `Location ${index + 1} needs a latitude in [-90, 90] and a longitude in [-180, 180].`,
        { index: index + 1 },
      );
    }
    if (location.altitude !== null && !isFiniteIn(location.altitude, -20_000, 100_000)) {
      throw new DomainError(DomainErrorCode.LocationInvalid, `Location ${index + 1} has an invalid altitude.`, {
        index: index + 1,
      });
    }
    return {
      latitude: location.latitude,
      longitude: location.longitude,
      altitude: location.altitude,
      relevantText: location.relevantText,
    };
  });
}

export function validateBeacons(beacons: readonly Beacon[]): Beacon[] {
  if (beacons.length > MAX_BEACONS) {
    throw new DomainError(DomainErrorCode.TooManyBeacons, `A pass takes at most ${MAX_BEACONS} beacons.`, {
      limit: MAX_BEACONS,
    });
  }
  return beacons.map((beacon, index) => {
    const invalid = (why: string) =>
      new DomainError(DomainErrorCode.BeaconInvalid, `Beacon ${index + 1} ${why}.`, { index: index + 1 });
    if (typeof beacon.proximityUUID !== 'string' || !UUID.test(beacon.proximityUUID)) {
      throw invalid('needs a proximity UUID');
    }
    if (beacon.major !== null && !(Number.isInteger(beacon.major) && isFiniteIn(beacon.major, 0, 65535))) {
      throw invalid('has a major number outside 0-65535');
    }
    if (beacon.minor !== null && !(Number.isInteger(beacon.minor) && isFiniteIn(beacon.minor, 0, 65535))) {
      throw invalid('has a minor number outside 0-65535');
    }
    return {
      proximityUUID: beacon.proximityUUID.toUpperCase(),
      major: beacon.major,
      minor: beacon.minor,
      relevantText: beacon.relevantText,
    };
  });
}
