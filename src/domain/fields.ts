import { DomainError, DomainErrorCode } from './errors';
import { isW3cDateTime } from './relevance';

/** @see https://developer.apple.com/documentation/walletpasses/passfields */
export const FIELD_SECTIONS = ['header', 'primary', 'secondary', 'auxiliary', 'back'] as const;
export type FieldSection = (typeof FIELD_SECTIONS)[number];

export const DATE_STYLES = [
  'PKDateStyleNone',
  'PKDateStyleShort',
  'PKDateStyleMedium',
  'PKDateStyleLong',
  'PKDateStyleFull',
] as const;
export type DateStyle = (typeof DATE_STYLES)[number];

export const NUMBER_STYLES = [
  'PKNumberStyleDecimal',
  'PKNumberStylePercent',
  'PKNumberStyleScientific',
  'PKNumberStyleSpellOut',
] as const;
export type NumberStyle = (typeof NUMBER_STYLES)[number];

export const TEXT_ALIGNMENTS = [
  'PKTextAlignmentLeft',
  'PKTextAlignmentCenter',
  'PKTextAlignmentRight',
  'PKTextAlignmentNatural',
] as const;
export type TextAlignment = (typeof TEXT_ALIGNMENTS)[number];

export type FieldValue = string | number;

/** A field of a template; `value` is the default every pass starts from. */
export interface FieldDefinition {
  key: string;
  label: string | null;
  value: FieldValue | null;
  /** Format string with `%@`; without one Wallet updates the field silently. */
  changeMessage: string | null;
  dateStyle: DateStyle | null;
  timeStyle: DateStyle | null;
  isRelative: boolean | null;
  ignoresTimeZone: boolean | null;
  numberStyle: NumberStyle | null;
  currencyCode: string | null;
  textAlignment: TextAlignment | null;
  /** Only dynamic fields take per-pass values and label overrides. */
  dynamic: boolean;
}

export type TemplateFields = Record<FieldSection, FieldDefinition[]>;

/** What a pass sets on one template field. Absent members keep the template's default. */
export interface FieldOverride {
  value?: FieldValue;
  label?: string;
  changeMessage?: string;
}

const FIELD_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
const CURRENCY_CODE = /^[A-Z]{3}$/;

export function emptyFields(): TemplateFields {
  return { header: [], primary: [], secondary: [], auxiliary: [], back: [] };
}

function invalidDefinition(message: string, key: string): DomainError {
  return new DomainError(DomainErrorCode.FieldDefinitionInvalid, message, { key });
}

function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

/** Validates field definitions: keys unique across all sections, styles from Apple's enumerations. */
export function validateFields(fields: TemplateFields): TemplateFields {
  const seen = new Set<string>();
  const result = emptyFields();
  for (const section of FIELD_SECTIONS) {
    for (const field of fields[section] ?? []) {
      if (typeof field.key !== 'string' || !FIELD_KEY.test(field.key)) {
        throw invalidDefinition(
          `Field key "${String(field.key)}" must be 1-64 letters, digits, "_", "." or "-".`,
          String(field.key),
        );
      }
      if (seen.has(field.key)) throw invalidDefinition(`Field key "${field.key}" is used twice.`, field.key);
      seen.add(field.key);
      for (const [name, list] of [
        ['dateStyle', DATE_STYLES],
        ['timeStyle', DATE_STYLES],
        ['numberStyle', NUMBER_STYLES],
        ['textAlignment', TEXT_ALIGNMENTS],
      ] as const) {
        const value = field[name];
        if (value !== null && !isOneOf(list as readonly string[], value)) {
          throw invalidDefinition(`Field "${field.key}" has an unknown ${name} "${String(value)}".`, field.key);
        }
      }
      if (field.currencyCode !== null && !CURRENCY_CODE.test(field.currencyCode)) {
        throw invalidDefinition(`Field "${field.key}" needs an ISO 4217 currency code.`, field.key);
      }
      if (field.textAlignment !== null && (section === 'primary' || section === 'back')) {
        // Apple: "textAlignment ... not allowed for primary fields or back fields".
        throw invalidDefinition(`Field "${field.key}": ${section} fields take no textAlignment.`, field.key);
      }
      const definition: FieldDefinition = { ...field, dynamic: field.dynamic === true };
      if (definition.value !== null) definition.value = normalizeFieldValue(definition, definition.value);
      result[section].push(definition);
    }
  }
  return result;
}

/**
 * Checks a value against its field's styles: date-styled fields need a W3C date with a zone (Wallet
 * shows nothing otherwise), number-styled and currency fields need a number.
 */
export function normalizeFieldValue(field: FieldDefinition, value: FieldValue): FieldValue {
  const wantsDate = field.dateStyle !== null || field.timeStyle !== null;
  const wantsNumber = field.numberStyle !== null || field.currencyCode !== null;
  if (wantsDate && value !== '') {
    if (typeof value !== 'string' || !isW3cDateTime(value)) {
      throw new DomainError(
        DomainErrorCode.FieldValueInvalid,
        `Field "${field.key}" takes an ISO 8601 date and time with a time zone.`,
        { key: field.key },
      );
    }
  }
  if (wantsNumber && value !== '') {
    const number = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(number) || (typeof value === 'string' && value.trim() === '')) {
      throw new DomainError(DomainErrorCode.FieldValueInvalid, `Field "${field.key}" takes a number.`, {
        key: field.key,
      });
    }
    return number;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new DomainError(DomainErrorCode.FieldValueInvalid, `Field "${field.key}" takes a finite number.`, {
      key: field.key,
    });
  }
  return value;
}
