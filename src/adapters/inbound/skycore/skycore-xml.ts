import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TextDecoder } from 'node:util';
import { SkycoreFailure } from './skycore-errors';

/**
 * The largest XML document the endpoint reads. Skycore requests are a few kilobytes; bootstrap.ts
 * gives the `text/xml` body parser this limit, and it is applied here to documents that arrive in
 * a form field or a raw urlencoded body too.
 */
export const SKYCORE_MAX_XML_BYTES = 256 * 1024;

/** A parsed `<REQUEST>`: element names upper-cased, each a text value or (PASSDATA, DATA, CUSTOMTEXT) nested elements. */
export interface XmlElement {
  [name: string]: string | XmlElement;
}

/**
 * fast-xml-parser reads the document's structure only. With `processEntities: false` it replaces no
 * entity at all, not even `&amp;`, so no DTD-declared entity can ever be expanded (billion laughs)
 * and no external one fetched (XXE); the five predefined entities and character references are
 * decoded below, anything else is refused. `preserveOrder` keeps text and CDATA sections in order.
 */
const parser = new XMLParser({
  preserveOrder: true,
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  commentPropName: '#comment',
});

type OrderedNode = Record<string, OrderedNode[] | string>;

const DTD = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][A-Za-z0-9._-]*);/g;
/** XML 1.0 `Char`: what a document may contain, literally or by reference. */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const isXmlChar = (code: number) =>
  code === 0x9 ||
  code === 0xa ||
  code === 0xd ||
  (code >= 0x20 && code <= 0xd7ff) ||
  (code >= 0xe000 && code <= 0xfffd) ||
  (code >= 0x10000 && code <= 0x10ffff);

function parseError(detail: string): SkycoreFailure {
  return new SkycoreFailure('E108', `XML parse error: ${detail}`);
}

/**
 * The text of a document posted as the raw body, decoded as XML 1.0 (Appendix F) says: by its byte
 * order mark, else by the encoding its `<?xml … encoding="…"?>` declaration names, else as UTF-8.
 * A declaration of UTF-16 on bytes that read as ASCII is taken as UTF-8, as libxml2 (PHP's XML
 * parser) does: .NET and Java clients that serialise to a string first write exactly that.
 */
export function decodeXmlDocument(bytes: Uint8Array): string {
  const decoder = decoderFor(encodingOf(bytes));
  try {
    return decoder.decode(bytes);
  } catch {
    throw parseError(`the document is not valid ${decoder.encoding.toUpperCase()}; declare its encoding in <?xml … encoding="…"?> or send UTF-8.`);
  }
}

/** A decoder that throws on bytes the encoding does not allow; TextDecoder itself throws on names it does not know. */
function decoderFor(encoding: string): TextDecoder {
  try {
    return new TextDecoder(encoding, { fatal: true });
  } catch {
    throw parseError(`the encoding "${encoding.slice(0, 40)}" is not supported; send UTF-8.`);
  }
}

const DECLARED_ENCODING = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']*)["']/;

function encodingOf(bytes: Uint8Array): string {
  const [first, second, third] = bytes;
  if (first === 0xef && second === 0xbb && third === 0xbf) return 'utf-8';
  if (first === 0xff && second === 0xfe) return 'utf-16le';
  if (first === 0xfe && second === 0xff) return 'utf-16be';
  // "<" as one UTF-16 code unit: a UTF-16 document without a byte order mark.
  if (first === 0x3c && second === 0x00) return 'utf-16le';
  if (first === 0x00 && second === 0x3c) return 'utf-16be';
  const declared = DECLARED_ENCODING.exec(Buffer.from(bytes.subarray(0, 200)).toString('latin1'))?.[1].trim().toLowerCase();
  if (declared === undefined || declared === '' || declared.startsWith('utf-16') || declared === 'unicode') return 'utf-8';
  return declared;
}

/**
 * Parses a Skycore request document into its `<REQUEST>` element. Any DTD (DOCTYPE, ENTITY …) is
 * refused outright with E108 before the parser sees the text: Skycore documents never carry one,
 * and refusing it means an XXE or entity-expansion attempt reads and expands nothing.
 */
export function parseSkycoreXml(text: string): XmlElement {
  const document = text.replace(/^\uFEFF/, '').trim();
  if (document === '') throw new SkycoreFailure('E100', 'Invalid request: the XML document is empty.');
  if (Buffer.byteLength(document, 'utf8') > SKYCORE_MAX_XML_BYTES) {
    throw new SkycoreFailure('E100', `Invalid request: the XML document is larger than ${SKYCORE_MAX_XML_BYTES} bytes.`);
  }
  if (DTD.test(document)) throw parseError('DTDs and entity declarations (DOCTYPE, ENTITY) are not accepted.');
  if (NOT_XML_CHAR.test(document)) throw parseError('the document contains a character XML does not allow.');
  const validation = XMLValidator.validate(document);
  if (validation !== true) {
    throw parseError(`${validation.err.msg} (line ${validation.err.line}, column ${validation.err.col}).`);
  }
  const roots = elementsOf(parseValidated(document));
  if (roots.length !== 1) throw parseError('a document has exactly one root element.');
  const [name, children] = roots[0];
  if (name.toUpperCase() !== 'REQUEST') {
    throw new SkycoreFailure('E100', `Invalid request: the root element is <REQUEST>, not <${name}>.`);
  }
  return toElement(children, 'REQUEST', 0);
}

/**
 * The parser still refuses some documents the validator passes (an element named `__proto__`,
 * nesting deeper than it allows); those are parse errors of the client's document too.
 */
function parseValidated(document: string): OrderedNode[] {
  try {
    return parser.parse(document) as OrderedNode[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw parseError(message.replace(/^\[\w+\]\s*/, '').replace(/\.?$/, '.'));
  }
}

/** The element nodes among ordered nodes, without text, CDATA and comments. */
function elementsOf(nodes: OrderedNode[]): Array<[string, OrderedNode[]]> {
  const elements: Array<[string, OrderedNode[]]> = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((key) => key !== ':@');
    if (name === undefined || name === '#text' || name === '#cdata' || name === '#comment') continue;
    elements.push([name, node[name] as OrderedNode[]]);
  }
  return elements;
}

/** The elements of REQUEST that hold elements (PASSDATA; DATA and CUSTOMTEXT of the MMS and email actions, §3.8–3.9). */
const CONTAINERS = new Set(['PASSDATA', 'DATA', 'CUSTOMTEXT']);

/** REQUEST holds text elements and the containers; containers hold text elements only. */
function toElement(children: OrderedNode[], path: string, depth: number): XmlElement {
  const element: XmlElement = {};
  for (const [rawName, grandChildren] of elementsOf(children)) {
    const name = rawName.toUpperCase();
    if (Object.prototype.hasOwnProperty.call(element, name)) {
      throw new SkycoreFailure('E100', `Invalid request: <${name}> appears more than once in <${path}>.`);
    }
    const nested = elementsOf(grandChildren).length > 0;
    if (nested && depth === 0 && CONTAINERS.has(name)) element[name] = toElement(grandChildren, name, depth + 1);
    else if (nested) {
      throw new SkycoreFailure('E100', `Invalid request: <${name}> in <${path}> takes a text value, not elements.`);
    } else element[name] = textOf(grandChildren);
  }
  return element;
}

/** The text content of a leaf element: text (entity-decoded) and CDATA (verbatim) in document order, trimmed. */
function textOf(nodes: OrderedNode[]): string {
  let text = '';
  for (const node of nodes) {
    if (typeof node['#text'] === 'string') text += decodeReferences(node['#text']);
    else if (Array.isArray(node['#cdata'])) {
      for (const part of node['#cdata']) if (typeof part['#text'] === 'string') text += part['#text'];
    }
  }
  return text.trim();
}

function decodeReferences(text: string): string {
  if (text.replace(REFERENCE, '').includes('&')) throw parseError('"&" must start an entity reference (write &amp;).');
  // One pass: a decoded "&" (from &amp;) is never read as the start of another reference.
  return text.replace(REFERENCE, (reference, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!isXmlChar(code)) throw parseError(`${reference} is not an XML character.`);
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED[body];
    if (value === undefined) throw parseError(`the entity ${reference} is not defined (entities are not processed).`);
    return value;
  });
}
