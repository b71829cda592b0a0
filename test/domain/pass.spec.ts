import { DomainErrorCode } from '../../src/domain/errors';
import { emptyFields } from '../../src/domain/fields';
import { Pass } from '../../src/domain/pass';
import { PassTemplate } from '../../src/domain/pass-template';
import { aField, aPng, aTemplateDefinition, T0 } from '../support/builders';

const withCode = (code: string) => expect.objectContaining({ code });

function boardingTemplate(): PassTemplate {
  const template = PassTemplate.create(
    7,
    aTemplateDefinition({
      style: 'boardingPass',
      transitType: 'PKTransitTypeAir',
      fields: {
        ...emptyFields(),
        header: [aField('gate', { dynamic: true, label: 'GATE', changeMessage: 'Gate changed to %@' })],
        primary: [aField('from', { value: 'SFO' }), aField('to', { value: 'JFK', dynamic: true })],
        auxiliary: [aField('departure', { dynamic: true, dateStyle: 'PKDateStyleMedium', timeStyle: 'PKDateStyleShort' })],
        back: [aField('miles', { dynamic: true, numberStyle: 'PKNumberStyleDecimal' })],
      },
    }),
    T0,
  );
  template.id = 3;
  return template;
}

describe('Pass', () => {
  it('issues with fresh secrets and merges template defaults with the given values', () => {
    const template = boardingTemplate();
    const pass = Pass.issue(template, '1234567', { fields: { gate: { value: '53' }, to: { label: 'DESTINATION' } } }, T0);
    expect(pass.accountId).toBe(7);
    expect(pass.templateId).toBe(3);
    expect(pass.authenticationToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pass.webToken).toMatch(/^[0-9a-f]{40}$/);
    expect(pass.passDataId).toMatch(/^[0-9a-f]{32}$/);
    expect(Pass.issue(template, '2', {}, T0).authenticationToken).not.toBe(pass.authenticationToken);
    const fields = pass.resolveFields(template);
    expect(fields.header[0]).toMatchObject({ key: 'gate', value: '53', label: 'GATE', changeMessage: 'Gate changed to %@' });
    expect(fields.primary.map((field) => [field.key, field.value, field.label])).toEqual([
      ['from', 'SFO', 'FROM'],
      ['to', 'JFK', 'DESTINATION'],
    ]);
    expect(pass.version).toBe(1);
  });

  it('rejects unknown fields and fields that are not dynamic with distinct codes', () => {
    const template = boardingTemplate();
    expect(() => Pass.issue(template, '1', { fields: { seat: { value: '1A' } } }, T0)).toThrow(
      withCode(DomainErrorCode.FieldNotFound),
    );
    expect(() => Pass.issue(template, '1', { fields: { from: { value: 'LAX' } } }, T0)).toThrow(
      withCode(DomainErrorCode.FieldNotDynamic),
    );
  });

  it('checks values against the field styles', () => {
    const template = boardingTemplate();
    expect(() => Pass.issue(template, '1', { fields: { departure: { value: 'tomorrow' } } }, T0)).toThrow(
      withCode(DomainErrorCode.FieldValueInvalid),
    );
    const pass = Pass.issue(
      template,
      '1',
      { fields: { departure: { value: '2012-12-18T14:34:10-02:00' }, miles: { value: '1200' } } },
      T0,
    );
    expect(pass.fieldValues.miles.value).toBe(1200);
    expect(() => Pass.issue(template, '2', { fields: { miles: { value: 'many' } } }, T0)).toThrow(
      withCode(DomainErrorCode.FieldValueInvalid),
    );
  });

  it('needs a serial number', () => {
    expect(() => Pass.issue(boardingTemplate(), '  ', {}, T0)).toThrow(withCode(DomainErrorCode.SerialNumberMissing));
    expect(() => Pass.issue(boardingTemplate(), 'a\nb', {}, T0)).toThrow(withCode(DomainErrorCode.SerialNumberInvalid));
  });

  it('takes up to ten valid locations and beacons', () => {
    const template = boardingTemplate();
    const location = { latitude: 12.122342, longitude: 64.123353, altitude: null, relevantText: null };
    expect(Pass.issue(template, '1', { locations: Array(10).fill(location) }, T0).locations).toHaveLength(10);
    expect(() => Pass.issue(template, '1', { locations: Array(11).fill(location) }, T0)).toThrow(
      withCode(DomainErrorCode.TooManyLocations),
    );
    expect(() => Pass.issue(template, '1', { locations: [{ ...location, latitude: 91 }] }, T0)).toThrow(
      withCode(DomainErrorCode.LocationInvalid),
    );
    const beacon = { proximityUUID: 'e2c56db5-dffb-48d2-b060-d0f5a71096e0', major: 1, minor: 2, relevantText: null };
    expect(Pass.issue(template, '1', { beacons: [beacon] }, T0).beacons![0].proximityUUID).toBe(
      'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0',
    );
    expect(() => Pass.issue(template, '1', { beacons: Array(11).fill(beacon) }, T0)).toThrow(
      withCode(DomainErrorCode.TooManyBeacons),
    );
    expect(() => Pass.issue(template, '1', { beacons: [{ ...beacon, major: 70000 }] }, T0)).toThrow(
      withCode(DomainErrorCode.BeaconInvalid),
    );
    expect(() => Pass.issue(template, '1', { relevantDate: '2012-12-18 14:34' }, T0)).toThrow(
      withCode(DomainErrorCode.DateInvalid),
    );
  });

  it('advances its version strictly on every change, also within one millisecond', () => {
    const template = boardingTemplate();
    const pass = Pass.issue(template, '1', {}, T0);
    pass.update(template, { fields: { gate: { value: '54' } } }, T0);
    expect(pass.version).toBe(2);
    expect(pass.updatedAt.getTime()).toBe(T0.getTime() + 1);
    pass.update(template, { fields: { gate: { value: '55' } } }, new Date(T0.getTime() - 60_000));
    expect(pass.updatedAt.getTime()).toBe(T0.getTime() + 2);
    pass.redeem(new Date(T0.getTime() + 10_000));
    expect(pass.version).toBe(4);
    expect(pass.redeemedAt).toEqual(new Date(T0.getTime() + 10_000));
    expect(pass.showsAsVoided).toBe(true);
    pass.redeem(new Date(T0.getTime() + 20_000));
    expect(pass.version).toBe(4);
    pass.unredeem(new Date(T0.getTime() + 30_000));
    expect(pass.redeemed).toBe(false);
    expect(pass.redeemedAt).toBeNull();
    expect(pass.version).toBe(5);
  });

  it('keeps field overrides it is not given and replaces images by name', () => {
    const template = PassTemplate.create(1, aTemplateDefinition(), T0);
    template.id = 1;
    const pass = Pass.issue(template, '1', { fields: { name: { value: 'Ada', label: 'MEMBER' } }, images: { 'thumbnail.png': aPng(1) } }, T0);
    pass.update(template, { fields: { name: { value: 'Grace' } } }, T0);
    expect(pass.fieldValues.name).toEqual({ value: 'Grace', label: 'MEMBER' });
    expect(Object.keys(pass.images)).toEqual(['thumbnail.png']);
    expect(() => pass.update(template, { images: { 'strip.png': aPng(2) } }, T0)).toThrow(
      withCode(DomainErrorCode.ImageNotAllowed),
    );
  });

  it('cannot change once voided', () => {
    const template = boardingTemplate();
    const pass = Pass.issue(template, '1', {}, T0);
    pass.void(new Date(T0.getTime() + 1));
    expect(pass.voided).toBe(true);
    expect(() => pass.update(template, { fields: { gate: { value: '9' } } }, T0)).toThrow(
      withCode(DomainErrorCode.PassVoided),
    );
    expect(() => pass.redeem(T0)).toThrow(withCode(DomainErrorCode.PassVoided));
  });

  it('stores data before it is issued: no links open it until markIssued, which is idempotent', () => {
    const template = boardingTemplate();
    const draft = Pass.prepare(template, 'DRAFT-1', { fields: { gate: { value: '7' } } }, T0, null);
    expect(draft.isIssued()).toBe(false);
    expect(draft.opensWith(draft.webToken)).toBe(false);
    const later = new Date(T0.getTime() + 5);
    draft.markIssued(later);
    expect(draft.issuedAt).toEqual(later);
    expect(draft.version).toBe(2);
    draft.markIssued(new Date(T0.getTime() + 10));
    expect([draft.issuedAt, draft.version]).toEqual([later, 2]);
    expect(draft.opensWith(draft.webToken)).toBe(true);
    expect(draft.opensWith(draft.webToken.slice(0, -1))).toBe(false);
    expect(draft.opensWith(`${draft.webToken}0`)).toBe(false);
    expect(Pass.issue(template, 'ISSUED', {}, T0).isIssued()).toBe(true);
  });

  it('deletes its pass data handle once and keeps the pass', () => {
    const pass = Pass.issue(boardingTemplate(), '1', {}, T0);
    expect(pass.hasPassData()).toBe(true);
    pass.deletePassData(T0);
    pass.deletePassData(T0);
    expect(pass.hasPassData()).toBe(false);
    expect(pass.version).toBe(2);
  });

  it('fills only the location and beacon slots the template opens; more than ten stays TOO_MANY', () => {
    const template = PassTemplate.create(
      7,
      aTemplateDefinition({
        relevance: { locations: [], beacons: [], relevantDate: null, maxDistance: null, dynamicLocations: 1, dynamicBeacons: 0 },
      }),
      T0,
    );
    const here = { latitude: 1, longitude: 2, altitude: null, relevantText: null };
    const beacon = { proximityUUID: 'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0', major: null, minor: null, relevantText: null };
    expect(Pass.issue(template, '1', { locations: [here] }, T0).locations).toEqual([here]);
    expect(() => Pass.issue(template, '2', { locations: [here, here] }, T0)).toThrow(
      expect.objectContaining({ code: DomainErrorCode.LocationNotDynamic, details: { slot: 2 } }),
    );
    expect(() => Pass.issue(template, '3', { beacons: [beacon] }, T0)).toThrow(
      expect.objectContaining({ code: DomainErrorCode.BeaconNotDynamic, details: { slot: 1 } }),
    );
    expect(() => Pass.issue(template, '4', { locations: Array(11).fill(here) }, T0)).toThrow(
      withCode(DomainErrorCode.TooManyLocations),
    );
    expect(Pass.issue(boardingTemplate(), '5', { locations: Array(10).fill(here) }, T0).locations).toHaveLength(10);
  });

  it('needs its own barcode message when the template requires one, also after an update', () => {
    const template = PassTemplate.create(
      7,
      aTemplateDefinition({
        barcode: { format: 'PKBarcodeFormatQR', message: '', messageEncoding: 'iso-8859-1', altText: null, messageRequired: true },
      }),
      T0,
    );
    expect(() => Pass.issue(template, '1', {}, T0)).toThrow(withCode(DomainErrorCode.BarcodeMessageRequired));
    const pass = Pass.issue(template, '2', { barcodeMessage: 'A-1' }, T0);
    expect(() => pass.update(template, { barcodeMessage: '' }, T0)).toThrow(withCode(DomainErrorCode.BarcodeMessageRequired));
    expect(pass.barcodeMessage).toBe('A-1');
  });

  it('locks prepared data to a valid recipient, required when the template says so', () => {
    const open = PassTemplate.create(7, aTemplateDefinition(), T0);
    const personal = PassTemplate.create(7, aTemplateDefinition({ recipientRequired: true }), T0);
    const none = { email: null, phone: null, customId: null };
    expect(Pass.prepare(open, '1', {}, T0, none).recipient).toBeNull();
    expect(() => Pass.prepare(personal, '1', {}, T0, none)).toThrow(withCode(DomainErrorCode.RecipientRequired));
    expect(() => Pass.prepare(personal, '1', {}, T0, null)).toThrow(withCode(DomainErrorCode.RecipientRequired));
    expect(Pass.prepare(personal, '1', {}, T0, { ...none, phone: '17743199144' }).recipient).toEqual({ ...none, phone: '17743199144' });
  });

  it('keeps its version when an update sets what it already has', () => {
    const template = boardingTemplate();
    const pass = Pass.issue(template, '1', { fields: { gate: { value: '53' } }, images: { 'footer.png': aPng(1) } }, T0);
    pass.update(template, { fields: { gate: { value: '53' } }, images: { 'footer.png': aPng(1) } }, new Date(T0.getTime() + 1));
    expect(pass.version).toBe(1);
    pass.update(template, { images: { 'footer.png': aPng(2) } }, new Date(T0.getTime() + 2));
    expect(pass.version).toBe(2);
    pass.update(template, { fields: { gate: { value: '54' } } }, new Date(T0.getTime() + 3));
    expect(pass.version).toBe(3);
  });

  it('refuses a NUL character in any text it is given, which PostgreSQL could not store', () => {
    const template = boardingTemplate();
    expect(() => Pass.issue(template, '1', { fields: { gate: { value: 'A\u0000' } } }, T0)).toThrow(
      expect.objectContaining({ code: DomainErrorCode.TextInvalid, details: { field: 'pass.fields.gate.value' } }),
    );
    expect(() => Pass.issue(template, '1', { barcodeMessage: '\u0000' }, T0)).toThrow(withCode(DomainErrorCode.TextInvalid));
    expect(() => PassTemplate.create(7, aTemplateDefinition({ title: 'T\u0000' }), T0)).toThrow(
      withCode(DomainErrorCode.TextInvalid),
    );
  });

  describe('Last-Modified', () => {
    it('keeps lastModified in whole seconds, one second later at least than the version before', () => {
      const template = boardingTemplate();
      const pass = Pass.issue(template, '1', {}, new Date('2026-01-01T00:00:00.789Z'));
      expect(pass.lastModified.toISOString()).toBe('2026-01-01T00:00:00.000Z');

      // Within the same second: the next second.
      pass.touch(new Date('2026-01-01T00:00:00.900Z'));
      expect(pass.lastModified.toISOString()).toBe('2026-01-01T00:00:01.000Z');
      pass.touch(new Date('2026-01-01T00:00:00.950Z'));
      expect(pass.lastModified.toISOString()).toBe('2026-01-01T00:00:02.000Z');
      // A clock that went back: one second later all the same.
      pass.touch(new Date('2025-12-31T23:00:00.000Z'));
      expect(pass.lastModified.toISOString()).toBe('2026-01-01T00:00:03.000Z');
      // Later: that time, truncated to the second.
      pass.touch(new Date('2026-01-01T00:10:00.999Z'));
      expect(pass.lastModified.toISOString()).toBe('2026-01-01T00:10:00.000Z');
      expect(pass.updatedAt.toISOString()).toBe('2026-01-01T00:10:00.999Z');
      expect(pass.version).toBe(5);

      // Every change touches: a redeem within the second moves it on too.
      pass.redeem(new Date('2026-01-01T00:10:00.999Z'));
      expect(pass.lastModified.toISOString()).toBe('2026-01-01T00:10:01.000Z');
      expect(pass.updatedAt.toISOString()).toBe('2026-01-01T00:10:01.000Z');
    });

    it('answers If-Modified-Since at whole seconds; garbage and no header mean modified', () => {
      const pass = Pass.issue(boardingTemplate(), '1', {}, new Date('2026-01-01T00:00:05.600Z'));
      expect(pass.isUnmodifiedSince('Thu, 01 Jan 2026 00:00:05 GMT')).toBe(true);
      expect(pass.isUnmodifiedSince(pass.lastModified.toUTCString())).toBe(true);
      expect(pass.isUnmodifiedSince('Thu, 01 Jan 2026 00:00:04 GMT')).toBe(false);
      expect(pass.isUnmodifiedSince('Thu, 01 Jan 2026 00:00:06 GMT')).toBe(true);
      expect(pass.isUnmodifiedSince('yesterday')).toBe(false);
      expect(pass.isUnmodifiedSince('')).toBe(false);
      expect(pass.isUnmodifiedSince(undefined)).toBe(false);

      // A second version within the same second is not what the device holds (P-GET-2).
      pass.touch(new Date('2026-01-01T00:00:05.700Z'));
      expect(pass.isUnmodifiedSince('Thu, 01 Jan 2026 00:00:05 GMT')).toBe(false);
      expect(pass.isUnmodifiedSince('Thu, 01 Jan 2026 00:00:06 GMT')).toBe(true);
    });
  });

  it('is deleted once, with one more version, and shows as voided from then on', () => {
    const pass = Pass.issue(boardingTemplate(), '1', {}, T0);
    expect([pass.isDeleted(), pass.deletedAt, pass.showsAsVoided]).toEqual([false, null, false]);
    const deletedAt = new Date(T0.getTime() + 1_500);
    pass.delete(deletedAt);
    expect(pass.isDeleted()).toBe(true);
    expect(pass.deletedAt).toEqual(deletedAt);
    expect(pass.version).toBe(2);
    expect(pass.lastModified.toISOString()).toBe('2026-01-01T00:00:01.000Z');
    expect(pass.showsAsVoided).toBe(true);
    expect([pass.voided, pass.redeemed]).toEqual([false, false]);

    pass.delete(new Date(T0.getTime() + 60_000));
    expect(pass.deletedAt).toEqual(deletedAt);
    expect(pass.version).toBe(2);
  });

  it('authenticates with its own authentication token only, and never as data that is not issued', () => {
    const template = boardingTemplate();
    const pass = Pass.issue(template, '1', {}, T0);
    const token = pass.authenticationToken;
    expect(pass.authenticatesWith(token)).toBe(true);
    expect(pass.authenticatesWith(token.slice(0, -1))).toBe(false);
    expect(pass.authenticatesWith(`${token}A`)).toBe(false);
    expect(pass.authenticatesWith(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
    expect(pass.authenticatesWith('')).toBe(false);
    expect(pass.authenticatesWith(Pass.issue(template, '2', {}, T0).authenticationToken)).toBe(false);

    const draft = Pass.prepare(template, 'DRAFT-1', {}, T0, null);
    expect(draft.authenticatesWith(draft.authenticationToken)).toBe(false);
    draft.markIssued(new Date(T0.getTime() + 1));
    expect(draft.authenticatesWith(draft.authenticationToken)).toBe(true);
  });
});
