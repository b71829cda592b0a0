import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SkycoreFailure } from './skycore-errors';

/**
 * The largest XML document the endpoint reads. Skycore requests are a few kilobytes; this is the
 * same limit bootstrap.ts gives the `text/xml` body parser (MAX_XML_BYTES; a unit test keeps both
 * equal), applied here to documents that arrive in a form field or a raw urlencoded body too.
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
  const roots = elementsOf(parser.parse(document) as OrderedNode[]);
  if (roots.length !== 1) throw parseError('a document has exactly one root element.');
  const [name, children] = roots[0];
  if (name.toUpperCase() !== 'REQUEST') {
    throw new SkycoreFailure('E100', `Invalid request: the root element is <REQUEST>, not <${name}>.`);
  }
  return toElement(children, 'REQUEST', 0);
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
