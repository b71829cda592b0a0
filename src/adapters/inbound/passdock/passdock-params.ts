import { Problems, RequestProblemCode } from './passdock-errors';

type Plain = Record<string, unknown>;

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const BRACKETED = /^([^[\]]+)((?:\[[^[\]]*\])+)$/;

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
 */
export function expandBracketKeys(flat: Plain): Plain {
  const result: Plain = {};
  const bracketed: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(flat)) {
    if (BRACKETED.test(key)) bracketed.push([key, value]);
    else if (!UNSAFE_KEYS.has(key)) result[key] = value;
  }
  for (const [key, value] of bracketed) {
    const [, head, tail] = BRACKETED.exec(key)!;
    const path = [head, ...tail.slice(1, -1).split('][')];
    if (path.some((segment) => UNSAFE_KEYS.has(segment)) || typeof result[head] === 'string') continue;
    assign(result, path, value);
  }
  return result;
}

function assign(target: Plain, path: string[], value: unknown): void {
  const [segment, ...rest] = path;
  if (rest.length === 0) {
    target[segment] = value;
    return;
  }
  if (rest[0] === '') {
    // `name[]` or `name[][child]`: one element per value.
    const values = Array.isArray(value) ? value : [value];
    const list = Array.isArray(target[segment]) ? (target[segment] as unknown[]) : [];
    target[segment] = list;
    values.forEach((element, index) => {
      if (rest.length === 1) {
        list[index] = element;
        return;
      }
      const item = isPlainObject(list[index]) ? (list[index] as Plain) : {};
      list[index] = item;
      assign(item, rest.slice(1), element);
    });
    return;
  }
  const child = isPlainObject(target[segment]) ? (target[segment] as Plain) : {};
  target[segment] = child;
  assign(child, rest, value);
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
  ) {}

  static of(body: unknown, query: unknown): PassdockParams {
    return new PassdockParams(
      isPlainObject(body) ? expandBracketKeys(body) : {},
      isPlainObject(query) ? expandBracketKeys(query) : {},
    );
  }

  /** The raw value, from the body first, then the query; a repeated form field counts once (its last value). */
  value(name: string): unknown {
    const raw = Object.hasOwn(this.body, name) ? this.body[name] : this.query[name];
    return Array.isArray(raw) && raw.every((item) => typeof item === 'string') ? raw[raw.length - 1] : raw;
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
   */
  json(name: string, problems: Problems): { present: boolean; value: unknown } {
    const raw = this.value(name);
    if (raw === undefined) return { present: false, value: undefined };
    if (typeof raw !== 'string') return { present: true, value: raw };
    try {
      return { present: true, value: JSON.parse(raw) as unknown };
    } catch (error) {
      problems.add(RequestProblemCode.MalformedJson, name, `"${name}" is not valid JSON: ${(error as Error).message}`);
      return { present: true, value: undefined };
    }
  }
}
