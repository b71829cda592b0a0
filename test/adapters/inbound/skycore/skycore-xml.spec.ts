import { SKYCORE_MAX_XML_BYTES, parseSkycoreXml } from '../../../../src/adapters/inbound/skycore/skycore-xml';
import { MAX_XML_BYTES } from '../../../../src/bootstrap';

function failureOf(document: string): { code: string; info: string } {
  try {
    parseSkycoreXml(document);
  } catch (error) {
    return error as { code: string; info: string };
  }
  throw new Error('parsed');
}

describe('parseSkycoreXml', () => {
  it('reads REQUEST into upper-cased elements, PASSDATA nested, values trimmed', () => {
    expect(
      parseSkycoreXml(
        '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<request>\n  <Action> addPassData </Action>\n  <API_KEY>k</API_KEY>\n' +
          '  <!-- comment -->\n  <PassData><secValue2>B12</secValue2><EMPTY/></PassData>\n</request>',
      ),
    ).toEqual({ ACTION: 'addPassData', API_KEY: 'k', PASSDATA: { SECVALUE2: 'B12', EMPTY: '' } });
  });

  it('decodes the predefined entities and character references once, and keeps CDATA verbatim in order', () => {
    expect(parseSkycoreXml('<REQUEST><A>&amp;lt; &lt;b&gt; &quot;&apos; &#65;&#x42;&#x1F600;</A></REQUEST>').A).toBe(
      '&lt; <b> "\' AB\u{1F600}',
    );
    expect(parseSkycoreXml('<REQUEST><A>pre &amp; <![CDATA[&amp; <raw>]]> post</A></REQUEST>').A).toBe('pre & &amp; <raw> post');
  });

  it('refuses every DTD before parsing: E108', () => {
    for (const document of [
      '<!DOCTYPE REQUEST><REQUEST/>',
      '<!DOCTYPE REQUEST [<!ENTITY x "y">]><REQUEST><A>&x;</A></REQUEST>',
      '<?xml version="1.0"?>\n<!doctype request SYSTEM "http://example.com/r.dtd"><request/>',
      '<REQUEST><![CDATA[<!ENTITY smuggled "x">]]></REQUEST>',
    ]) {
      expect(failureOf(document)).toMatchObject({ code: 'E108', info: expect.stringContaining('DOCTYPE') });
    }
  });

  it('refuses entities it does not know, a bare ampersand and characters XML excludes: E108', () => {
    expect(failureOf('<REQUEST><A>&xxe;</A></REQUEST>')).toMatchObject({ code: 'E108', info: expect.stringContaining('&xxe;') });
    expect(failureOf('<REQUEST><A>a & b</A></REQUEST>').code).toBe('E108');
    expect(failureOf('<REQUEST><A>&#0;</A></REQUEST>').code).toBe('E108');
    expect(failureOf('<REQUEST><A>&#xD800;</A></REQUEST>').code).toBe('E108');
    expect(failureOf('<REQUEST><A>\u0001</A></REQUEST>').code).toBe('E108');
  });

  it('refuses documents that are not well-formed or have several roots: E108', () => {
    expect(failureOf('<REQUEST><A></B></REQUEST>')).toMatchObject({ code: 'E108', info: expect.stringMatching(/line 1/) });
    expect(failureOf('plain text').code).toBe('E108');
    expect(failureOf('<REQUEST/><REQUEST/>').code).toBe('E108');
  });

  it('refuses what is XML but not a request: E100', () => {
    expect(failureOf('').code).toBe('E100');
    expect(failureOf('<RESPONSE/>')).toMatchObject({ code: 'E100', info: expect.stringContaining('<REQUEST>') });
    expect(failureOf('<REQUEST><A>1</A><a>2</a></REQUEST>')).toMatchObject({ code: 'E100', info: expect.stringContaining('more than once') });
    expect(failureOf('<REQUEST><ACTION><X/></ACTION></REQUEST>').code).toBe('E100');
    expect(failureOf('<REQUEST><PASSDATA><SECVALUE1><X/></SECVALUE1></PASSDATA></REQUEST>').code).toBe('E100');
  });

  it('reads at most SKYCORE_MAX_XML_BYTES, the limit bootstrap gives the text/xml parser', () => {
    expect(SKYCORE_MAX_XML_BYTES).toBe(MAX_XML_BYTES);
    const padding = SKYCORE_MAX_XML_BYTES - '<REQUEST><A></A></REQUEST>'.length;
    expect(parseSkycoreXml(`<REQUEST><A>${'x'.repeat(padding)}</A></REQUEST>`).A).toHaveLength(padding);
    expect(failureOf(`<REQUEST><A>${'x'.repeat(padding + 1)}</A></REQUEST>`).code).toBe('E100');
  });
});
