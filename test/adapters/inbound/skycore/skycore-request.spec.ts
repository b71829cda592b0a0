import { readGetRequest, readPostRequest } from '../../../../src/adapters/inbound/skycore/skycore-request';

const DOCUMENT = '<REQUEST><ACTION>addPassData</ACTION><API_KEY>k</API_KEY><PASSTEMPLATEID>7</PASSTEMPLATEID><PASSDATA><SECVALUE1>B</SECVALUE1></PASSDATA></REQUEST>';
const READ = { action: 'addpassdata', apiKey: 'k', fields: { ACTION: 'addPassData', API_KEY: 'k', PASSTEMPLATEID: '7' }, passData: { SECVALUE1: 'B' } };

describe('reading Skycore requests', () => {
  it('GET: lowercase parameters, pd_ pass data, the last of repeated parameters (as PHP), empty values absent', () => {
    expect(
      readGetRequest({
        action: 'UpdatePass',
        api_key: ' k ',
        passdataid: ['first', 'second'],
        pd_secvalue2: 'B12',
        PD_RelLatitude1: '1.5',
        pd_backvalue1: '',
        passtemplateid: '',
      }),
    ).toEqual({
      action: 'updatepass',
      apiKey: 'k',
      fields: { ACTION: 'UpdatePass', API_KEY: 'k', PASSDATAID: 'second' },
      passData: { SECVALUE2: 'B12', RELLATITUDE1: '1.5' },
    });
    expect(readGetRequest({ action: 'getpasstemplateids' }).passData).toBeNull();
    expect(readGetRequest(undefined)).toEqual({ action: null, apiKey: null, fields: {}, passData: null });
  });

  it('POST: a document in a form field named xml, any letter case; never from a GET query', () => {
    expect(readGetRequest({ xml: DOCUMENT, action: 'x' }).fields).toEqual({ ACTION: 'x', XML: DOCUMENT });
    expect(readPostRequest({ xml: DOCUMENT }, null, {})).toEqual(READ);
    expect(readPostRequest({ XML: DOCUMENT }, null, {})).toEqual(READ);
    expect(readPostRequest({ Xml: Buffer.from(DOCUMENT) }, null, {})).toEqual(READ);
  });

  it('POST: a raw body as text or bytes, or an urlencoded body that is a document', () => {
    expect(readPostRequest(DOCUMENT, null, {})).toEqual(READ);
    expect(readPostRequest(Buffer.from(`<?xml version="1.0"?>${DOCUMENT}`), null, {})).toEqual(READ);
    const raw = `<?xml version="1.0"?>\n${DOCUMENT}`;
    expect(readPostRequest({ '<?xml version': '"1.0"?>…' }, raw, {})).toEqual(READ);
  });

  it('POST without a document: form fields and query like GET parameters, or E100 when there is nothing', () => {
    expect(readPostRequest({ action: 'deletepassdata', passdataid: 'abc' }, 'action=deletepassdata&passdataid=abc', { api_key: 'k' })).toEqual({
      action: 'deletepassdata',
      apiKey: 'k',
      fields: { ACTION: 'deletepassdata', API_KEY: 'k', PASSDATAID: 'abc' },
      passData: null,
    });
    expect(() => readPostRequest(undefined, null, {})).toThrow(expect.objectContaining({ code: 'E100' }));
    expect(() => readPostRequest({}, '', {})).toThrow(expect.objectContaining({ code: 'E100' }));
  });

  it('an empty <PASSDATA/> is pass data with nothing in it; text in it is E100', () => {
    expect(readPostRequest('<REQUEST><ACTION>updatePass</ACTION><PASSDATA/></REQUEST>', null, {}).passData).toEqual({});
    expect(() => readPostRequest('<REQUEST><PASSDATA>x</PASSDATA></REQUEST>', null, {})).toThrow(expect.objectContaining({ code: 'E100' }));
  });

  it('containers of other actions (DATA) are not pass data', () => {
    expect(readPostRequest('<REQUEST><ACTION>sendPassInEmail</ACTION><DATA><FIRST_NAME>Ada</FIRST_NAME></DATA></REQUEST>', null, {})).toEqual({
      action: 'sendpassinemail',
      apiKey: null,
      fields: { ACTION: 'sendPassInEmail' },
      passData: null,
    });
  });
});
