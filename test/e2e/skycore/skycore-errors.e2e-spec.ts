import request from 'supertest';
import { DeletePassData } from '../../../src/application/delete-pass-data.use-case';
import { DeleteTemplate } from '../../../src/application/delete-template.use-case';
import { FindPassData } from '../../../src/application/find-pass-data.use-case';
import { IssuePreparedPass } from '../../../src/application/issue-prepared-pass.use-case';
import { PreparePassData } from '../../../src/application/prepare-pass-data.use-case';
import { UpdatePass } from '../../../src/application/update-pass.use-case';
import type { Pass } from '../../../src/domain/pass';
import { emptyFields } from '../../../src/domain/fields';
import { aField } from '../../support/builders';
import {
  answerOf,
  ENDPOINT,
  expectFailure,
  expectSuccess,
  passDataXml,
  requestXml,
  skycoreService,
  SkycoreAnswer,
} from './skycore-harness';

const UUID = 'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0';
const UNKNOWN_PASS_DATA_ID = '0123456789abcdef0123456789abcdef';

/** The field slots in the order of their codes (E840 + 2i label, E841 + 2i value). */
const FIELD_SLOTS = ['HEADER1', 'PRIMARY1', 'PRIMARY2', 'SEC1', 'SEC2', 'SEC3', 'SEC4', 'AUX1', 'AUX2', 'AUX3', 'AUX4', 'BACK1', 'BACK2', 'BACK3', 'BACK4'];

describe('Skycore XML API: error codes', () => {
  const service = skycoreService();
  let key: string;
  let accountId: number;
  /** Generic, one dynamic primary field, no barcode. */
  let plain: number;
  /** A boarding pass with a field in every slot, none dynamic; no location or beacon slot dynamic. */
  let fixed: number;
  /** Every location and beacon slot dynamic. */
  let open: number;

  beforeAll(async () => {
    await service.start();
    ({ id: accountId, apiKey: key } = await service.account('Skycore errors'));
    plain = await service.template(accountId, { title: 'Plain' });
    const fields = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => aField(`${prefix}${index + 1}`));
    fixed = await service.template(accountId, {
      title: 'Fixed',
      style: 'boardingPass',
      transitType: 'PKTransitTypeTrain',
      fields: {
        header: fields('h', 1),
        primary: fields('p', 2),
        secondary: fields('s', 4),
        auxiliary: fields('a', 4),
        back: fields('b', 4),
      },
      relevance: { locations: [], beacons: [], relevantDate: null, maxDistance: null, dynamicLocations: 0, dynamicBeacons: 0 },
    });
    open = await service.template(accountId, { title: 'Open', fields: emptyFields() });
  });
  afterAll(() => service.stop());

  afterEach(() => jest.restoreAllMocks());

  const add = (templateId: number, data: Record<string, string>, extra = '') =>
    service.xml(requestXml('addPassData', key, `<PASSTEMPLATEID>${templateId}</PASSTEMPLATEID>${extra}${passDataXml(data)}`));

  async function stored(data: Record<string, string> = {}): Promise<string> {
    const answer = await add(plain, data);
    expectSuccess(answer);
    return answer.PASSDATAID as string;
  }

  describe('general codes', () => {
    it('E100: a request that is not one', async () => {
      expectFailure(await service.xml('<ENVELOPE><ACTION>getPassTemplateIds</ACTION></ENVELOPE>'), 'E100');
      expectFailure(await service.xml(requestXml('getPassTemplateIds', key, '<ACTION>again</ACTION>')), 'E100');
      expectFailure(await service.xml(`<REQUEST><ACTION><NAME>getPassTemplateIds</NAME></ACTION><API_KEY>${key}</API_KEY></REQUEST>`), 'E100');
      expectFailure(await service.xml(requestXml('addPassData', key, `<PASSTEMPLATEID>${plain}</PASSTEMPLATEID><PASSDATA>text</PASSDATA>`)), 'E100');
      expectFailure(answerOf(await request(service.server()).post(ENDPOINT).type('form').send({ xml: '' })), 'E100');
      expectFailure(answerOf(await request(service.server()).post(ENDPOINT)), 'E100');
      expectFailure(answerOf(await request(service.server()).put(ENDPOINT).set('content-type', 'text/xml').send(requestXml('getPassTemplateIds', key))), 'E100');
      expectFailure(answerOf(await request(service.server()).delete(ENDPOINT)), 'E100');
    });

    it('E100: a value the template field cannot take, THUMBNAILURL refused', async () => {
      const dated = await service.template(accountId, {
        title: 'Dated',
        fields: { ...emptyFields(), primary: [aField('when', { dynamic: true, dateStyle: 'PKDateStyleShort' })] },
      });
      const invalidDate = await add(dated, { PRIMARYVALUE1: 'tomorrow' });
      expectFailure(invalidDate, 'E100');
      expect(invalidDate.ERRORINFO).toContain('"when"');

      // No host is allowed in this service (THUMBNAIL_URL_ALLOWED_HOSTS empty).
      const refused = await add(plain, { THUMBNAILURL: 'https://images.example.com/t.png' });
      expectFailure(refused, 'E100');
      expect(refused.ERRORINFO).toMatch(/THUMBNAILURL.*images\.example\.com/);
      const coupon = await service.template(accountId, { title: 'Coupon', style: 'coupon' });
      const noThumbnail = await add(coupon, { THUMBNAILURL: 'https://images.example.com/t.png' });
      expectFailure(noThumbnail, 'E100');
      expect(noThumbnail.ERRORINFO).toMatch(/thumbnail/);
    });

    it('E101: no action, an unknown action', async () => {
      expectFailure(await service.xml(`<REQUEST><API_KEY>${key}</API_KEY></REQUEST>`), 'E101');
      expectFailure(await service.xml(requestXml('', key)), 'E101');
      expectFailure(await service.xml(requestXml('getPassTemplates', key)), 'E101');
      expectFailure(await service.get({ api_key: key }), 'E101');
    });

    it('E102: no API key', async () => {
      expectFailure(await service.xml(requestXml('getPassTemplateIds', null)), 'E102');
      expectFailure(await service.get({ action: 'getpasstemplateids' }), 'E102');
    });

    it('E104: an API key that is not valid', async () => {
      expectFailure(await service.xml(requestXml('getPassTemplateIds', 'qTFkykO9JTfahCOqJ0V2Wf5Cg1t8iWlZ')), 'E104');
      expectFailure(await service.xml(requestXml('getPassTemplateIds', `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)), 'E104');
      expectFailure(await service.xml(requestXml('sendPassInEmail', 'nope')), 'E104');
    });

    it('E107: the email, MMS and other non-pass actions', async () => {
      for (const action of ['sendPassInEmail', 'sendPassInMMS', 'getPassEmailTemplate', 'sendSMS', 'getMmsIds', 'loginUser']) {
        expectFailure(await service.xml(requestXml(action, key)), 'E107');
      }
      expectFailure(await service.get({ action: 'sendpassinmms', api_key: key, mmsid: '1', to: '15550001111' }), 'E107');
    });

    it('E108: a document that is not well-formed XML', async () => {
      expectFailure(await service.xml(`<REQUEST><ACTION>getPassTemplateIds</ACTION><API_KEY>${key}</REQUEST>`), 'E108');
      expectFailure(await service.xml('getPassTemplateIds'), 'E108');
      expectFailure(await service.xml(`<REQUEST><ACTION>a & b</ACTION><API_KEY>${key}</API_KEY></REQUEST>`), 'E108');
      expectFailure(await service.xml(`<REQUEST><ACTION>&nbsp;</ACTION><API_KEY>${key}</API_KEY></REQUEST>`), 'E108');
      expectFailure(await service.xml('<REQUEST/><REQUEST/>'), 'E108');
      expectFailure(answerOf(await request(service.server()).post(ENDPOINT).type('form').send({ xml: '<REQUEST><ACTION>' })), 'E108');
    });
  });

  describe('template codes', () => {
    it('E800: no templates (getPassTemplateIds)', async () => {
      const empty = await service.account('Skycore errors, empty');
      expectFailure(await service.xml(requestXml('getPassTemplateIds', empty.apiKey)), 'E800');
    });

    it('E801: no PASSTEMPLATEID (addPassData, generatePass)', async () => {
      expectFailure(await service.xml(requestXml('addPassData', key, passDataXml({ PRIMARYVALUE1: 'x' }))), 'E801');
      expectFailure(await service.xml(requestXml('generatePass', key, '<PASSTEMPLATEID></PASSTEMPLATEID>')), 'E801');
      expectFailure(await service.get({ action: 'addpassdata', api_key: key }), 'E801');
    });

    it('E802: an unknown, malformed or deleted PASSTEMPLATEID', async () => {
      expectFailure(await service.xml(requestXml('getPassTemplate', key, '<PASSTEMPLATEID>999999</PASSTEMPLATEID>')), 'E802');
      expectFailure(await service.xml(requestXml('getPassTemplate', key, '<PASSTEMPLATEID>abc</PASSTEMPLATEID>')), 'E802');
      expectFailure(await add(Number.MAX_SAFE_INTEGER, {}), 'E802');
      const doomed = await service.template(accountId, { title: 'Doomed' });
      await service.app.get(DeleteTemplate).execute(accountId, doomed);
      expectFailure(await service.xml(requestXml('getPassTemplate', key, `<PASSTEMPLATEID>${doomed}</PASSTEMPLATEID>`)), 'E802');
      expectFailure(await service.xml(requestXml('generatePass', key, `<PASSTEMPLATEID>${doomed}</PASSTEMPLATEID>`)), 'E802');
    });

    it('E822, E823, E827, E828: getPassTemplate addressing', async () => {
      expectFailure(await service.xml(requestXml('getPassTemplate', key, '<MMSID>12</MMSID>')), 'E822');
      expectFailure(await service.xml(requestXml('getPassTemplate', key, '<EMAILID>12</EMAILID>')), 'E823');
      expectFailure(await service.get({ action: 'getpasstemplate', api_key: key, emailtemplateid: '12' }), 'E823');
      expectFailure(await service.xml(requestXml('getPassTemplate', key)), 'E827');
      expectFailure(await service.xml(requestXml('getPassTemplate', key, `<PASSTEMPLATEID>${plain}</PASSTEMPLATEID><MMSID>1</MMSID>`)), 'E828');
      expectFailure(await service.get({ action: 'getpasstemplate', api_key: key, mmsid: '1', emailid: '2' }), 'E828');
    });
  });

  describe('pass data codes', () => {
    it('E803: the template takes the barcode value from the pass data', async () => {
      const barcoded = await service.template(accountId, {
        title: 'Barcoded',
        barcode: { format: 'PKBarcodeFormatQR', message: '', messageEncoding: 'iso-8859-1', altText: null, messageRequired: true },
      });
      expectFailure(await add(barcoded, { PRIMARYVALUE1: 'x' }), 'E803');
      expectFailure(await service.xml(requestXml('generatePass', key, `<PASSTEMPLATEID>${barcoded}</PASSTEMPLATEID>`)), 'E803');
      const ok = await add(barcoded, { BARCODEVALUE: '123' });
      expectSuccess(ok);
      // updatePass keeps the stored value when none is given.
      expectSuccess(await service.xml(requestXml('updatePass', key, `<PASSDATAID>${ok.PASSDATAID as string}</PASSDATAID>${passDataXml({ PRIMARYVALUE1: 'y' })}`)));
    });

    it('E804, E805, E829: invalid EMAIL, PHONE, CUSTOMID', async () => {
      expectFailure(await add(plain, { EMAIL: 'not-an-address' }), 'E804');
      expectFailure(await add(plain, { PHONE: '+1 (555) 000-1111' }), 'E805');
      expectFailure(await add(plain, { CUSTOMID: 'member#42' }), 'E829');
      expectSuccess(await add(plain, { EMAIL: 'ada@example.org', PHONE: '15550001111', CUSTOMID: 'member 42' }));
    });

    it('E833: a personalized template needs EMAIL, PHONE or CUSTOMID', async () => {
      const personal = await service.template(accountId, { title: 'Personal', recipientRequired: true });
      expectFailure(await add(personal, { PRIMARYVALUE1: 'x' }), 'E833');
      expectSuccess(await add(personal, { PHONE: '15550001111' }));
    });

    it('E807, E808: PASSDATAID missing, unknown or malformed', async () => {
      for (const action of ['generatePassById', 'updatePass', 'deletePassData']) {
        expectFailure(await service.xml(requestXml(action, key, passDataXml({ PRIMARYVALUE1: 'x' }))), 'E807');
        expectFailure(await service.xml(requestXml(action, key, `<PASSDATAID>${UNKNOWN_PASS_DATA_ID}</PASSDATAID>${passDataXml({ PRIMARYVALUE1: 'x' })}`)), 'E808');
        expectFailure(await service.xml(requestXml(action, key, `<PASSDATAID>1' or '1'='1</PASSDATAID>${passDataXml({ PRIMARYVALUE1: 'x' })}`)), 'E808');
      }
      expectFailure(await service.get({ action: 'generatepassbyid', api_key: key }), 'E807');
    });

    it('E824: updatePass without pass data', async () => {
      const id = await stored();
      expectFailure(await service.xml(requestXml('updatePass', key, `<PASSDATAID>${id}</PASSDATAID>`)), 'E824');
      expectFailure(await service.xml(requestXml('updatePass', key, `<PASSDATAID>${id}</PASSDATAID><PASSDATA/>`)), 'E824');
      // CUSTOMPASSID and EMAIL are not updatePass data (§3.4); nothing else is left.
      expectFailure(
        await service.xml(requestXml('updatePass', key, `<PASSDATAID>${id}</PASSDATAID>${passDataXml({ CUSTOMPASSID: 'X', EMAIL: 'a@b.example' })}`)),
        'E824',
      );
      expectFailure(await service.get({ action: 'updatepass', api_key: key, passdataid: id }), 'E824');
    });
  });

  describe('slot codes', () => {
    it('E840–E869: a field slot that is not dynamic, or beyond the template\'s fields', async () => {
      for (const [index, slot] of FIELD_SLOTS.entries()) {
        const [, prefix, n] = /^([A-Z]+)(\d)$/.exec(slot)!;
        const label = await add(fixed, { [`${prefix}LABEL${n}`]: 'x' });
        const value = await add(fixed, { [`${prefix}VALUE${n}`]: 'x' });
        expectFailure(label, `E${840 + 2 * index}`);
        expectFailure(value, `E${841 + 2 * index}`);
        expect(value.ERRORINFO).toContain(`${prefix}VALUE${n}`);
        // The generic template has no field there at all: refused the same way.
        if (slot !== 'PRIMARY1' && slot !== 'PRIMARY2') expectFailure(await add(plain, { [`${prefix}VALUE${n}`]: 'x' }), `E${841 + 2 * index}`);
      }
    });

    it('E870–E899: location slots not dynamic, invalid latitude or longitude', async () => {
      for (let n = 1; n <= 10; n += 1) {
        expectFailure(await add(fixed, { [`RELLATITUDE${n}`]: '1', [`RELLONGITUDE${n}`]: '2' }), `E${869 + n}`);
        expectFailure(await add(open, { [`RELLATITUDE${n}`]: 'north', [`RELLONGITUDE${n}`]: '2' }), `E${879 + n}`);
        expectFailure(await add(open, { [`RELLATITUDE${n}`]: '91', [`RELLONGITUDE${n}`]: '2' }), `E${879 + n}`);
        expectFailure(await add(open, { [`RELLATITUDE${n}`]: '1', [`RELLONGITUDE${n}`]: '-180.5' }), `E${889 + n}`);
        expectFailure(await add(open, { [`RELLATITUDE${n}`]: '1' }), `E${889 + n}`);
      }
      // Slots fill from 1: location 2 without location 1 leaves a hole.
      expectFailure(await add(open, { RELLATITUDE2: '1', RELLONGITUDE2: '2' }), 'E880');
      const all: Record<string, string> = {};
      for (let n = 1; n <= 10; n += 1) Object.assign(all, { [`RELLATITUDE${n}`]: `${n}`, [`RELLONGITUDE${n}`]: `-${n}.5` });
      expectSuccess(await add(open, all));
    });

    it('E950–E999: iBeacon slots not dynamic, invalid UUID, major or minor, UUID missing', async () => {
      for (let n = 1; n <= 10; n += 1) {
        expectFailure(await add(fixed, { [`IBEACONUUID${n}`]: UUID }), `E${949 + n}`);
        expectFailure(await add(open, { [`IBEACONUUID${n}`]: 'not-a-uuid' }), `E${959 + n}`);
        expectFailure(await add(open, { [`IBEACONUUID${n}`]: UUID, [`IBEACONMAJOR${n}`]: '65536' }), `E${969 + n}`);
        expectFailure(await add(open, { [`IBEACONUUID${n}`]: UUID, [`IBEACONMINOR${n}`]: '-1' }), `E${979 + n}`);
        expectFailure(await add(open, { [`IBEACONMAJOR${n}`]: '1', [`IBEACONTEXT${n}`]: 'hello' }), `E${989 + n}`);
      }
      expectFailure(await add(open, { IBEACONUUID2: UUID }), 'E990');
      expectSuccess(await add(open, { IBEACONUUID1: UUID, IBEACONMAJOR1: '0', IBEACONMINOR1: '65535' }));
    });

    it('checks slots on updatePass against the pass\'s template', async () => {
      const answer = await add(fixed, {});
      expectSuccess(answer);
      const id = answer.PASSDATAID as string;
      expectFailure(await service.xml(requestXml('updatePass', key, `<PASSDATAID>${id}</PASSDATAID>${passDataXml({ SECVALUE3: 'x' })}`)), 'E851');
      expectFailure(await service.xml(requestXml('updatePass', key, `<PASSDATAID>${id}</PASSDATAID>${passDataXml({ RELLATITUDE1: '1', RELLONGITUDE1: '1' })}`)), 'E870');
      expectFailure(await service.xml(requestXml('updatePass', key, `<PASSDATAID>${id}</PASSDATAID>${passDataXml({ IBEACONUUID1: UUID })}`)), 'E950');
    });
  });

  describe('internal failures: logged, answered with the action\'s code, never shown', () => {
    const secret = 'database exploded at /var/lib/secret';
    const expectHidden = (answer: SkycoreAnswer) => expect(JSON.stringify(answer)).not.toContain('exploded');

    it('E806 addPassData', async () => {
      jest.spyOn(service.app.get(PreparePassData), 'execute').mockRejectedValueOnce(new Error(secret));
      const answer = await add(plain, {});
      expectFailure(answer, 'E806');
      expectHidden(answer);
    });

    it('E809 updatePass', async () => {
      const id = await stored();
      jest.spyOn(service.app.get(UpdatePass), 'execute').mockRejectedValueOnce(new Error(secret));
      const answer = await service.xml(requestXml('updatePass', key, `<PASSDATAID>${id}</PASSDATAID>${passDataXml({ PRIMARYVALUE1: 'x' })}`));
      expectFailure(answer, 'E809');
      expectHidden(answer);
    });

    it('E821 deletePassData', async () => {
      const id = await stored();
      jest.spyOn(service.app.get(DeletePassData), 'execute').mockRejectedValueOnce(new Error(secret));
      const answer = await service.xml(requestXml('deletePassData', key, `<PASSDATAID>${id}</PASSDATAID>`));
      expectFailure(answer, 'E821');
      expectHidden(answer);
    });

    it('E830 generatePassById', async () => {
      const id = await stored();
      jest.spyOn(service.app.get(IssuePreparedPass), 'execute').mockRejectedValueOnce(new Error(secret));
      const answer = await service.xml(requestXml('generatePassById', key, `<PASSDATAID>${id}</PASSDATAID>`));
      expectFailure(answer, 'E830');
      expectHidden(answer);
      expectSuccess(await service.xml(requestXml('generatePassById', key, `<PASSDATAID>${id}</PASSDATAID>`)));
    });

    it('E830 generatePass, and the data stored for it is deleted again', async () => {
      const prepare = jest.spyOn(service.app.get(PreparePassData), 'execute');
      jest.spyOn(service.app.get(IssuePreparedPass), 'execute').mockRejectedValueOnce(new Error(secret));
      const answer = await service.xml(requestXml('generatePass', key, `<PASSTEMPLATEID>${plain}</PASSTEMPLATEID>`));
      expectFailure(answer, 'E830');
      expectHidden(answer);
      const prepared = (await prepare.mock.results[0].value) as Pass;
      await expect(service.app.get(FindPassData).execute(accountId, prepared.passDataId)).rejects.toMatchObject({ code: 'PASS_NOT_FOUND' });
    });

    it('E830 generatePass when storing fails', async () => {
      jest.spyOn(service.app.get(PreparePassData), 'execute').mockRejectedValueOnce(new Error(secret));
      expectFailure(await service.xml(requestXml('generatePass', key, `<PASSTEMPLATEID>${plain}</PASSTEMPLATEID>`)), 'E830');
    });
  });
});
