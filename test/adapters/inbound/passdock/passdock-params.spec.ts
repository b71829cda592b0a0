import { Problems } from '../../../../src/adapters/inbound/passdock/passdock-errors';
import { expandBracketKeys, PassdockParams } from '../../../../src/adapters/inbound/passdock/passdock-params';

describe('expandBracketKeys', () => {
  it('nests Rails-style names and leaves plain names alone', () => {
    expect(expandBracketKeys({ api_token: 't', 'pass[serial_number]': '1', 'pass[gate][value]': '53', 'pass[gate][label]': 'GATE' })).toEqual({
      api_token: 't',
      pass: { serial_number: '1', gate: { value: '53', label: 'GATE' } },
    });
  });

  it('spreads repeated [] names over list elements by position', () => {
    expect(
      expandBracketKeys({
        'pass[relevance][locations][][latitude]': ['1', '3'],
        'pass[relevance][locations][][longitude]': ['2', '4'],
        'tags[]': ['a', 'b'],
      }),
    ).toEqual({
      pass: { relevance: { locations: [{ latitude: '1', longitude: '2' }, { latitude: '3', longitude: '4' }] } },
      tags: ['a', 'b'],
    });
  });

  it('lets a plain field win over bracketed fields of the same name', () => {
    expect(expandBracketKeys({ pass: '{"serial_number":"1"}', 'pass[gate]': '53' })).toEqual({ pass: '{"serial_number":"1"}' });
  });

  it('never touches prototypes', () => {
    const expanded = expandBracketKeys({ '__proto__[polluted]': 'yes', 'pass[__proto__][polluted]': 'yes', 'a[constructor][prototype][x]': '1' });
    expect(expanded).toEqual({});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('PassdockParams', () => {
  it('takes a parameter from the body before the query', () => {
    const params = PassdockParams.of({ api_token: 'body' }, { api_token: 'query', errors: 'true' });
    expect(params.text('api_token')).toBe('body');
    expect(params.flag('errors')).toBe(true);
  });

  it.each([
    [true, true],
    ['true', true],
    ['1', true],
    ['false', false],
    [false, false],
    ['yes', false],
    [undefined, false],
  ])('reads the flag %j as %j', (value, flag) => {
    expect(PassdockParams.of({ debug: value }, {}).flag('debug')).toBe(flag);
  });

  it('parses JSON text, takes nested objects as they are, and reports text that does not parse', () => {
    const problems = new Problems();
    const params = PassdockParams.of({ pass: '{"gate":"53"}', family: { title: 'T' }, icon: '{"filename":' }, {});
    expect(params.json('pass', problems)).toEqual({ present: true, value: { gate: '53' } });
    expect(params.json('family', problems)).toEqual({ present: true, value: { title: 'T' } });
    expect(params.json('thumbnail', problems)).toEqual({ present: false, value: undefined });
    expect(params.json('icon', problems)).toEqual({ present: true, value: undefined });
    expect(problems.any).toBe(true);
  });

  it('ignores bodies that are not forms or JSON objects', () => {
    expect(PassdockParams.of('raw text', { api_token: 'q' }).text('api_token')).toBe('q');
    expect(PassdockParams.of(null, undefined).has('pass')).toBe(false);
  });
});
