import { SkycoreFailure } from './skycore-errors';
import { decodeXmlDocument, parseSkycoreXml, XmlElement } from './skycore-xml';

/**
 * One Skycore call, whichever way it arrived: element names upper-cased (`PASSTEMPLATEID`,
 * `PASSDATAID`, `MMSID` …), pass data by its element name without the `pd_` prefix (`SECLABEL2`).
 * Values are trimmed; an empty value counts as absent.
 */
export interface SkycoreRequest {
  /** Lower-cased: Skycore matches actions case-insensitively (XML examples camelCase, GET lowercase; §1). */
  action: string | null;
  apiKey: string | null;
  fields: Readonly<Record<string, string>>;
  /** null when the call carries no PASSDATA element and no `pd_` parameter. */
  passData: Readonly<Record<string, string>> | null;
}

type Params = Record<string, unknown>;

/**
 * GET: lowercase parameters (`action`, `api_key`, `passtemplateid`, `passdataid`, `pd_<field>`;
 * reference §1, "Two request styles"). No XML document in the query: request URLs are logged, and
 * only the `api_key` parameter is redacted there.
 */
export function readGetRequest(query: Params | undefined): SkycoreRequest {
  return fromParams(query ?? {});
}

/**
 * POST: the document in a form field `xml` (documented) or `XML` (the PHP SDK's multipart form),
 * or as the raw body (the Ruby gem posts it raw, and its HTTP library labels it urlencoded, so a
 * urlencoded body that is an XML document counts as one; `rawUrlencoded` is that body as
 * received). A POST without a document may carry the GET parameters as form fields.
 */
export function readPostRequest(body: unknown, rawUrlencoded: string | null, query: Params | undefined): SkycoreRequest {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return fromXml(textOf(body));
  const form = isParams(body) ? body : {};
  const document = xmlField(form);
  if (document !== null) return fromXml(document);
  if (rawUrlencoded !== null && rawUrlencoded.trimStart().startsWith('<')) return fromXml(rawUrlencoded);
  const params = { ...(query ?? {}), ...form };
  if (Object.keys(params).length === 0) {
    throw new SkycoreFailure(
      'E100',
      'Invalid request: no XML document. Post it in a form field "xml", or as a text/xml body, or use GET parameters.',
    );
  }
  return fromParams(params);
}

function isParams(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function textOf(value: string | Buffer): string {
  return typeof value === 'string' ? value : decodeXmlDocument(value);
}

/** PHP, which Skycore runs on, keeps the last of repeated parameters. */
function lastOf(value: unknown): string | null {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (typeof last === 'string') return last;
  if (Buffer.isBuffer(last)) return last.toString('utf8');
  return null;
}

function xmlField(params: Params | undefined): string | null {
  if (!params) return null;
  const key = Object.keys(params).find((name) => name.toLowerCase() === 'xml');
  return key === undefined ? null : (lastOf(params[key]) ?? '');
}

function nonEmpty(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

function fromXml(document: string): SkycoreRequest {
  const root = parseSkycoreXml(document);
  const fields: Record<string, string> = {};
  let passData: Record<string, string> | null = null;
  for (const [name, value] of Object.entries(root)) {
    if (name === 'PASSDATA') {
      if (typeof value === 'string' && value !== '') {
        throw new SkycoreFailure('E100', 'Invalid request: <PASSDATA> holds elements such as <BARCODEVALUE>, not text.');
      }
      passData = typeof value === 'string' ? {} : leafValues(value);
    } else if (typeof value === 'string') fields[name] = value;
  }
  return {
    action: nonEmpty(fields.ACTION)?.toLowerCase() ?? null,
    apiKey: nonEmpty(fields.API_KEY),
    fields: withoutEmpty(fields),
    passData,
  };
}

/** Text children of an element; nested containers (DATA, CUSTOMTEXT of the MMS actions) are not pass data. */
function leafValues(element: XmlElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(element)) if (typeof value === 'string') values[name] = value;
  return withoutEmpty(values);
}

function withoutEmpty(values: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const text = nonEmpty(value);
    if (text !== null) result[name] = text;
  }
  return result;
}

function fromParams(params: Params): SkycoreRequest {
  const fields: Record<string, string> = {};
  let passData: Record<string, string> | null = null;
  for (const [name, raw] of Object.entries(params)) {
    const value = lastOf(raw);
    if (value === null) continue;
    const lower = name.toLowerCase();
    if (lower.startsWith('pd_') && lower.length > 3) {
      passData ??= {};
      passData[lower.slice(3).toUpperCase()] = value;
    } else fields[lower.toUpperCase()] = value;
  }
  return {
    action: nonEmpty(fields.ACTION)?.toLowerCase() ?? null,
    apiKey: nonEmpty(fields.API_KEY),
    fields: withoutEmpty(fields),
    passData: passData === null ? null : withoutEmpty(passData),
  };
}
