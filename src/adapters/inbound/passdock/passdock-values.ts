import { DomainErrorCode } from '../../../domain/errors';
import { isW3cDateTime } from '../../../domain/relevance';
import { Problems, RequestProblemCode } from './passdock-errors';
import { isPlainObject } from './passdock-params';

/**
 * Readers for values inside Passdock parameters. Each adds a problem naming the value's path and
 * returns undefined when the value is unusable, so one pass over a request finds every problem.
 * Passdock's tables say "Must be String" for latitudes and flags; JSON clients send numbers and
 * booleans, so both spellings are accepted.
 */
export class ValueReader {
  constructor(readonly problems: Problems) {}

  invalid(field: string, message: string, code: Parameters<Problems['add']>[0] = RequestProblemCode.ValueInvalid): undefined {
    this.problems.add(code, field, message);
    return undefined;
  }

  hash(value: unknown, field: string): Record<string, unknown> | undefined {
    return isPlainObject(value) ? value : this.invalid(field, `${field} must be a hash.`);
  }

  list(value: unknown, field: string): unknown[] | undefined {
    return Array.isArray(value) ? value : this.invalid(field, `${field} must be an array.`);
  }

  /**
   * A list of hashes, each read by `readItem`, which adds its own problems and returns undefined
   * for an unusable item. null is the empty list. Undefined when the list or any item is unusable,
   * after every item has been read, so each one's problems are found.
   */
  hashes<T>(value: unknown, field: string, readItem: (hash: Record<string, unknown>, at: string) => T | undefined): T[] | undefined {
    if (value === null) return [];
    const items = this.list(value, field);
    if (!items) return undefined;
    const results: T[] = [];
    let complete = true;
    items.forEach((item, index) => {
      const at = `${field}[${index}]`;
      const hash = this.hash(item, at);
      const result = hash === undefined ? undefined : readItem(hash, at);
      if (result === undefined) complete = false;
      else results.push(result);
    });
    return complete ? results : undefined;
  }

  /** Attributes a hash may have; each other one is a problem, so misspellings are not silently dropped. */
  onlyKnown(hash: Record<string, unknown>, known: readonly string[], field: string): void {
    for (const key of Object.keys(hash)) {
      if (!known.includes(key)) this.invalid(`${field}.${key}`, `${field} has no attribute "${key}" (known: ${known.join(', ')}).`);
    }
  }

  string(value: unknown, field: string, code?: Parameters<Problems['add']>[0]): string | undefined {
    return typeof value === 'string' ? value : this.invalid(field, `${field} must be a string.`, code);
  }

  /** A string where "" and null mean "none" (Passdock shows unset texts as ""). */
  optionalText(value: unknown, field: string, code?: Parameters<Problems['add']>[0]): string | null | undefined {
    if (value === null || value === '') return null;
    return this.string(value, field, code);
  }

  boolean(value: unknown, field: string): boolean | undefined {
    if (value === true || value === 'true' || value === '1') return true;
    if (value === false || value === 'false' || value === '0') return false;
    return this.invalid(field, `${field} must be true or false.`);
  }

  /** A finite number, or its decimal text. */
  number(value: unknown, field: string, code?: Parameters<Problems['add']>[0]): number | undefined {
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    return Number.isFinite(number) ? number : this.invalid(field, `${field} must be a number.`, code);
  }

  integer(value: unknown, field: string, min: number, max: number, code?: Parameters<Problems['add']>[0]): number | undefined {
    const number = this.number(value, field, code);
    if (number === undefined) return undefined;
    if (!Number.isInteger(number) || number < min || number > max) {
      return this.invalid(field, `${field} must be a whole number from ${min} to ${max}.`, code);
    }
    return number;
  }

  /** ISO 8601 date and time with a zone, as Wallet requires; "" and null mean "none". */
  date(value: unknown, field: string): string | null | undefined {
    const text = this.optionalText(value, field, DomainErrorCode.DateInvalid);
    if (text === null || text === undefined) return text;
    if (!isW3cDateTime(text)) {
      return this.invalid(field, `${field} must be an ISO 8601 date and time with a time zone, e.g. 2012-12-18T14:34:10-02:00.`, DomainErrorCode.DateInvalid);
    }
    return text;
  }

  latitudeOrLongitude(value: unknown, field: string, limit: 90 | 180): number | undefined {
    const number = this.number(value, field, DomainErrorCode.LocationInvalid);
    if (number === undefined) return undefined;
    if (number < -limit || number > limit) {
      return this.invalid(field, `${field} must be between -${limit} and ${limit}.`, DomainErrorCode.LocationInvalid);
    }
    return number;
  }
}
