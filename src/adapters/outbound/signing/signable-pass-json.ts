import { DomainError, DomainErrorCode } from '../../../domain/errors';
import { checkPassJson } from './passkit-schemas';
import { passJsonInvalid } from './signing-errors';

/** Pass style keys, in the order passkit-generator's PKPass looks for them when it imports a pass.json. */
const STYLE_KEYS = ['boardingPass', 'coupon', 'eventTicket', 'storeCard', 'generic', 'posterGeneric'] as const;
const FIELD_SECTIONS = ['headerFields', 'primaryFields', 'secondaryFields', 'auxiliaryFields', 'backFields'] as const;

type JsonObject = Record<string, unknown>;

/**
 * The pass.json bytes the reference packager (passkit-generator's PKPass) would sign for this
 * pass.json object (buildPassJson's), without going through PKPass: checked against
 * passkit-generator's PassProps schema exactly as the reference does (every problem →
 * PASS_INVALID), then laid out the way PKPass writes it back: the schema's value (defaults
 * applied), the style dictionary moved last, its sections in PKPass's order with `transitType`
 * after them, and `additionalInfoFields` on event tickets. Going through PKPass itself would cost a
 * second schema validation per pass, with PKPass's own copying around it; the signing
 * tests compare the result with the reference packager's pass.json for every style, so a
 * passkit-generator upgrade that changes its layout shows up there.
 */
export function signablePassJson(passJson: object, serialNumber: string): Buffer {
  const { problems, value } = checkPassJson(passJson);
  if (problems.length > 0) throw passJsonInvalid(serialNumber, problems);
  const validated = value as JsonObject;

  const laidOut: JsonObject = {};
  for (const [key, entry] of Object.entries(validated)) {
    if (!(STYLE_KEYS as readonly string[]).includes(key)) laidOut[key] = entry;
  }
  const styles = STYLE_KEYS.filter((style) => Boolean(validated[style]));
  if (styles.length === 0) throw passInvalid(serialNumber, 'it has no pass style');
  for (const style of styles) {
    // Field keys are unique per style dictionary, as PKPass checks them (one key pool per PassType).
    const keys = new Set<string>();
    const source = validated[style] as JsonObject;
    const sections: JsonObject = {};
    const fieldsOf = (section: string) => {
      const fields = (source[section] ?? []) as JsonObject[];
      for (const field of fields) {
        // PKPass drops a field whose key repeats, with a console warning; Wallet needs unique keys
        // and the domain guarantees them, so a repeat here is a bug to report, not data to drop.
        const key = String(field.key);
        if (keys.has(key)) throw passInvalid(serialNumber, `the field key "${key}" is used twice`);
        keys.add(key);
      }
      return [...fields];
    };
    for (const section of FIELD_SECTIONS) sections[section] = fieldsOf(section);
    if (style === 'boardingPass' && source.transitType) sections.transitType = source.transitType;
    if (style === 'eventTicket') sections.additionalInfoFields = fieldsOf('additionalInfoFields');
    if (style === 'posterGeneric') sections.footerFields = fieldsOf('footerFields');
    laidOut[style] = sections;
  }
  if (validated.boardingPass && !(validated.boardingPass as JsonObject).transitType) {
    throw passInvalid(serialNumber, 'a boarding pass needs a transitType');
  }
  return Buffer.from(JSON.stringify(laidOut), 'utf8');
}

/**
 * Every file of the package but manifest.json and signature (`files`: buildPackageFiles's, and the
 * signable pass.json), in the order the reference packager writes them: PKPass adds the files it
 * is given last to first (pass.json after the images), then the localizations last to first;
 * empty files are left out as PKPass leaves them out. Keeping that order makes manifest.json byte
 * for byte the same as the reference's.
 */
export function packageEntries(files: Record<string, Uint8Array>, passJson: Buffer): Array<[name: string, bytes: Uint8Array]> {
  const named = Object.entries(files);
  const isLocalization = ([name]: [string, Uint8Array]) => name.endsWith('.lproj/pass.strings');
  const given: Array<[string, Uint8Array]> = [['pass.json', passJson], ...named.filter((file) => !isLocalization(file))];
  const localizations = named.filter(isLocalization);
  return [...given.reverse(), ...localizations.reverse()].filter(([, bytes]) => bytes.length > 0);
}

function passInvalid(serialNumber: string, reason: string): DomainError {
  return new DomainError(DomainErrorCode.PassInvalid, `Pass ${serialNumber} would not be accepted by Wallet: ${reason}.`);
}
