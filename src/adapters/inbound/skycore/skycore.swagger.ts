import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PASS_ACTIONS } from './skycore-actions';
import { failure } from './skycore-errors';
import { failureXml, successXml } from './skycore-response';

/**
 * Swagger documentation of the Skycore endpoint: each action's XML request and its Success and
 * Failure answers, as examples a person can pick and send from Swagger UI.
 */

const KEY = 'pg_0123456789abcdefAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd';
const PASS_DATA_ID = '5f0c3b1e9a7d4c2b8e6f1a0d3c5b7e9f';
const BASE = 'https://passes.example.com';

function request(action: string, inner = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<REQUEST>\n  <ACTION>${action}</ACTION>\n  <API_KEY>${KEY}</API_KEY>\n${inner}</REQUEST>\n`;
}

const REQUESTS: Record<string, { summary: string; xml: string }> = {
  getPassTemplateIds: { summary: 'getPassTemplateIds: the account\'s template ids', xml: request('getPassTemplateIds') },
  getPassTemplate: {
    summary: 'getPassTemplate: one template\'s fields by section and position',
    xml: request('getPassTemplate', '  <PASSTEMPLATEID>1</PASSTEMPLATEID>\n'),
  },
  addPassData: {
    summary: 'addPassData: store pass data (not issued yet)',
    xml: request(
      'addPassData',
      '  <PASSTEMPLATEID>1</PASSTEMPLATEID>\n  <PASSDATA>\n    <CUSTOMPASSID>ORDER-42</CUSTOMPASSID>\n' +
        '    <BARCODEVALUE>9988776655</BARCODEVALUE>\n    <PRIMARYVALUE1>Ada Lovelace</PRIMARYVALUE1>\n' +
        '    <RELLATITUDE1>40.7128</RELLATITUDE1>\n    <RELLONGITUDE1>-74.0060</RELLONGITUDE1>\n' +
        '    <RELTEXT1>You are near the venue</RELTEXT1>\n    <EMAIL>ada@example.org</EMAIL>\n  </PASSDATA>\n',
    ),
  },
  generatePassById: {
    summary: 'generatePassById: issue stored pass data, get the links',
    xml: request('generatePassById', `  <PASSDATAID>${PASS_DATA_ID}</PASSDATAID>\n`),
  },
  generatePass: {
    summary: 'generatePass: store and issue in one call',
    xml: request(
      'generatePass',
      '  <PASSTEMPLATEID>1</PASSTEMPLATEID>\n  <PASSDATA>\n    <BARCODEVALUE>1234567890</BARCODEVALUE>\n' +
        '    <PRIMARYVALUE1>Grace Hopper</PRIMARYVALUE1>\n  </PASSDATA>\n',
    ),
  },
  updatePass: {
    summary: 'updatePass: new values for a pass (devices holding it get a push)',
    xml: request(
      'updatePass',
      `  <PASSDATAID>${PASS_DATA_ID}</PASSDATAID>\n  <PASSDATA>\n    <PRIMARYVALUE1>Ada King</PRIMARYVALUE1>\n  </PASSDATA>\n`,
    ),
  },
  deletePassData: {
    summary: 'deletePassData: forget the pass data (issued passes stay valid)',
    xml: request('deletePassData', `  <PASSDATAID>${PASS_DATA_ID}</PASSDATAID>\n`),
  },
};

const issued = successXml([
  ['PASSDATAID', PASS_DATA_ID],
  ['SERIALNUMBER', '3F9A6C01D27B44E8A1C5'],
  ['CUSTOMPASSID', 'ORDER-42'],
  ['PASSLINK', `${BASE}/p/17/9c1d0e7f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c1d`],
  ['DOWNLOADURL', `${BASE}/passes/17/9c1d0e7f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c1d.pkpass`],
]);

const RESPONSES: Record<string, { summary: string; value: string }> = {
  getPassTemplateIds: { summary: 'getPassTemplateIds: Success', value: successXml([['PASSTEMPLATEIDS', '1,2,7']]) },
  getPassTemplate: {
    summary: 'getPassTemplate: Success',
    value: successXml([
      ['PASSTEMPLATEID', 1],
      [
        'PASSTEMPLATE',
        [
          ['PASSNAME', 'Spring Gala'],
          ['PASSTYPE', 'Event Ticket'],
          ['ORGANIZATION', 'Acme Events'],
          ['DESCRIPTION', 'Spring Gala ticket'],
          ['BARCODEVALUE', ''],
          ['BARCODETEXT', ''],
          ['HEADERFIELDS', 1],
          ['HEADERLABEL1', 'Row'],
          ['HEADERVALUE1', '12'],
          ['PRIMARYFIELDS', 1],
          ['PRIMARYLABEL1', 'Guest'],
          ['PRIMARYVALUE1', 'Guest'],
          ['SECFIELDS', 0],
          ['AUXFIELDS', 0],
          ['BACKFIELDS', 1],
          ['BACKLABEL1', 'Terms'],
          ['BACKVALUE1', 'Not transferable.'],
        ],
      ],
    ]),
  },
  addPassData: {
    summary: 'addPassData: Success',
    value: successXml([
      ['PASSTEMPLATEID', 1],
      ['PASSDATAID', PASS_DATA_ID],
    ]),
  },
  generatePassById: { summary: 'generatePassById / generatePass: Success', value: issued },
  updatePass: {
    summary: 'updatePass: Success (UPDATESTATUSID is <pass id>-<version>; data the pass already has keeps the version and the id)',
    value: successXml([
      ['PASSDATAID', PASS_DATA_ID],
      ['UPDATESTATUSID', '17-3'],
    ]),
  },
  deletePassData: { summary: 'deletePassData: Success', value: successXml([]) },
  E104: { summary: 'Failure E104 (any action): the API key is not valid', value: failureXml(failure('E104', 'The API key is not valid.')) },
  E800: { summary: 'Failure E800 (getPassTemplateIds): no templates', value: failureXml(failure('E800')) },
  E802: {
    summary: 'Failure E802 (getPassTemplate, addPassData, generatePass): unknown, deleted or another account\'s template',
    value: failureXml(failure('E802')),
  },
  E803: { summary: 'Failure E803 (addPassData, generatePass): the template needs a BARCODEVALUE', value: failureXml(failure('E803')) },
  E808: {
    summary: 'Failure E808 (generatePassById, updatePass, deletePassData): unknown, deleted or another account\'s PASSDATAID',
    value: failureXml(failure('E808')),
  },
  E843: {
    summary: 'Failure E843 (addPassData, updatePass, generatePass): PRIMARYVALUE1 on a field that is not dynamic',
    value: failureXml({ code: 'E843', info: 'PRIMARYVALUE1 is not accepted: field "name" must be set Dynamic in the pass template.' }),
  },
  E824: {
    summary: 'Failure E824 (updatePass): no PASSDATA',
    value: failureXml(failure('E824', 'Give the new values in <PASSDATA> (or pd_ parameters).')),
  },
  E830: { summary: 'Failure E830 (generatePass / generatePassById): internal error', value: failureXml(failure('E830')) },
  E108: {
    summary: 'Failure E108 (any action): not well-formed XML, or a DTD',
    value: failureXml({ code: 'E108', info: 'XML parse error: DTDs and entity declarations (DOCTYPE, ENTITY) are not accepted.' }),
  },
};

const DESCRIPTION =
  'Skycore API 1.3 compatible: the pass actions getPassTemplateIds, getPassTemplate, addPassData, ' +
  'updatePass, deletePassData, generatePassById and generatePass (names case-insensitive). The API key is ' +
  'an account\'s passgate key. Every answer is HTTP 200, `text/xml`, a `<RESPONSE>` with ' +
  '`<STATUS>Success</STATUS>` and the action\'s elements, or `<STATUS>Failure</STATUS>` with ' +
  '`<ERRORCODE>` and `<ERRORINFO>`. Pass data slots (HEADER…1, PRIMARY…1–2, SEC…1–4, AUX…1–4, BACK…1–4) ' +
  'address the template\'s fields by section and position and accept values only for dynamic fields ' +
  '(E840–E869); RELLATITUDEn/RELLONGITUDEn/RELTEXTn and IBEACON…n fill location and beacon slots ' +
  '(E870–E999). The email and MMS actions answer E107.';

const textXml = { type: 'string', description: 'a Skycore `<REQUEST>` document' };

function examplesOf<T>(map: Record<string, { summary: string }>, value: (key: string) => T) {
  return Object.fromEntries(Object.entries(map).map(([key, entry]) => [key, { summary: entry.summary, value: value(key) }]));
}

export const SkycoreTag = () => ApiTags('Skycore XML API');

const responses = () =>
  ApiOkResponse({
    description: 'Always 200: a Success or Failure `<RESPONSE>`',
    content: {
      'text/xml': {
        schema: { type: 'string' },
        examples: examplesOf(RESPONSES, (key) => RESPONSES[key].value),
      },
    },
  });

export function SkycorePostDocs(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      summary: 'Skycore XML API: POST the <REQUEST> document',
      description:
        `${DESCRIPTION}\n\nThe document goes in a form field \`xml\` (or \`XML\`), urlencoded or multipart, ` +
        'or is the raw body (`text/xml`, `application/xml`), with or without an `<?xml …?>` prolog. ' +
        'DTDs and entities are refused (E108).',
      requestBody: {
        required: true,
        content: {
          'text/xml': { schema: textXml, examples: examplesOf(REQUESTS, (key) => REQUESTS[key].xml) },
          'application/xml': { schema: textXml, examples: examplesOf(REQUESTS, (key) => REQUESTS[key].xml) },
          'application/x-www-form-urlencoded': {
            schema: { type: 'object', properties: { xml: textXml }, required: ['xml'] },
            examples: examplesOf(REQUESTS, (key) => ({ xml: REQUESTS[key].xml })),
          },
          'multipart/form-data': {
            schema: { type: 'object', properties: { XML: textXml }, required: ['XML'] },
            examples: examplesOf(REQUESTS, (key) => ({ XML: REQUESTS[key].xml })),
          },
        },
      },
    }),
    ApiProduces('text/xml'),
    responses(),
  );
}

export function SkycoreGetDocs(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      summary: 'Skycore XML API: the same actions with GET parameters',
      description:
        `${DESCRIPTION}\n\nGET takes the lowercase element names as parameters; pass data fields are ` +
        '`pd_<field>`, e.g. `pd_barcodevalue`, `pd_seclabel2`, `pd_rellatitude1`.',
    }),
    ApiQuery({ name: 'action', required: true, enum: [...PASS_ACTIONS], description: 'the action, any letter case' }),
    ApiQuery({ name: 'api_key', required: true, type: 'string', example: KEY }),
    ApiQuery({ name: 'passtemplateid', required: false, type: 'string', example: '1' }),
    ApiQuery({ name: 'passdataid', required: false, type: 'string', example: PASS_DATA_ID }),
    ApiQuery({
      name: 'pd',
      required: false,
      description: 'pass data, one `pd_<field>` parameter per element of PASSDATA',
      style: 'form',
      explode: true,
      schema: {
        type: 'object',
        additionalProperties: { type: 'string' },
        example: { pd_barcodevalue: '9988776655', pd_primaryvalue1: 'Ada Lovelace', pd_customid: 'member 42' },
      },
    }),
    ApiProduces('text/xml'),
    responses(),
  );
}
