import { XMLParser } from 'fast-xml-parser';
import { escapeXml, failureXml, successXml } from '../../../../src/adapters/inbound/skycore/skycore-response';

const parse = (xml: string) => new XMLParser({ parseTagValue: false }).parse(xml) as { RESPONSE: Record<string, unknown> };

describe('Skycore response writer', () => {
  it('writes the Success envelope with the elements in order, nested ones indented', () => {
    const xml = successXml([
      ['PASSTEMPLATEID', 7],
      ['PASSTEMPLATE', [['PASSNAME', 'Gala']]],
    ]);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<RESPONSE>\n  <STATUS>Success</STATUS>\n  <PASSTEMPLATEID>7</PASSTEMPLATEID>\n' +
        '  <PASSTEMPLATE>\n    <PASSNAME>Gala</PASSNAME>\n  </PASSTEMPLATE>\n</RESPONSE>\n',
    );
  });

  it('writes the Failure envelope', () => {
    expect(parse(failureXml({ code: 'E808', info: 'Invalid passdataid.' })).RESPONSE).toEqual({
      STATUS: 'Failure',
      ERRORCODE: 'E808',
      ERRORINFO: 'Invalid passdataid.',
    });
  });

  it('escapes text, so a DOWNLOADURL with "&" is well-formed and reads back unchanged', () => {
    const url = 'https://d2c.example.com/passes/downloadpass.php?pass=q9w8e7&download=1';
    const xml = successXml([['DOWNLOADURL', url]]);
    expect(xml).toContain('<DOWNLOADURL>https://d2c.example.com/passes/downloadpass.php?pass=q9w8e7&amp;download=1</DOWNLOADURL>');
    expect(parse(xml).RESPONSE.DOWNLOADURL).toBe(url);
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe(`&lt;a href="x"&gt;'&amp;'&lt;/a&gt;`);
    expect(escapeXml(']]>')).toBe(']]&gt;');
  });

  it('drops characters XML cannot carry rather than writing a broken document', () => {
    expect(escapeXml('a\u0000b\u0008c\td\ne\uFFFEf\uD800g\u{1F600}')).toBe('abc\td\nefg\u{1F600}');
  });
});
