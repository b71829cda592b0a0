import { decodeXmlDocument, SKYCORE_MAX_XML_BYTES, parseSkycoreXml } from '../../../../src/adapters/inbound/skycore/skycore-xml';

function failureOfRunning(run: () => unknown): { code: string; info: string } {
  try {
    run();
  } catch (error) {
    return error as { code: string; info: string };
  }
  throw new Error('no failure');
}

const failureOf = (document: string) => failureOfRunning(() => parseSkycoreXml(document));

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

  it('answers what the parser refuses after the validator passed it with E108, not an internal error', () => {
    expect(failureOf('<REQUEST><__proto__>x</__proto__></REQUEST>')).toMatchObject({
      code: 'E108',
      info: 'XML parse error: Invalid name: "__proto__" is a reserved JavaScript keyword that could cause prototype pollution.',
    });
    expect(failureOf('<REQUEST><PASSDATA><constructor><A>1</A></constructor></PASSDATA></REQUEST>').code).toBe('E108');
    const deep = `<REQUEST>${'<A>'.repeat(5000)}x${'</A>'.repeat(5000)}</REQUEST>`;
    expect(failureOf(deep)).toMatchObject({ code: 'E108', info: expect.stringContaining('nested') });
  });

  it('refuses what is XML but not a request: E100', () => {
    expect(failureOf('').code).toBe('E100');
    expect(failureOf('<RESPONSE/>')).toMatchObject({ code: 'E100', info: expect.stringContaining('<REQUEST>') });
    expect(failureOf('<REQUEST><A>1</A><a>2</a></REQUEST>')).toMatchObject({ code: 'E100', info: expect.stringContaining('more than once') });
    expect(failureOf('<REQUEST><ACTION><X/></ACTION></REQUEST>').code).toBe('E100');
    expect(failureOf('<REQUEST><PASSDATA><SECVALUE1><X/></SECVALUE1></PASSDATA></REQUEST>').code).toBe('E100');
  });

  it('reads at most SKYCORE_MAX_XML_BYTES', () => {
    const padding = SKYCORE_MAX_XML_BYTES - '<REQUEST><A></A></REQUEST>'.length;
    expect(parseSkycoreXml(`<REQUEST><A>${'x'.repeat(padding)}</A></REQUEST>`).A).toHaveLength(padding);
    expect(failureOf(`<REQUEST><A>${'x'.repeat(padding + 1)}</A></REQUEST>`).code).toBe('E100');
  });
});

describe('decodeXmlDocument', () => {
  const DOCUMENT = '<REQUEST><A>Zoë ☃ 😀</A></REQUEST>';
  const decodeFailure = (bytes: Uint8Array) => failureOfRunning(() => decodeXmlDocument(bytes));

  it('reads UTF-8, with or without a byte order mark', () => {
    expect(decodeXmlDocument(Buffer.from(DOCUMENT))).toBe(DOCUMENT);
    expect(decodeXmlDocument(Buffer.from(`\uFEFF${DOCUMENT}`))).toBe(DOCUMENT);
  });

  it('reads UTF-16 by its byte order mark, or by its first character without one', () => {
    const declared = `<?xml version="1.0" encoding="UTF-16"?>${DOCUMENT}`;
    const le = Buffer.from(declared, 'utf16le');
    const be = Buffer.from(le).swap16();
    expect(decodeXmlDocument(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).toBe(declared);
    expect(decodeXmlDocument(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(declared);
    expect(decodeXmlDocument(le)).toBe(declared);
    expect(decodeXmlDocument(be)).toBe(declared);
  });

  it('reads the encoding the declaration names; UTF-16 declared on single bytes is UTF-8, as libxml2 reads it', () => {
    const latin1 = Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?><REQUEST><A>Zo\u00eb</A></REQUEST>`, 'latin1');
    expect(parseSkycoreXml(decodeXmlDocument(latin1)).A).toBe('Zoë');
    const mislabelled = Buffer.from(`<?xml version='1.0' encoding='utf-16'?>${DOCUMENT}`);
    expect(parseSkycoreXml(decodeXmlDocument(mislabelled)).A).toBe('Zoë ☃ 😀');
  });

  it('refuses bytes that are not text in the encoding, and encodings it does not know: E108', () => {
    expect(decodeFailure(Buffer.from('<REQUEST><A>Zo\u00eb</A></REQUEST>', 'latin1'))).toMatchObject({
      code: 'E108',
      info: expect.stringContaining('not valid UTF-8'),
    });
    expect(decodeFailure(Buffer.from('<?xml version="1.0" encoding="EBCDIC-XYZ"?><REQUEST/>'))).toMatchObject({
      code: 'E108',
      info: expect.stringContaining('"ebcdic-xyz" is not supported'),
    });
  });
});
