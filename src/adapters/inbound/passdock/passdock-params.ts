import { Problem, Problems, RequestProblemCode } from './passdock-errors';

type Plain = Record<string, unknown>;

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const BRACKETED = /^([^[\]]+)((?:\[[^[\]]*\])+)$/;
/**
 * The deepest Rails-style name read, in segments: Passdock's deepest is 5
 * (`pass[relevance][locations][][latitude]`). Rack refuses deeper names too; without a bound, a
 * name of thousands of segments costs quadratic time and overflows the stack.
 */
export const MAX_NAME_SEGMENTS = 32;

export function isPlainObject(value: unknown): value is Plain {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) return false;
  // Fastify's query and form parser (fast-querystring) builds objects on a prototype of its own that has none.
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype === null || prototype === Object.prototype || Object.getPrototypeOf(prototype) === null;
}

/**
 * Rails-style nested parameter names (`pass[gate][value]=53`, `pass[relevance][locations][][latitude]=1`),
 * which apipie's parameter tables use and HTTP clients produce from nested hashes. The form
 * parser hands them over as flat keys; repeated keys arrive as arrays, so the n-th value of each
 * `[]` key goes into the n-th element. A plain key wins over bracketed keys of the same name.
 * Names deeper than MAX_NAME_SEGMENTS are left out and reported in `refused`.
 */
export function expandBracketKeys(flat: Plain, refused: Problem[] = []): Plain {
  const result: Plain = {};
  const bracketed: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(flat)) {
    if (BRACKETED.test(key)) bracketed.push([key, value]);
    else if (!UNSAFE_KEYS.has(key)) result[key] = value;
  }
  for (const [key, value] of bracketed) {
    const [, head, tail] = BRACKETED.exec(key)!;
    const path = [head, ...tail.slice(1, -1).split('][')];
    if (path.length > MAX_NAME_SEGMENTS) {
      refused.push({
        code: RequestProblemCode.ParameterInvalid,
        field: head,
        message: `A parameter name nests ${head} more than ${MAX_NAME_SEGMENTS} levels deep.`,
      });
      continue;
    }
    if (path.some((segment) => UNSAFE_KEYS.has(segment)) || typeof result[head] === 'string') continue;
    assign(result, path, value);
  }
  return result;
}

/** A value inside a parameter and how it was reached, for naming it without recursion. */
interface Place {
  value: unknown;
  parent: Place | null;
  /** The key or index in the parent; the parameter's name at the top. */
  key: string | number;
}

function pathOf(place: Place): string {
  const segments: string[] = [];
  for (let at: Place | null = place; at !== null; at = at.parent) {
    segments.push(typeof at.key === 'number' ? `[${at.key}]` : at.parent === null ? at.key : `.${at.key}`);
  }
  return segments.reverse().join('').replace(/^\./, '');
}

/**
 * The paths of the texts (values or keys) in a parameter that hold U+0000, in document order. No
 * Passdock value has a use for it, and PostgreSQL text columns refuse it, so such a request would
 * otherwise end in a database error. Walks with a list rather than recursion: a JSON body may nest
 * deeper than the stack.
 */
export function pathsWithNulCharacter(root: unknown, rootPath: string): string[] {
  const found: string[] = [];
  const pending: Place[] = [{ value: root, parent: null, key: rootPath }];
  for (let place = pending.pop(); place !== undefined; place = pending.pop()) {
    const { value, key } = place;
    // A key with NUL names the place itself; what it holds is not looked at.
    if ((typeof key === 'string' && key.includes('\u0000')) || (typeof value === 'string' && value.includes('\u0000'))) {
      found.push(pathOf(place));
    } else if (Array.isArray(value)) {
      // Pushed last to first, so the paths come out in document order.
      for (let index = value.length - 1; index >= 0; index -= 1) pending.push({ value: value[index], parent: place, key: index });
    } else if (isPlainObject(value)) {
      const keys = Object.keys(value);
      for (let index = keys.length - 1; index >= 0; index -= 1) pending.push({ value: value[keys[index]], parent: place, key: keys[index] });
    }
  }
  return found;
}

function nulCharacterMessage(field: string): string {
  return `${field} holds a NUL character (U+0000), which no text may hold.`;
}

/** Sets `value` at `path[from…]` below `target`, making the hashes and lists on the way. */
function assign(target: Plain, path: readonly string[], value: unknown, from = 0): void {
  const segment = path[from];
  if (from === path.length - 1) {
    target[segment] = value;
    return;
  }
  if (path[from + 1] === '') {
    // `name[]` or `name[][child]`: one element per value.
    const values = Array.isArray(value) ? value : [value];
    const list = Array.isArray(target[segment]) ? (target[segment] as unknown[]) : [];
    target[segment] = list;
    values.forEach((element, index) => {
      if (from + 1 === path.length - 1) {
        list[index] = element;
        return;
      }
      const item = isPlainObject(list[index]) ? (list[index] as Plain) : {};
      list[index] = item;
      assign(item, path, element, from + 2);
    });
    return;
  }
  const child = isPlainObject(target[segment]) ? (target[segment] as Plain) : {};
  target[segment] = child;
  assign(child, path, value, from + 1);
}

/**
 * A Passdock request's parameters. Passdock took every parameter from the query string or the
 * body alike (clients send `api_token` in either; reference §1), and the body comes in two
 * encodings (create-pass page): form fields holding JSON text (`pass={"serial_number":…}`) and
 * `application/json` with nested objects. Both end up here as the same values.
 */
export class PassdockParams {
  private constructor(
    private readonly body: Plain,
    private readonly query: Plain,
    /** What the request carries that no endpoint reads (names nested too deep, NUL characters); ApiTokenGuard answers them. */
    readonly refused: readonly Problem[],
  ) {}

  static of(body: unknown, query: unknown): PassdockParams {
    const refused: Problem[] = [];
    const expandedBody = isPlainObject(body) ? expandBracketKeys(body, refused) : {};
    const expandedQuery = isPlainObject(query) ? expandBracketKeys(query, refused) : {};
    for (const params of [expandedBody, expandedQuery]) {
      for (const field of pathsWithNulCharacter(params, '')) refused.push({ code: RequestProblemCode.ValueInvalid, field, message: nulCharacterMessage(field) });
    }
    return new PassdockParams(expandedBody, expandedQuery, refused);
  }

  /** The raw value, from the body first, then the query; a repeated form field counts once (its last value). */
  value(name: string): unknown {
    const raw = Object.hasOwn(this.body, name) ? this.body[name] : this.query[name];
    const repeatedField = Array.isArray(raw) && raw.length > 0 && raw.every((item) => typeof item === 'string');
    return repeatedField ? raw[raw.length - 1] : raw;
  }

  has(name: string): boolean {
    return this.value(name) !== undefined;
  }

  /** Passdock's `"true"`/`"false"` flags (`debug`, `errors`, `compact`, `many`, `show`). */
  flag(name: string): boolean {
    const value = this.value(name);
    return value === true || value === 'true' || value === '1';
  }

  text(name: string): string | undefined {
    const value = this.value(name);
    return typeof value === 'string' ? value : undefined;
  }

  /**
   * A parameter that holds a JSON document: text in a form field (or JSON text in a JSON body) is
   * parsed, a nested object is taken as is. Text that does not parse is a MALFORMED_JSON problem
   * (400) and the result is undefined, as for an absent parameter; `present` tells them apart.
   * A NUL character the JSON text spells (`\u0000`) is a problem too, as one sent as is.
   */
  json(name: string, problems: Problems): { present: boolean; value: unknown } {
    const raw = this.value(name);
    if (raw === undefined) return { present: false, value: undefined };
    if (typeof raw !== 'string') return { present: true, value: raw };
    let value: unknown;
    try {
      value = JSON.parse(raw) as unknown;
    } catch (error) {
      problems.add(RequestProblemCode.MalformedJson, name, `"${name}" is not valid JSON: ${(error as Error).message}`);
      return { present: true, value: undefined };
    }
    for (const field of pathsWithNulCharacter(value, name)) problems.add(RequestProblemCode.ValueInvalid, field, nulCharacterMessage(field));
    return { present: true, value };
  }
}
