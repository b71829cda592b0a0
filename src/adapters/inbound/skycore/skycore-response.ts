import type { SkycoreFailure } from './skycore-errors';

/** Ordered response elements: a text value, or nested elements (PASSTEMPLATE). */
export type ResponseElements = ReadonlyArray<readonly [name: string, value: string | number | ResponseElements]>;

export const SKYCORE_CONTENT_TYPE = 'text/xml; charset=utf-8';

/** Characters XML 1.0 cannot carry at all, not even as references; dropped from output. */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes element text: `&`, `<` and `>` (quotes need no escape outside attributes, and left as they
 * are they stay readable to clients that pick values out with a regular expression). Skycore's own
 * docs print DOWNLOADURL's `&` raw, which is not XML (reference §3.6); XML parsers need `&amp;`.
 */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function render(elements: ResponseElements, indent: string): string {
  return elements
    .map(([name, value]) =>
      typeof value === 'object'
        ? `${indent}<${name}>\n${render(value, `${indent}  `)}${indent}</${name}>\n`
        : `${indent}<${name}>${escapeXml(String(value))}</${name}>\n`,
    )
    .join('');
}

function envelope(elements: ResponseElements): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<RESPONSE>\n${render(elements, '  ')}</RESPONSE>\n`;
}

/** `<STATUS>Success</STATUS>` and the action's elements (reference §1, "Response envelope"). */
export function successXml(elements: ResponseElements): string {
  return envelope([['STATUS', 'Success'], ...elements]);
}

export function failureXml(failure: Pick<SkycoreFailure, 'code' | 'info'>): string {
  return envelope([
    ['STATUS', 'Failure'],
    ['ERRORCODE', failure.code],
    ['ERRORINFO', failure.info],
  ]);
}
