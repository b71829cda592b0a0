import { PassdockRequestError, statusOf } from '../../../../src/adapters/inbound/passdock/passdock-errors';
import { PassdockParams } from '../../../../src/adapters/inbound/passdock/passdock-params';
import { readPassWrite } from '../../../../src/adapters/inbound/passdock/pass-request';
import { PNG_1X1 } from '../../../support/builders';

const form = (fields: Record<string, unknown>) =>
  PassdockParams.of(Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])), {});

function problemsOf(read: () => unknown): { status: number; fields: Array<string | null>; codes: string[] } {
  try {
    read();
  } catch (error) {
    if (!(error instanceof PassdockRequestError)) throw error;
    return { status: statusOf(error.problems), fields: error.problems.map((p) => p.field), codes: error.problems.map((p) => p.code) };
  }
  throw new Error('no problems');
}

describe('readPassWrite', () => {
  it('reads the shortcuts of the create-pass page', () => {
    const write = readPassWrite(
      form({
        pass: {
          serial_number: '4567891',
          bar: { message: 'QRRSNDKAIUDS923', altText: 'QRRSNDKAIUDS923' },
          gate: { value: '53' },
          name: { label: 'NAME', message: 'Name is now %@' },
          departure: '2012-11-14T08:12:19-08:00',
          relevance: { locations: [{ latitude: '12.122342', longitude: 64.123353, altitude: '10' }], relevantDate: '' },
          redeemed: 'false',
        },
      }),
      'create',
    );
    expect(write).toEqual({
      serialNumber: '4567891',
      redeemed: false,
      content: {
        barcodeMessage: 'QRRSNDKAIUDS923',
        barcodeAltText: 'QRRSNDKAIUDS923',
        fields: { gate: { value: '53' }, name: { label: 'NAME', changeMessage: 'Name is now %@' }, departure: { value: '2012-11-14T08:12:19-08:00' } },
        locations: [{ latitude: 12.122342, longitude: 64.123353, altitude: 10, relevantText: null }],
        relevantDate: null,
      },
    });
  });

  it('keeps a field called "__proto__" a field, for the core to refuse as unknown', () => {
    const write = readPassWrite(form({ pass: '{"serial_number":"1","__proto__":"x"}' }), 'create');
    expect(Object.keys(write.content.fields!)).toEqual(['__proto__']);
  });

  it('takes numeric serial numbers as text', () => {
    expect(readPassWrite(PassdockParams.of({ pass: { serial_number: 1234567 } }, {}), 'create').serialNumber).toBe('1234567');
  });

  it('lets an update send only redeemed, at the top level as the 2016 Node client does', () => {
    expect(readPassWrite(form({ redeemed: 'true' }), 'update')).toEqual({ serialNumber: undefined, content: {}, redeemed: true });
  });

  it('reads the thumbnail with its resolution from the file name', () => {
    const data = Buffer.from(PNG_1X1).toString('base64');
    const write = readPassWrite(form({ pass: { serial_number: '1' }, thumbnail: { filename: 'me@2x.jpg', data: `data:image/png;base64,${data}` } }), 'create');
    expect(Object.keys(write.content.images!)).toEqual(['thumbnail@2x.png']);
  });

  it('answers 421 for a create without serial number, and names every format problem found', () => {
    expect(problemsOf(() => readPassWrite(form({ pass: { gate: '1' } }), 'create'))).toEqual({
      status: 421,
      fields: ['pass.serial_number'],
      codes: ['SERIAL_NUMBER_MISSING'],
    });
    expect(problemsOf(() => readPassWrite(form({ pass: { serial_number: '1', gate: 5, bar: { message: 1 }, relevance: { colour: 1 } } }), 'create'))).toEqual({
      status: 422,
      fields: ['pass.gate', 'pass.bar.message', 'pass.relevance.colour'],
      codes: ['FIELD_VALUE_INVALID', 'BARCODE_INVALID', 'VALUE_INVALID'],
    });
  });

  it('answers 400 when pass is missing, malformed or not a hash', () => {
    expect(problemsOf(() => readPassWrite(form({}), 'create')).status).toBe(400);
    expect(problemsOf(() => readPassWrite(form({}), 'update')).status).toBe(400);
    expect(problemsOf(() => readPassWrite(form({ pass: '{"serial_number":' }), 'create')).codes).toEqual(['MALFORMED_JSON']);
    expect(problemsOf(() => readPassWrite(form({ pass: '["a"]' }), 'create')).codes).toEqual(['PARAMETER_INVALID']);
  });
});

describe('statusOf', () => {
  it('answers for the problem a client must fix first', () => {
    const problem = (code: string) => ({ code, field: null, message: '' }) as never;
    expect(statusOf([problem('FIELD_VALUE_INVALID'), problem('SERIAL_NUMBER_MISSING')])).toBe(421);
    expect(statusOf([problem('FIELD_NOT_FOUND'), problem('MALFORMED_JSON')])).toBe(400);
    expect(statusOf([problem('FIELD_VALUE_INVALID'), problem('FIELD_NOT_FOUND')])).toBe(420);
    expect(statusOf([problem('PASS_NOT_FOUND')])).toBe(404);
    expect(statusOf([problem('SOMETHING_NEW')])).toBe(500);
  });
});
