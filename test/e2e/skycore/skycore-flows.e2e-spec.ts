import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { ListTemplatePasses } from '../../../src/application/list-template-passes.use-case';
import { emptyFields } from '../../../src/domain/fields';
import type { TemplateDefinition } from '../../../src/domain/pass-template';
import { aField, aPng } from '../../support/builders';
import {
  answerOf,
  ENDPOINT,
  expectFailure,
  expectSuccess,
  passDataXml,
  passJsonOf,
  requestXml,
  skycoreService,
} from './skycore-harness';

const BEACON = 'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0';
const THUMBNAIL = aPng(7);

/** An event ticket whose fields are partly dynamic, with a per-pass barcode and two location slots. */
function ticket(overrides: Partial<TemplateDefinition> = {}): Partial<TemplateDefinition> {
  return {
    style: 'eventTicket',
    eventTicketLayout: 'backgroundAndThumbnail',
    title: 'Spring Gala',
    description: 'Spring Gala ticket',
    organizationName: 'Acme Events',
    fields: {
      ...emptyFields(),
      header: [aField('row', { label: 'Row', value: '1', dynamic: true })],
      primary: [aField('guest', { label: 'Guest', value: 'Guest', dynamic: true })],
      secondary: [aField('gate', { label: 'Gate', value: 'A', dynamic: true }), aField('seat', { label: 'Seat', value: '1' })],
      back: [aField('terms', { label: 'Terms', value: 'Not transferable.', dynamic: true })],
    },
    barcode: { format: 'PKBarcodeFormatQR', message: '', messageEncoding: 'iso-8859-1', altText: null, messageRequired: true },
    relevance: { locations: [], beacons: [], relevantDate: null, maxDistance: null, dynamicLocations: 2, dynamicBeacons: 1 },
    ...overrides,
  };
}

type Style = { headerFields: Field[]; primaryFields: Field[]; secondaryFields: Field[]; auxiliaryFields: Field[]; backFields: Field[] };
type Field = { key: string; label?: string; value: string | number };

function fieldsOf(passJson: Record<string, unknown>, style = 'eventTicket'): Style {
  return passJson[style] as Style;
}

describe('Skycore XML API: flows', () => {
  let images: Server;
  let imageHost: string;
  beforeAll(async () => {
    images = createServer((req, res) => {
      if (req.url === '/thumb.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(Buffer.from(THUMBNAIL));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    imageHost = `127.0.0.1:${(images.address() as AddressInfo).port}`;
    service = skycoreService({ THUMBNAIL_URL_ALLOWED_HOSTS: imageHost });
  });
  afterAll(async () => {
    await new Promise((resolve) => images.close(resolve));
  });

  // Created once the image server has its port: the allowlist names host and port.
  let service: ReturnType<typeof skycoreService>;
  let key: string;
  let accountId: number;
  let templateId: number;

  beforeAll(async () => {
    await service.start();
    ({ id: accountId, apiKey: key } = await service.account('Skycore flows'));
    templateId = await service.template(accountId, ticket());
  });
  afterAll(() => service.stop());

  it('runs addPassData → generatePassById → download → updatePass → download → deletePassData', async () => {
    const added = await service.xml(
      requestXml(
        'addPassData',
        key,
        `<PASSTEMPLATEID>${templateId}</PASSTEMPLATEID>` +
          passDataXml({
            CUSTOMPASSID: 'ORDER-42',
            BARCODEVALUE: '9988776655',
            BARCODETEXT: 'No. 9988776655',
            HEADERVALUE1: '12',
            PRIMARYLABEL1: 'Guest of honour',
            PRIMARYVALUE1: 'Ada & Co <VIP>',
            SECVALUE1: 'B',
            BACKVALUE1: 'Keep this ticket.',
            RELLATITUDE1: '40.7128',
            RELLONGITUDE1: '-74.0060',
            RELTEXT1: 'You are near the venue',
            IBEACONUUID1: BEACON,
            IBEACONMAJOR1: '1',
            IBEACONMINOR1: '65535',
            IBEACONTEXT1: 'Welcome',
            EMAIL: 'ada@example.org',
          }),
      ),
    );
    expectSuccess(added);
    expect(added.PASSTEMPLATEID).toBe(String(templateId));
    const passDataId = added.PASSDATAID as string;
    expect(passDataId).toMatch(/^[0-9a-f]{32}$/);

    // The seed page's request, as printed (indented, without a prolog).
    const seedRequest = `<REQUEST>
    <ACTION>generatePassById</ACTION>
    <API_KEY>${key}</API_KEY>
    <PASSDATAID>${passDataId}</PASSDATAID>
</REQUEST>`;
    const generated = await request(service.server()).post(ENDPOINT).type('form').send({ xml: seedRequest });
    const issued = answerOf(generated);
    expectSuccess(issued);
    expect(Object.keys(issued)).toEqual(['STATUS', 'PASSDATAID', 'SERIALNUMBER', 'CUSTOMPASSID', 'PASSLINK', 'DOWNLOADURL']);
    expect(issued.PASSDATAID).toBe(passDataId);
    expect(issued.CUSTOMPASSID).toBe('ORDER-42');
    expect(issued.PASSLINK).toMatch(/^https:\/\/passes\.test\/p\/\d+\/[0-9a-f]{40}$/);
    expect(issued.DOWNLOADURL).toMatch(/^https:\/\/passes\.test\/passes\/\d+\/[0-9a-f]{40}\.pkpass$/);

    // Again: the same serial number and links (§3.6 "store the returned values").
    expect(await service.xml(requestXml('GENERATEPASSBYID', key, `<PASSDATAID>${passDataId}</PASSDATAID>`))).toEqual(issued);

    const first = passJsonOf(await service.download(issued.DOWNLOADURL as string));
    expect(first.serialNumber).toBe(issued.SERIALNUMBER);
    const style = fieldsOf(first);
    expect(style.headerFields).toEqual([{ key: 'row', label: 'Row', value: '12' }]);
    expect(style.primaryFields).toEqual([{ key: 'guest', label: 'Guest of honour', value: 'Ada & Co <VIP>' }]);
    expect(style.secondaryFields).toEqual([
      { key: 'gate', label: 'Gate', value: 'B' },
      { key: 'seat', label: 'Seat', value: '1' },
    ]);
    expect(style.backFields).toEqual([{ key: 'terms', label: 'Terms', value: 'Keep this ticket.' }]);
    expect(first.barcodes).toEqual([
      { format: 'PKBarcodeFormatQR', message: '9988776655', messageEncoding: 'iso-8859-1', altText: 'No. 9988776655' },
    ]);
    expect(first.locations).toEqual([{ latitude: 40.7128, longitude: -74.006, relevantText: 'You are near the venue' }]);
    expect(first.beacons).toEqual([{ proximityUUID: BEACON, major: 1, minor: 65535, relevantText: 'Welcome' }]);

    const update = requestXml(
      'updatePass',
      key,
      `<PASSDATAID>${passDataId}</PASSDATAID>` +
        passDataXml({ PRIMARYVALUE1: 'Ada King', RELLATITUDE2: '51.5072', RELLONGITUDE2: '-0.1276' }),
    );
    const updated = await service.xml(update);
    expectSuccess(updated);
    expect(updated.PASSDATAID).toBe(passDataId);
    expect(updated.UPDATESTATUSID).toMatch(/^\d+-\d+$/);

    const second = passJsonOf(await service.download(issued.DOWNLOADURL as string));
    expect(second.serialNumber).toBe(issued.SERIALNUMBER);
    // The label set before stays; the value is the new one; location 1 stays, location 2 is added.
    expect(fieldsOf(second).primaryFields).toEqual([{ key: 'guest', label: 'Guest of honour', value: 'Ada King' }]);
    expect(second.locations).toEqual([
      { latitude: 40.7128, longitude: -74.006, relevantText: 'You are near the venue' },
      { latitude: 51.5072, longitude: -0.1276 },
    ]);

    // The same data again changes nothing: no new version, so no push; the status id says so.
    const again = await service.xml(update);
    expectSuccess(again);
    expect(again.UPDATESTATUSID).toBe(updated.UPDATESTATUSID);
    const changed = await service.xml(
      requestXml('updatePass', key, `<PASSDATAID>${passDataId}</PASSDATAID>` + passDataXml({ PRIMARYVALUE1: 'Ada' })),
    );
    expect(changed.UPDATESTATUSID).not.toBe(updated.UPDATESTATUSID);

    expectSuccess(await service.xml(requestXml('deletePassData', key, `<PASSDATAID>${passDataId}</PASSDATAID>`)));
    expectFailure(await service.xml(requestXml('generatePassById', key, `<PASSDATAID>${passDataId}</PASSDATAID>`)), 'E808');
    expectFailure(await service.xml(update), 'E808');
    expectFailure(await service.xml(requestXml('deletePassData', key, `<PASSDATAID>${passDataId}</PASSDATAID>`)), 'E808');
    // The pass handed out stays valid.
    expect(passJsonOf(await service.download(issued.DOWNLOADURL as string)).serialNumber).toBe(issued.SERIALNUMBER);
  });

  it('issues in one step with generatePass, CUSTOMPASSID empty when none was given', async () => {
    const answer = await service.xml(
      requestXml(
        'generatePass',
        key,
        `<PASSTEMPLATEID>${templateId}</PASSTEMPLATEID>` +
          passDataXml({ BARCODEVALUE: 'ONE-STEP', PRIMARYVALUE1: 'Grace Hopper', THUMBNAILURL: `http://${imageHost}/thumb.png` }),
      ),
    );
    expectSuccess(answer);
    expect(answer.CUSTOMPASSID).toBe('');
    expect(answer.SERIALNUMBER).toMatch(/^[0-9A-F]{20}$/);
    const files = await service.download(answer.DOWNLOADURL as string);
    const passJson = passJsonOf(files);
    expect(fieldsOf(passJson).primaryFields[0].value).toBe('Grace Hopper');
    expect((passJson.barcodes as Array<{ message: string }>)[0].message).toBe('ONE-STEP');
    expect(Buffer.compare(files['thumbnail.png'], Buffer.from(THUMBNAIL))).toBe(0);
    // Issued here, listed by the core like any pass (the Passdock API lists through the same use case).
    const { passes } = await service.app.get(ListTemplatePasses).execute(accountId, templateId, { offset: 0, limit: 100 });
    expect(passes.map((pass) => pass.serialNumber)).toContain(answer.SERIALNUMBER);
  });

  it('fills a boarding pass\'s second primary field, which other styles ignore', async () => {
    const boarding = await service.template(accountId, {
      title: 'Flight',
      style: 'boardingPass',
      transitType: 'PKTransitTypeAir',
      fields: {
        ...emptyFields(),
        primary: [aField('from', { value: 'SFO', dynamic: true }), aField('to', { value: 'JFK', dynamic: true })],
      },
    });
    const answer = await service.xml(
      requestXml(
        'generatePass',
        key,
        `<PASSTEMPLATEID>${boarding}</PASSTEMPLATEID>` + passDataXml({ PRIMARYVALUE1: 'LHR', PRIMARYVALUE2: 'CDG' }),
      ),
    );
    expectSuccess(answer);
    const passJson = passJsonOf(await service.download(answer.DOWNLOADURL as string));
    expect(fieldsOf(passJson, 'boardingPass').primaryFields.map((field) => field.value)).toEqual(['LHR', 'CDG']);

    const generic = await service.template(accountId, {
      title: 'Two primaries',
      fields: { ...emptyFields(), primary: [aField('a', { value: 'a', dynamic: true }), aField('b', { value: 'b', dynamic: true })] },
    });
    const ignored = await service.xml(
      requestXml('generatePass', key, `<PASSTEMPLATEID>${generic}</PASSTEMPLATEID>` + passDataXml({ PRIMARYVALUE2: 'x' })),
    );
    expectSuccess(ignored);
    const genericJson = passJsonOf(await service.download(ignored.DOWNLOADURL as string));
    expect(fieldsOf(genericJson, 'generic').primaryFields.map((field) => field.value)).toEqual(['a', 'b']);
  });

  it('lists template ids and shows a template in the reference\'s shape', async () => {
    const other = await service.account('Skycore flows, no templates');
    expectFailure(await service.xml(requestXml('getPassTemplateIds', other.apiKey)), 'E800');
    const extra = await service.template(other.id, { title: 'Only one' });
    expect(await service.xml(requestXml('getPassTemplateIds', other.apiKey))).toEqual({
      STATUS: 'Success',
      PASSTEMPLATEIDS: String(extra),
    });

    const ids = await service.get({ action: 'getpasstemplateids', api_key: key });
    expect((ids.PASSTEMPLATEIDS as string).split(',')).toContain(String(templateId));

    const answer = await service.xml(requestXml('getPassTemplate', key, `<PASSTEMPLATEID>${templateId}</PASSTEMPLATEID>`));
    expect(answer).toEqual({
      STATUS: 'Success',
      PASSTEMPLATEID: String(templateId),
      PASSTEMPLATE: {
        PASSNAME: 'Spring Gala',
        PASSTYPE: 'Event Ticket',
        ORGANIZATION: 'Acme Events',
        DESCRIPTION: 'Spring Gala ticket',
        BARCODEVALUE: '',
        BARCODETEXT: '',
        HEADERFIELDS: '1',
        HEADERLABEL1: 'Row',
        HEADERVALUE1: '1',
        PRIMARYFIELDS: '1',
        PRIMARYLABEL1: 'Guest',
        PRIMARYVALUE1: 'Guest',
        SECFIELDS: '2',
        SECLABEL1: 'Gate',
        SECVALUE1: 'A',
        SECLABEL2: 'Seat',
        SECVALUE2: '1',
        AUXFIELDS: '0',
        BACKFIELDS: '1',
        BACKLABEL1: 'Terms',
        BACKVALUE1: 'Not transferable.',
      },
    });
  });

  describe('request forms', () => {
    const add = () =>
      requestXml('addPassData', key, `<PASSTEMPLATEID>${templateId}</PASSTEMPLATEID>` + passDataXml({ BARCODEVALUE: 'FORM' }));

    async function expectAdded(response: request.Response): Promise<void> {
      const answer = answerOf(response);
      expectSuccess(answer);
      expect(answer.PASSDATAID).toMatch(/^[0-9a-f]{32}$/);
    }

    it('GET with lowercase parameters and pd_ pass data', async () => {
      const added = await service.get({
        action: 'addpassdata',
        api_key: key,
        passtemplateid: String(templateId),
        pd_barcodevalue: 'GET 1',
        pd_primaryvalue1: 'Katherine Johnson',
        pd_rellatitude1: '28.5721',
        pd_rellongitude1: '-80.648',
        pd_customid: 'member 42',
      });
      expectSuccess(added);
      const issued = await service.get({ action: 'generatepassbyid', api_key: key, passdataid: added.PASSDATAID as string });
      expectSuccess(issued);
      const passJson = passJsonOf(await service.download(issued.DOWNLOADURL as string));
      expect(fieldsOf(passJson).primaryFields[0].value).toBe('Katherine Johnson');
      expect((passJson.barcodes as Array<{ message: string }>)[0].message).toBe('GET 1');
      expect(passJson.locations).toEqual([{ latitude: 28.5721, longitude: -80.648 }]);

      const updated = await service.get({ action: 'UpdatePass', api_key: key, passdataid: added.PASSDATAID as string, pd_secvalue1: 'C' });
      expectSuccess(updated);
      expect(fieldsOf(passJsonOf(await service.download(issued.DOWNLOADURL as string))).secondaryFields[0].value).toBe('C');
      expectSuccess(await service.get({ action: 'deletepassdata', api_key: key, passdataid: added.PASSDATAID as string }));
    });

    it('POST with the document in an urlencoded form field xml', async () => {
      await expectAdded(await request(service.server()).post(ENDPOINT).type('form').send({ xml: add() }));
    });

    it('POST with the document in a multipart form field XML (the PHP SDK)', async () => {
      await expectAdded(await request(service.server()).post(ENDPOINT).field('XML', add()));
    });

    it('POST with the raw document as text/xml, with and without a prolog', async () => {
      await expectAdded(await request(service.server()).post(ENDPOINT).set('content-type', 'text/xml').send(add()));
      await expectAdded(
        await request(service.server())
          .post(ENDPOINT)
          .set('content-type', 'text/xml; charset=utf-8')
          .send(`<?xml version="1.0" encoding="UTF-8"?>\n${add()}`),
      );
    });

    it('POST with the raw document in UTF-16 or a declared ISO-8859-1, the values reaching the pass as sent', async () => {
      const named = (name: string, prolog: string) =>
        `${prolog}<REQUEST><ACTION>generatePass</ACTION><API_KEY>${key}</API_KEY><PASSTEMPLATEID>${templateId}</PASSTEMPLATEID>` +
        `<PASSDATA><BARCODEVALUE>ENC</BARCODEVALUE><PRIMARYVALUE1>${name}</PRIMARYVALUE1></PASSDATA></REQUEST>`;
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(named('Zoë Ōtsuka 😀', '<?xml version="1.0" encoding="UTF-16"?>'), 'utf16le')]);
      const latin1 = Buffer.from(named('Zoë Müller', '<?xml version="1.0" encoding="ISO-8859-1"?>'), 'latin1');
      for (const [body, name] of [
        [utf16, 'Zoë Ōtsuka 😀'],
        [latin1, 'Zoë Müller'],
      ] as const) {
        const answer = answerOf(await request(service.server()).post(ENDPOINT).set('content-type', 'text/xml').send(body));
        expectSuccess(answer);
        expect(fieldsOf(passJsonOf(await service.download(answer.DOWNLOADURL as string))).primaryFields[0].value).toBe(name);
      }
      const undeclared = Buffer.from(named('Zoë', ''), 'latin1');
      const refused = answerOf(await request(service.server()).post(ENDPOINT).set('content-type', 'text/xml').send(undeclared));
      expectFailure(refused, 'E108');
      expect(refused.ERRORINFO).toContain('not valid UTF-8');
    });

    it('POST with the raw document as application/xml', async () => {
      await expectAdded(await request(service.server()).post(ENDPOINT).set('content-type', 'application/xml').send(add()));
    });

    it('POST with the raw document labelled urlencoded (the Ruby gem over Net::HTTP) or text/plain', async () => {
      await expectAdded(
        await request(service.server())
          .post(ENDPOINT)
          .set('content-type', 'application/x-www-form-urlencoded')
          .send(`<?xml version="1.0"?>\n${add()}`),
      );
      await expectAdded(await request(service.server()).post(ENDPOINT).set('content-type', 'text/plain').send(add()));
    });

    it('POST with the GET parameters as form fields', async () => {
      await expectAdded(
        await request(service.server())
          .post(ENDPOINT)
          .type('form')
          .send({ action: 'addPassData', api_key: key, passtemplateid: String(templateId), pd_barcodevalue: 'FIELDS' }),
      );
    });

    it('escapes what it answers and keeps CDATA text verbatim', async () => {
      const answer = await service.xml(
        requestXml(
          'generatePass',
          key,
          `<PASSTEMPLATEID>${templateId}</PASSTEMPLATEID><PASSDATA><BARCODEVALUE>X</BARCODEVALUE>` +
            '<CUSTOMPASSID><![CDATA[A&B <1>]]> &amp; &#x43;</CUSTOMPASSID></PASSDATA>',
        ),
      );
      expectSuccess(answer);
      expect(answer.CUSTOMPASSID).toBe('A&B <1> & C');
      const raw = await request(service.server())
        .post(ENDPOINT)
        .set('content-type', 'text/xml')
        .send(requestXml('generatePassById', key, `<PASSDATAID>${answer.PASSDATAID as string}</PASSDATAID>`));
      expect(raw.text).toContain('<CUSTOMPASSID>A&amp;B &lt;1&gt; &amp; C</CUSTOMPASSID>');
    });
  });

  describe('accounts are isolated', () => {
    it('another account\'s template is E802 and its pass data E808, like deleted ones', async () => {
      const intruder = await service.account('Skycore intruder');
      expectFailure(
        await service.xml(requestXml('getPassTemplate', intruder.apiKey, `<PASSTEMPLATEID>${templateId}</PASSTEMPLATEID>`)),
        'E802',
      );
      expectFailure(
        await service.xml(
          requestXml('addPassData', intruder.apiKey, `<PASSTEMPLATEID>${templateId}</PASSTEMPLATEID>` + passDataXml({ BARCODEVALUE: '1' })),
        ),
        'E802',
      );
      expectFailure(
        await service.xml(
          requestXml('generatePass', intruder.apiKey, `<PASSTEMPLATEID>${templateId}</PASSTEMPLATEID>` + passDataXml({ BARCODEVALUE: '1' })),
        ),
        'E802',
      );
      const ids = await service.xml(requestXml('getPassTemplateIds', intruder.apiKey));
      expectFailure(ids, 'E800');

      const mine = await service.xml(
        requestXml('addPassData', key, `<PASSTEMPLATEID>${templateId}</PASSTEMPLATEID>` + passDataXml({ BARCODEVALUE: 'MINE' })),
      );
      const id = `<PASSDATAID>${mine.PASSDATAID as string}</PASSDATAID>`;
      const deleted = await service.xml(
        requestXml('addPassData', key, `<PASSTEMPLATEID>${templateId}</PASSTEMPLATEID>` + passDataXml({ BARCODEVALUE: 'GONE' })),
      );
      expectSuccess(await service.xml(requestXml('deletePassData', key, `<PASSDATAID>${deleted.PASSDATAID as string}</PASSDATAID>`)));
      const deletedId = `<PASSDATAID>${deleted.PASSDATAID as string}</PASSDATAID>`;

      for (const [action, extra] of [
        ['generatePassById', ''],
        ['updatePass', passDataXml({ SECVALUE1: 'Z' })],
        ['deletePassData', ''],
      ] as const) {
        const foreign = await service.xml(requestXml(action, intruder.apiKey, id + extra));
        const gone = await service.xml(requestXml(action, key, deletedId + extra));
        expectFailure(foreign, 'E808');
        expect(foreign).toEqual(gone);
      }
      // Untouched by the attempts.
      expectSuccess(await service.xml(requestXml('generatePassById', key, id)));
    });
  });
});
